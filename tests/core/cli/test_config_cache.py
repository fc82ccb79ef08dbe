"""Feature configs are parsed once per version of the file: the wizard's validator and summary share it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nexusml.config import ConfigError, feature_config, load_feature_config

YAML = "text_combinations:\n  - name: combined_text\n    columns: [description]\ntargets: [{target}]\n"


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files the YAML reader parsed, in order."""
    seen: list[Path] = []
    real = feature_config.read_yaml

    def counting(path: Path):
        seen.append(path)
        return real(path)

    monkeypatch.setattr(feature_config, "read_yaml", counting)
    return seen


def test_the_same_file_is_parsed_once(tmp_path: Path, parses: list[Path]) -> None:
    path = tmp_path / "features.yml"
    path.write_text(YAML.format(target="category_name"), encoding="utf-8")
    first = load_feature_config(path)
    assert load_feature_config(str(path)) is first
    assert parses == [path]


def test_a_file_changed_on_disk_is_read_again(tmp_path: Path, parses: list[Path]) -> None:
    path = tmp_path / "features.yml"
    path.write_text(YAML.format(target="category_name"), encoding="utf-8")
    assert load_feature_config(path).targets == ("category_name",)
    path.write_text(YAML.format(target="uniformat_code"), encoding="utf-8")  # another size
    assert load_feature_config(path).targets == ("uniformat_code",)
    stat = path.stat()
    path.write_text(YAML.format(target="uniformat_name"), encoding="utf-8")  # same size, same inode
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert load_feature_config(path).targets == ("uniformat_name",)
    assert len(parses) == 3


def test_a_bad_file_is_not_remembered(tmp_path: Path) -> None:
    path = tmp_path / "features.yml"
    path.write_text("text_combinations: 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="text_combinations"):
        load_feature_config(path)
    path.write_text(YAML.format(target="category_name"), encoding="utf-8")
    assert load_feature_config(path).targets == ("category_name",)
