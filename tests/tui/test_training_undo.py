""" "Add to training data" can be taken back until the next training run starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import settle, text_of

from tests.tui.test_review import fresh_copy, predicted, project  # noqa: F401  (project: a fixture)
from tui.app import create_app
from tui.screens.confirm import ConfirmScreen
from tui.screens.review import ReviewScreen
from tui.screens.wizard import WizardScreen

SIZE = (120, 40)


def footer_keys(app) -> list[str]:
    from textual.widgets._footer import FooterKey

    return [key.description for key in app.screen.query(FooterKey)]


def messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def add_to_training(pilot, app, screen: ReviewScreen, path: Path) -> None:
    """Accept the first line, then t and the path: the dialog asking to retrain is left open."""
    await pilot.press("a")
    await settle(pilot)
    await pilot.press("t")
    await pilot.pause()
    app.screen.query_one("#prompt-path").value = str(path)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, ConfirmScreen)
    assert "takes the write back" in text_of(app.screen.query(".dialog-title")[0])


async def test_adding_to_an_existing_training_file_is_undone_with_U(project: dict, tmp_path: Path) -> None:  # noqa: F811
    training = tmp_path / "training.csv"
    training.write_bytes(project["train"].read_bytes())
    before = training.read_bytes()
    new = fresh_copy(project, tmp_path, "new_60")
    app = create_app({"predict": str(project["model"]), "data_path": str(new), "output_dir": str(project["models"])})
    async with app.run_test(size=SIZE) as pilot:
        screen = await predicted(pilot, app)
        assert "Undo add" not in footer_keys(app)  # nothing written yet
        await add_to_training(pilot, app, screen, training)
        assert training.read_bytes() != before
        await pilot.press("n")  # not now
        await settle(pilot)
        assert app.screen is screen and "Undo add" in footer_keys(app)
        await pilot.press("U")
        await settle(pilot)
        assert training.read_bytes() == before
        assert any("back as it was before the reviewed rows added" in m for m in messages(app))
        assert "Undo add" not in footer_keys(app)
        await pilot.press("U")  # nothing left to take back: no key, no change
        await settle(pilot)
        assert training.read_bytes() == before
        # The review itself stays: the accepted row is still accepted.
        assert screen.state.marks


async def test_a_new_training_file_is_removed_and_the_wizard_gets_its_file_back(
    project: dict,  # noqa: F811
    tmp_path: Path,
) -> None:
    new = fresh_copy(project, tmp_path, "new_60")
    training = tmp_path / "register.reviewed.csv"
    app = create_app({"predict": str(project["model"]), "data_path": str(new), "output_dir": str(project["models"])})
    async with app.run_test(size=SIZE) as pilot:
        screen = await predicted(pilot, app)
        earlier = app.form.values.get("data_path")
        await add_to_training(pilot, app, screen, training)
        assert training.is_file()
        await pilot.press("y")  # retrain with it: the wizard takes the file
        await settle(pilot)
        assert isinstance(app.screen, WizardScreen) and app.form.values["data_path"] == str(training)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Undo the write to the training file" in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"undo the write", "enter")
        await settle(pilot)
        assert not training.exists()
        assert app.form.values.get("data_path") == earlier
        assert any(f"{training.name} removed" in m for m in messages(app))


async def test_the_undo_is_offered_only_until_a_training_run_starts(
    project: dict,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nexusml.pipeline import TrainingError
    from tui.screens.run import RunScreen

    def failing(args, on_event, on_log, token):  # the run starts, then stops at once
        raise TrainingError("load", "stopped by the test")

    monkeypatch.setattr(RunScreen, "runner", staticmethod(failing))
    new = fresh_copy(project, tmp_path, "new_60")
    training = tmp_path / "register.reviewed.csv"
    app = create_app({"predict": str(project["model"]), "data_path": str(new), "output_dir": str(project["models"])})
    async with app.run_test(size=SIZE) as pilot:
        screen = await predicted(pilot, app)
        await add_to_training(pilot, app, screen, training)
        written = training.read_bytes()
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, WizardScreen)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, RunScreen)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Undo the write to the training file" not in titles
        app.action_undo_write()
        await settle(pilot)
        assert training.read_bytes() == written
        assert any("only until a training run starts" in m for m in messages(app))
