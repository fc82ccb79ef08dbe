"""SVG snapshots of the wizard at fixed sizes, on content that does not vary between machines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import TINY_CSV
from textual.widgets import Input

from tui.app import create_app


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Relative paths only, so the screens show the same text everywhere."""
    shutil.copy(TINY_CSV, tmp_path / "tiny.csv")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEXUSML_CONFIG_DIR", "cfg")
    return tmp_path


def steady(*keys: str):
    async def run_before(pilot) -> None:
        app = pilot.app
        await app.workers.wait_for_complete()
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
        for widget in app.screen.query(Input):
            widget.cursor_blink = False
        app.clear_notifications()
        await pilot.pause()

    return run_before


def test_data_step_small_terminal(snap_compare, workdir: Path) -> None:
    app = create_app({"data_path": "tiny.csv", "output_dir": "models"})
    assert snap_compare(app, terminal_size=(80, 24), run_before=steady())


def test_training_step_with_invalid_value(snap_compare, workdir: Path) -> None:
    app = create_app({"data_path": "tiny.csv", "output_dir": "models", "test_size": "1.5"})
    assert snap_compare(app, terminal_size=(120, 40), run_before=steady("ctrl+n", "ctrl+n"))


def test_review_step(snap_compare, workdir: Path) -> None:
    app = create_app({"data_path": "tiny.csv", "output_dir": "models", "model_type": "logreg"})
    keys = ("ctrl+n",) * 4
    assert snap_compare(app, terminal_size=(100, 30), run_before=steady(*keys))


def test_settings_modal(snap_compare, workdir: Path) -> None:
    app = create_app({"data_path": "tiny.csv", "output_dir": "models"})
    assert snap_compare(app, terminal_size=(100, 30), run_before=steady("f2"))


def test_features_step_on_an_export_small_terminal(snap_compare, workdir: Path) -> None:
    (workdir / "export.csv").write_text(
        '\ufeffAsset ID,Asset Name,"Trade, Group",Qty,,\n'
        "A-1,Pump 1,Wet,2,,\n\n"
        "A-2,Panel 3,Power,1,,\n"
        "A-3,Fan 2,Air,4,,\n",
        encoding="utf-8",
    )
    app = create_app({"data_path": "export.csv", "output_dir": "models", "targets": ['"Trade, Group"']})
    assert snap_compare(app, terminal_size=(80, 24), run_before=steady("ctrl+n"))


def test_help_small_terminal(snap_compare, workdir: Path) -> None:
    app = create_app({"data_path": "tiny.csv", "output_dir": "models"})
    assert snap_compare(app, terminal_size=(80, 24), run_before=steady("f1", "pagedown"))
