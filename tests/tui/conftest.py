"""Fixtures for the wizard's pilot tests: small training data (the settings directory is in tests/conftest.py)."""

from __future__ import annotations

import contextlib
import os
import weakref
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from textual import constants
from textual.app import App
from textual.screen import Screen

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


@pytest.fixture(autouse=True)
def frames_drawn_when_looked_at(monkeypatch: pytest.MonkeyPatch) -> None:
    """A headless app draws a screen in full when it first shows it and when the test is done with the app, not
    at each repaint in between: a widget that cannot draw what it shows still fails the test there.

    The frames of a headless app go nowhere, and drawing each of them was about a sixth of these tests' CPU time.
    The pictures (``export_screenshot``) draw the whole screen themselves. NEXUSML_TEST_EVERY_FRAME=1 draws
    every frame, as an app in a terminal does.
    """
    if os.environ.get("NEXUSML_TEST_EVERY_FRAME"):
        return
    draw = Screen._compositor_refresh
    shown: weakref.WeakKeyDictionary[App, Screen] = weakref.WeakKeyDictionary()

    def draw_new_screens(screen: Screen) -> None:
        app = screen.app
        if app.is_headless and screen is app.screen:
            if shown.get(app) is screen:  # a repaint: what it would draw goes nowhere
                screen._compositor._dirty_regions.clear()
                screen._dirty_widgets.clear()
                app._update_mouse_over(screen)
                return
            shown[app] = screen
            screen._compositor._dirty_regions.add(screen._compositor.size.region)  # in full
        draw(screen)

    run_test = App.run_test

    @contextlib.asynccontextmanager
    async def run_test_and_draw(app: App, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        async with run_test(app, *args, **kwargs) as pilot:
            yield pilot
            if app.is_running and app.screen_stack:
                await pilot.pause()
                app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)

    monkeypatch.setattr(Screen, "_compositor_refresh", draw_new_screens)
    monkeypatch.setattr(App, "run_test", run_test_and_draw)


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
