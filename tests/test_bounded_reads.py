"""Every read is bounded: code lists, settings, past runs' metadata and model files cannot hang the program."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from nexusml.files import FileReadError, read_json_object, read_regular
from nexusml.train_model_pipeline_v2 import main as train_main

BUNDLED = Path(__file__).resolve().parents[1] / "nexusml" / "data" / "equipment_inventory.csv"
BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
    for i in range(9)
)


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("kind", ["fifo", "dev_zero", "folder", "huge"])
def test_the_guarded_reader_refuses_what_is_not_a_small_regular_file(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "file"
    if kind == "fifo":
        fifo(path)
    elif kind == "dev_zero":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    else:
        path.write_bytes(b"x" * 2000)
    with pytest.raises(FileReadError, match=r"not a regular file|at most 1 KB"):
        read_regular(path, 1024, "a test file")


def test_json_nested_too_deeply_or_of_the_wrong_kind_is_one_line(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"a": ' * 200 + "1" + "}" * 200)
    with pytest.raises(FileReadError, match="nested deeper than 64 levels"):
        read_json_object(deep, 1 << 20, "a metadata file")
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]")
    with pytest.raises(FileReadError, match="holds a JSON list, not an object"):
        read_json_object(listed, 1 << 20, "a metadata file")


@pytest.mark.parametrize("kind", ["fifo", "dev_zero"])
def test_a_reference_list_that_is_a_pipe_or_a_device_is_unavailable_not_a_hang(
    tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "omniclass.csv"
    if kind == "fifo":
        fifo(target)
    else:
        target.symlink_to("/dev/zero")
    config = tmp_path / "reference.yml"
    config.write_text("omniclass: omniclass.csv\n")
    data = tmp_path / "inventory.csv"
    data.write_text("".join(BUNDLED.read_text().splitlines(keepends=True)[:301]))
    argv = ["--headless", "--data-path", str(data), "--reference-config", str(config)]
    argv += ["--output-dir", str(tmp_path / "m")]
    assert train_main(argv) == 0
    err = capsys.readouterr().err
    assert "Reference list omniclass unavailable" in err and "is not a regular file" in err


@pytest.mark.parametrize("content", ["fifo", "bomb", "deep", "list"])
def test_a_hostile_settings_file_gives_the_defaults_at_once(tmp_path: Path, content: str) -> None:
    from tui.settings import Settings, load_settings

    path = tmp_path / "settings.yml"
    if content == "fifo":
        fifo(path)
    elif content == "bomb":
        path.write_text(BOMB)
    elif content == "deep":
        path.write_text("a: " + "[" * 1000 + "]" * 1000 + "\n")
    else:
        path.write_text("- 1\n- 2\n")
    assert load_settings(path) == Settings()


def test_past_runs_skip_metadata_that_is_not_a_runs_and_show_odd_ones(tmp_path: Path) -> None:
    from tui.runs import RunView, list_past_runs

    fifo(tmp_path / "pipe_20260101_000000_metadata.json")
    (tmp_path / "deep_20260101_000000_metadata.json").write_text('{"a": ' * 5000 + "1" + "}" * 5000)
    (tmp_path / "list_20260101_000000_metadata.json").write_text("[1]")
    odd = tmp_path / "odd_20260101_000000_metadata.json"
    odd.write_text(
        json.dumps(
            {
                "created": "2026-01-01",
                "metrics": [1, 2],
                "targets": "System",
                "stage_seconds": {"train": "fast"},
                "class_counts": 3,
                "model_file": "../../etc/passwd",
                "warnings": [1, "one"],
            }
        )
    )
    runs = list_past_runs(tmp_path)
    assert [r.metadata_path.name for r in runs] == [odd.name]
    view = RunView.from_metadata(odd)
    assert view.metrics == {} and view.model_path is None and view.warnings == ("one",)
    assert view.stage_seconds == {}


def test_a_model_file_that_does_not_match_its_sha256_is_refused_without_being_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nexusml import load_model
    from nexusml.store.load import ModelLoadError

    data = tmp_path / "inventory.csv"
    data.write_text("".join(BUNDLED.read_text().splitlines(keepends=True)[:301]))
    argv = ["--headless", "--data-path", str(data), "--output-dir", str(tmp_path / "m"), "--log-level", "ERROR"]
    assert train_main(argv) == 0
    model = tmp_path / "m" / "equipment_classifier_latest.skops"
    big = tmp_path / "m" / "impostor.skops"
    big.write_bytes(model.read_bytes() + b"\0" * (1 << 20))
    meta = json.loads((tmp_path / "m" / "equipment_classifier_latest_metadata.json").read_text())
    meta.pop("latest_of", None)
    (tmp_path / "m" / "impostor_metadata.json").write_text(json.dumps(meta))
    read_whole: list[Path] = []
    original = Path.read_bytes

    def watched(self: Path) -> bytes:
        read_whole.append(self)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", watched)
    with pytest.raises(ModelLoadError, match="does not match the sha256"):
        load_model(big)
    assert big not in read_whole
    load_model(model)
    assert model in read_whole
