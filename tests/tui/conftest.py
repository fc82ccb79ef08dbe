"""Fixtures for the wizard's pilot tests: small training data (the settings directory is in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import constants

DATA_DIR = Path(__file__).parent / "data"
TINY_CSV = DATA_DIR / "tiny.csv"
COLUMNS = [
    "equipment_tag",
    "manufacturer",
    "model",
    "category_name",
    "uniformat_code",
    "mcaa_system_category",
    "service_life",
    "description",
]
FEATURES_YAML = """\
text_combinations:
  - name: combined_text
    columns: [description, manufacturer, model, equipment_tag]
targets: [category_name, mcaa_system_category]
"""


@pytest.fixture(autouse=True)
def no_animations(monkeypatch: pytest.MonkeyPatch) -> None:
    """Apps start with TEXTUAL_ANIMATIONS=none: a scroll or a tab's underline jumps to where it ends.

    The tests look at where things end up; a pilot key press would otherwise wait for each animation's frames.
    """
    monkeypatch.setattr(constants, "TEXTUAL_ANIMATIONS", "none")


@pytest.fixture(scope="session")
def inventory_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 150 synthetic inventory rows with the usual columns."""
    path = tmp_path_factory.mktemp("data") / "inventory.csv"
    from scripts.synthetic import generate_inventory

    generate_inventory(150, seed=3)[COLUMNS].to_csv(path, index=False)
    return path


@pytest.fixture
def features_yaml(tmp_path: Path) -> Path:
    path = tmp_path / "features.yml"
    path.write_text(FEATURES_YAML, encoding="utf-8")
    return path


@pytest.fixture
def run_given(inventory_csv: Path, features_yaml: Path, tmp_path: Path) -> dict:
    """Raw values for a quick, valid run (two targets) into a fresh output directory."""
    return {
        "data_path": str(inventory_csv),
        "feature_config": str(features_yaml),
        "output_dir": str(tmp_path / "models"),
    }
