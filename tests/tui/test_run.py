"""Pilot tests of real training runs: results, legacy path, cancel, failure, past runs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, RichLog, Static
from tui_helpers import settle, text_of, until

from tui.app import create_app
from tui.screens.confirm import ConfirmScreen
from tui.screens.past_runs import PastRunsScreen
from tui.screens.results import ResultsScreen
from tui.screens.run import RunScreen
from tui.screens.traceback import TracebackScreen
from tui.screens.wizard import WizardScreen

SIZE = (120, 40)


async def start_run(app, pilot):
    """Press ctrl+r on the wizard and return the run screen it opened."""
    await pilot.press("ctrl+r")
    await pilot.pause()
    return app.active_run


def log_text(screen) -> str:
    return "\n".join(line.text for line in screen.query_one("#run-log", RichLog).lines)


async def test_run_to_results_then_try_it_and_reopen_it(run_given: dict, tmp_path: Path) -> None:
    app = create_app(run_given)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        run = await start_run(app, pilot)
        assert isinstance(run, RunScreen)
        await settle(pilot, rounds=4)
        assert isinstance(app.screen, ResultsScreen), log_text(run)
        result = run.result
        assert result.path == "orchestrator"
        assert Path(result.model_path).exists()
        assert all(row.state == "done" for row in run.query_one("#stages").rows)
        assert "[1/" in log_text(run) and "done in" in log_text(run)

        results = app.screen
        table = results.query_one("#metrics", DataTable)
        assert table.row_count == 2
        first = table.get_row_at(0)
        assert str(first[0]) == "category_name"
        assert str(first[1]) == f"{result.metrics['category_name']['accuracy']:.3f}"
        assert str(result.model_path) in text_of(results.query_one("#results-heading", Static))

        results.query_one("#target").value = "mcaa_system_category"
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.press(*"rooftop unit gas heat", "enter")
        await settle(pilot)
        prediction = text_of(results.query_one("#try-output", Static))
        assert "category_name" in prediction and "%" in prediction
        # The box's example is a row of this run's training file, as the model reads it
        example = results.query_one("#try-input", Input).placeholder
        assert example.startswith("e.g. ") and len(example) > 10
        training_text = Path(run_given["data_path"]).read_text().lower()
        assert all(word in training_text for word in example[5:].lower().split()[:-1])
        # The three most confident classes per target, and whether the first would be coded automatically
        # at the threshold this run recorded for its target.
        block = prediction.split("category_name", 1)[1].split("mcaa_system_category", 1)[0]
        assert len([line for line in block.splitlines() if "%" in line]) == 3
        threshold = result.metrics["category_name"]["auto_coding"]["threshold"]
        expected = f"(threshold {threshold:.0%})" if threshold is not None else "(no auto-coding threshold)"
        assert expected in block and ("auto-coded" in block or "to review" in block)

        await pilot.press("ctrl+o")
        await pilot.pause()
        past = app.screen
        assert isinstance(past, PastRunsScreen)
        assert len(past.runs) == 1 and past.runs[0].model_file == Path(result.model_path).name
        await pilot.press("enter")
        await settle(pilot)
        reopened = app.screen
        assert isinstance(reopened, ResultsScreen)
        assert reopened.view.metrics["category_name"]["f1_macro"] == result.metrics["category_name"]["f1_macro"]
        assert reopened.query_one("#metrics", DataTable).row_count == 2
        await pilot.press("escape", "escape", "escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)
        await pilot.press("ctrl+q")
    assert app.return_value == 0  # a successful session exits 0


async def test_legacy_switch_runs_the_legacy_path(run_given: dict) -> None:
    app = create_app(run_given)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("enter", "escape")
        await pilot.pause()
        assert app.form.legacy is True
        run = await start_run(app, pilot)
        await settle(pilot, rounds=4)
        assert run.result is not None, log_text(run)
        assert run.result.path == "legacy"
        text = log_text(run)
        assert "legacy path" in text
        assert "legacy:" in text or "run:" in text  # records from the nexusml.legacy / nexusml.run loggers
        assert Path(run.result.model_path).exists()


@pytest.fixture
def gated_training(monkeypatch: pytest.MonkeyPatch):
    """Hold each run before its first stage until its token is cancelled (or 10 s pass).

    The run goes through the in-thread runner, which has the same contract as the child process
    (tests/tui/test_training_process.py covers cancelling the child itself).
    """
    import nexusml.pipeline as pipeline
    from tui.training_process import run_in_thread

    monkeypatch.setattr(RunScreen, "runner", staticmethod(run_in_thread))

    real = pipeline.run_training

    def gated(args, on_event=None, cancel=None):
        deadline = time.monotonic() + 10
        while not cancel.cancelled and time.monotonic() < deadline:
            time.sleep(0.02)
        return real(args, on_event, cancel)

    monkeypatch.setattr(pipeline, "run_training", gated)


async def test_cancel_leaves_no_model(run_given: dict, tmp_path: Path, gated_training) -> None:
    app = create_app(run_given)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        run = await start_run(app, pilot)
        assert isinstance(run, RunScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert run.token.cancelled
        await settle(pilot, rounds=4)
        assert app.screen is run
        assert run.failure is not None and run.failure.cancelled
        assert "cancelled" in text_of(run.query_one("#run-status", Static))
        assert not list((tmp_path / "models").glob("*.skops"))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)
        await pilot.press("ctrl+q")
    assert app.return_value == 0


async def test_failed_run_names_the_stage_and_shows_the_traceback(run_given: dict, tmp_path: Path) -> None:
    # The wizard checks the columns of the file it read; a file replaced afterwards fails in the run.
    import pandas as pd

    data = tmp_path / "changing.csv"
    frame = pd.read_csv(run_given["data_path"])
    frame.to_csv(data, index=False)
    app = create_app({**run_given, "data_path": str(data)})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        frame.drop(columns=["mcaa_system_category"]).to_csv(data, index=False)
        run = await start_run(app, pilot)
        await settle(pilot, rounds=4)
        assert run.failure is not None and not run.failure.cancelled
        status = text_of(run.query_one("#run-status", Static))
        assert f"stage '{run.failure.stage}' failed" in status
        assert "mcaa_system_category" in status
        assert any(row.state == "failed" for row in run.query_one("#stages").rows)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TracebackScreen)
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+q")
    assert app.return_value == 1
    assert not list((tmp_path / "models").glob("*.skops"))


async def test_quit_during_a_run_asks_first(run_given: dict, tmp_path: Path, gated_training) -> None:
    app = create_app(run_given)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        run = await start_run(app, pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is run and not run.token.cancelled
        run.token.cancel()
        await settle(pilot, rounds=4)
    assert not list((tmp_path / "models").glob("*.skops"))


async def test_ctrl_r_while_the_file_is_read_starts_the_run_once_it_is(
    run_given: dict, gated_training, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run is held before its first stage (``gated_training``) and cancelled when the test ends."""
    import threading

    import nexusml.readers.loader as loader

    release = threading.Event()
    read = loader.read_data

    def held(*args, **kwargs):
        release.wait(30)
        return read(*args, **kwargs)

    monkeypatch.setattr(loader, "read_data", held)
    app = create_app(run_given)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+r")  # the wizard is still reading the data file
        await pilot.pause()
        assert app.active_run is None and isinstance(app.screen, WizardScreen)
        assert "training starts as soon as it is" in " ".join(str(n.message) for n in app._notifications)
        release.set()
        # The key press was kept, not lost: the run starts once the file is read.
        assert await until(pilot, lambda: app.active_run is not None, timeout=60)
        assert isinstance(app.screen, RunScreen)
        app.active_run.token.cancel()
        await settle(pilot, rounds=4)
