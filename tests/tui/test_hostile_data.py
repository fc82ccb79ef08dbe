"""Data is shown, never interpreted: markup and terminal escapes in a file cannot crash or drive the wizard."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from textual.widgets import DataTable, Static
from tui_helpers import settle, text_of

from tui.app import create_app
from tui.screens.results import ResultsScreen

SIZE = (120, 40)
ESC_TITLE = "\x1b]0;pwned\x07"
ESC_CLEAR = "\x1b[2J"
MARKUP = ["Pump [/y]", "[b]Fan[/i]", "[@click=app.quit]x[/]", "Valve [link=http://x]"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from nexusml.options.arguments import arguments_from_values
    from nexusml.pipeline import run_training

    folder = tmp_path_factory.mktemp("hostile")
    rng = np.random.default_rng(0)
    labels = np.array(["[/x] Pumps", f"Fans{ESC_TITLE}", "Valves [b]", f"Boilers{ESC_CLEAR}"])
    words = {0: "pump impeller", 1: "fan blade", 2: "valve gate", 3: "boiler burner"}
    picks = rng.integers(0, 4, 160)
    text = [f"{words[k]} {MARKUP[i % 4]} {i % 7}" for i, k in enumerate(picks)]
    text[1] = f"odd {ESC_TITLE} pump impeller"
    frame = pd.DataFrame({"[/x] Asset": text, f"System{ESC_CLEAR}": labels[picks]})
    data = folder / "d[/b]hostile.csv"  # a folder "d[" holding "b]hostile.csv": the path reads [/b]
    data.parent.mkdir()
    frame.to_csv(data, index=False)
    args = arguments_from_values(
        {
            "data_path": data,
            "targets": [f"System{ESC_CLEAR}"],
            "text_columns": ["[/x] Asset"],
            "output_dir": folder / "models[/b]",
        }
    )
    result = run_training(args)
    return {"data": data, "result": result, "models": folder / "models[/b]"}


def shown_text(app) -> str:
    """Everything the screen shows, as text."""
    parts = [text_of(w) for w in app.screen.query(Static)]
    for table in app.screen.query(DataTable):
        parts += [str(c.label) for c in table.columns.values()]
        for row in range(table.row_count):
            parts += [str(cell) for cell in table.get_row_at(row)]
    return "\n".join(parts)


async def test_markup_and_escapes_in_a_file_are_shown_as_text_on_the_data_step(hostile: dict) -> None:
    app = create_app({"data_path": str(hostile["data"])})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = shown_text(app)
        assert "[/x] Asset" in shown and "Pump [/y]" in shown and "[@click=app.q" in shown
        assert "\x1b" not in shown and "odd ?]0;pwned? pump" in shown
        await pilot.press("ctrl+n")  # the column pickers list the hostile names
        await settle(pilot)
        assert "\x1b" not in shown_text(app)
        app.notify(f"a message quoting [/b] and {ESC_TITLE}")  # notifications too
        await pilot.pause()
        assert app.is_running


async def test_a_past_run_with_hostile_labels_shows_its_results(hostile: dict) -> None:
    from tui.runs import RunView

    app = create_app({"output_dir": str(hostile["models"])})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ResultsScreen(RunView.from_result(hostile["result"])))
        await settle(pilot)
        for key in ("f3", "f4"):  # the per-class table and the error rows
            await pilot.press(key)
            await settle(pilot)
        shown = shown_text(app)
        assert "[/x] Pumps" in shown and "\x1b" not in shown
        await pilot.press("ctrl+o")  # past runs: the models folder's name holds markup too
        await settle(pilot)
        assert app.is_running and "\x1b" not in shown_text(app)


async def test_coding_a_hostile_file_shows_its_rows_and_classes_as_text(hostile: dict) -> None:
    from tests.tui.test_review import predicted

    model = hostile["result"].latest_model_path
    app = create_app({"predict": str(model), "data_path": str(hostile["data"])})
    async with app.run_test(size=SIZE) as pilot:
        screen = await predicted(pilot, app)
        shown = shown_text(app)
        assert "Pump [/y]" in shown and "\x1b" not in shown
        await pilot.press("enter")  # the row dialog shows the whole row and its classes
        await settle(pilot)
        assert app.is_running and "\x1b" not in shown_text(app)
        assert screen is not None


@pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")
def test_a_wizard_that_crashes_exits_1_not_0(monkeypatch: pytest.MonkeyPatch) -> None:
    from tui import app as app_module
    from tui import training_process

    mount = app_module.NexusTrainApp.on_mount

    def broken(self) -> None:
        mount(self)
        raise RuntimeError("a bug")

    monkeypatch.setattr(training_process, "start_helpers", lambda: None)
    monkeypatch.setattr(app_module.NexusTrainApp, "on_mount", broken)
    assert app_module.run_wizard({}, headless=True) == 1
    import gc

    gc.collect()  # the crashed app's pending coroutines are dropped here, under this test's filter


async def test_every_warning_of_a_run_is_listed_on_its_own_tab(hostile: dict) -> None:
    import dataclasses

    from textual.widgets import TabbedContent

    from tui.runs import RunView

    warnings = (
        "25 row(s) have no text in any input column",
        "only 14 held-out row(s): accuracy and macro-F1 mean little below 30",
        "24 duplicate row(s) [b]bold?[/b]",
    )
    view = dataclasses.replace(RunView.from_result(hostile["result"]), warnings=warnings)
    app = create_app({"output_dir": str(hostile["models"])})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ResultsScreen(view))
        await settle(pilot)
        assert "⚠ 3 warning(s): 25 row(s) have no text in any input column (f7: all 3)" in shown_text(app)
        await pilot.press("f7")
        await settle(pilot)
        assert app.screen.query_one("#charts", TabbedContent).active == "tab-warnings"
        listed = str(app.screen.query_one("#warnings-list").render())
        for i, warning in enumerate(warnings, 1):
            assert f"{i}. {warning}" in listed  # all of them, markup shown as written
