"""The wizard on files shaped like real exports: readiness that tells the truth, pickers, portable run configs."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml
from textual.widgets import Input, Static
from tui_helpers import settle, text_of, until

from nexusml.options.parser import command_line
from nexusml.options.precedence import resolve_arguments
from nexusml.options.run_config import load_run_config
from nexusml.train_model_pipeline_v2 import main
from tests.conftest import call_main
from tui.app import create_app
from tui.screens.browse import BrowseScreen, start_directory
from tui.screens.help import HelpScreen
from tui.screens.results import ResultsScreen
from tui.screens.wizard import WizardScreen
from tui.widgets.column_picker import ColumnPicker

SIZE = (120, 40)
SYSTEMS = {
    "Pump": ("Plumbing", "Mechanical, Wet"),
    "Boiler": ("Heating", "Mechanical, Wet"),
    "Panel": ("Power", "Electrical"),
    "Fan": ("Air", "Mechanical, Dry"),
}


def write_export(path: Path, rows: int = 60, *, trade: bool = True, seed: int = 1) -> Path:
    """A CSV as spreadsheets export it: a BOM, blank rows, trailing empty ``Unnamed`` columns,
    names with spaces and one with a comma."""
    rng = random.Random(seed)
    header = ["Asset ID", "Asset Name", "Description ", "System Type", "Qty"]
    if trade:
        header.insert(4, '"Trade, Group"')
    lines = [",".join(header) + ",,"]
    kinds = list(SYSTEMS)
    for i in range(rows):
        kind = kinds[i % len(kinds)]
        system, group = SYSTEMS[kind]
        cells = [f"A-{i:03d}", f"{kind} {rng.randint(1, 9)}", f"{kind.lower()} unit level {i % 5}", system]
        if trade:
            cells.append(f'"{group}"')
        cells.append(str(rng.randint(1, 4)))
        lines.append(",".join(cells) + ",,")
        if i % 17 == 0:
            lines.append("," * (len(header) + 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def status(app) -> str:
    return text_of(app.screen.query_one("#nav-status", Static))


def picker(app, dest_id: str) -> ColumnPicker:
    return app.screen.query_one(f"#{dest_id}", ColumnPicker)


def notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def pick(pilot, dest_id: str, *names: str) -> None:
    """Toggle columns on a picker with the keyboard: focus it, move the highlight, press space."""
    app = pilot.app
    widget = picker(app, dest_id)
    widget.focus()
    await pilot.pause()
    for name in names:
        widget.highlighted = widget.shown.index(name)
        await pilot.press("space")
        await pilot.pause()


async def open_features(pilot) -> None:
    await settle(pilot)
    await pilot.app.screen.show_step(1)
    # the step focuses its first picker after the next refresh: wait for it, so a pick() is not undone
    assert await until(pilot, lambda: pilot.app.focused is picker(pilot.app, "targets"))


async def test_an_export_without_the_sample_columns_is_not_ready(tmp_path: Path) -> None:
    data = write_export(tmp_path / "export.csv")
    app = create_app({"data_path": str(data), "output_dir": str(tmp_path / "models")})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "ready" not in status(app)
        assert status(app) == "✗ Features: pick at least one target"
        assert "2 Features ✗" in text_of(app.screen.query_one("#step-bar", Static))
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.active_run is None and isinstance(app.screen, WizardScreen)
        assert app.screen.step_name == "features"
        assert "Features: pick at least one target" in notes(app)
        assert app.focused is picker(app, "targets")
        # The sample's targets are not pre-selected; the empty Unnamed columns are not offered.
        targets = picker(app, "targets")
        assert targets.selected == ()
        assert targets.columns == ("Asset ID", "Asset Name", "Description", "System Type", "Trade, Group", "Qty")
        # Next is refused too, naming the step.
        app.clear_notifications()
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen.step_name == "features"
        assert "Features: pick at least one target" in notes(app)


async def test_picking_targets_and_text_makes_it_ready_and_it_trains(tmp_path: Path) -> None:
    data = write_export(tmp_path / "export.csv")
    app = create_app({"data_path": str(data), "output_dir": str(tmp_path / "models")})
    async with app.run_test(size=SIZE) as pilot:
        await open_features(pilot)
        await pick(pilot, "targets", "System Type", "Trade, Group")
        assert status(app) == "✗ Features: pick at least one text column"
        text = picker(app, "text-columns")
        await pick(pilot, "text-columns", *text.selected)  # nothing of the sample's text is in this file
        await pick(pilot, "text-columns", "Asset Name", "Description")
        assert status(app) == "✓ ready to train"
        assert app.form.chosen_columns("targets") == (
            "System Type",
            "Trade, Group",
        )
        assert app.form.chosen_columns("text_columns") == (
            "Asset Name",
            "Description",
        )
        command = command_line(app.form.arguments())
        assert "--targets 'System Type,\"Trade, Group\"'" in command
        assert "--text-columns 'Asset Name,Description'" in command
        await pilot.press("ctrl+r")
        await pilot.pause()
        run = app.active_run
        await settle(pilot, rounds=6)
        assert isinstance(app.screen, ResultsScreen), run.failure
        assert run.result.targets == ("System Type", "Trade, Group")
        assert Path(run.result.model_path).exists()


async def test_a_target_also_read_as_text_is_said_to_be_dropped(tmp_path: Path) -> None:
    data = write_export(tmp_path / "export.csv")
    app = create_app({"data_path": str(data), "targets": ["System Type"], "text_columns": ["Asset Name,System Type"]})
    async with app.run_test(size=SIZE) as pilot:
        await open_features(pilot)
        assert status(app) == "✓ ready to train"
        summary = text_of(app.screen.query_one("#features-summary", Static))
        assert "System Type: a target, so the model does not read it" in summary
        assert "from the text of Asset Name" in summary


async def test_switching_files_keeps_what_exists_and_says_what_was_dropped(tmp_path: Path) -> None:
    first = write_export(tmp_path / "a" / "export.csv")
    second = write_export(tmp_path / "b" / "other.csv", trade=False)
    app = create_app({"data_path": str(first)})
    async with app.run_test(size=SIZE) as pilot:
        await open_features(pilot)
        await pick(pilot, "targets", "System Type", "Trade, Group")
        await pick(pilot, "text-columns", *picker(app, "text-columns").selected)
        await pick(pilot, "text-columns", "Asset Name")
        assert status(app) == "✓ ready to train"
        app.clear_notifications()
        app.screen.data_step.field("data_path").set_raw(str(second))
        await settle(pilot)
        assert app.form.chosen_columns("targets") == ("System Type",)
        assert app.form.chosen_columns("text_columns") == ("Asset Name",)
        assert picker(app, "targets").selected == ("System Type",)
        message = "Not in other.csv, so no longer chosen: targets Trade, Group"
        assert message in notes(app)
        assert message in text_of(app.screen.query_one("#features-summary", Static))
        assert status(app) == "✓ ready to train"


async def test_numeric_columns_are_offered_and_fill_the_flag(tmp_path: Path) -> None:
    data = write_export(tmp_path / "export.csv")
    app = create_app({"data_path": str(data), "targets": ["System Type"], "text_columns": ["Asset Name"]})
    async with app.run_test(size=SIZE) as pilot:
        await open_features(pilot)
        numeric = picker(app, "numeric-columns")
        assert numeric.columns == ("Qty",)
        await pick(pilot, "numeric-columns", "Qty")
        assert app.form.chosen_columns("numeric_columns") == ("Qty",)
        assert app.form.arguments().numeric_columns == ("Qty",)
        assert status(app) == "✓ ready to train"


async def test_pickers_show_a_mark_and_a_count_and_typing_filters(tmp_path: Path) -> None:
    data = write_export(tmp_path / "export.csv")
    app = create_app({"data_path": str(data), "targets": ["System Type", '"Trade, Group"']})  # as --target takes it
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        targets, text = picker(app, "targets"), picker(app, "text-columns")
        assert app.focused is targets
        prompts = [str(targets.get_option_at_index(i).prompt) for i in range(targets.option_count)]
        assert prompts[0] == "[ ] Asset ID"
        assert "[x] System Type" in prompts and "[x] Trade, Group" in prompts
        assert text_of(app.screen.query_one("#count-targets", Static)) == "2 of 6 selected"
        await pilot.press(*"as")  # typing on a list filters that list, and only that one
        await pilot.pause()
        assert app.focused is targets
        assert targets.shown == ("Asset ID", "Asset Name") and text.filter_text == ""
        assert len(text.shown) == len(text.columns)
        assert text_of(app.screen.query_one("#count-targets", Static)) == "2 of 6 selected · filter 'as': 2 match"
        await pilot.press("down", "space")  # space toggles, even with a filter typed
        await pilot.pause()
        assert app.focused is targets and targets.filter_text == "as"
        assert app.form.chosen_columns("targets") == ("Asset Name", "System Type", "Trade, Group")
        await pilot.press("backspace", "backspace", "escape")
        await pilot.pause()
        assert targets.filter_text == "" and len(targets.shown) == 6


async def test_the_name_typed_exactly_comes_first_in_the_filtered_list(tmp_path: Path) -> None:
    path = tmp_path / "assets.csv"
    path.write_text("Asset Category Name,Asset Name,Asset Names Old,Trade\nPumps,P-1 pump,x,Plumbing\n")
    app = create_app({"data_path": str(path)})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        targets = picker(app, "targets")
        await pilot.press(*"name")
        await pilot.pause()
        assert targets.shown == ("Asset Category Name", "Asset Name", "Asset Names Old")
        await pilot.press("escape", *"assetname")  # spaces toggle, so a filter is typed without them
        await pilot.pause()
        # The exact name first, then the one beginning with it; "Asset Category Name" does not hold it.
        assert targets.shown == ("Asset Name", "Asset Names Old")
        assert targets.highlighted_column == "Asset Name"
        await pilot.press("space")
        await pilot.pause()
        assert app.form.chosen_columns("targets") == ("Asset Name",)


async def test_saved_run_config_holds_the_columns_and_keeps_its_meaning(
    tmp_path: Path, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    data = write_export(project / "data" / "export.csv")
    saved = project / "run.yml"
    app = create_app({"data_path": str(data), "output_dir": str(project / "models")})
    async with app.run_test(size=SIZE) as pilot:
        await open_features(pilot)
        await pick(pilot, "targets", "System Type")
        await pick(pilot, "text-columns", *picker(app, "text-columns").selected)
        await pick(pilot, "text-columns", "Asset Name", "Description")
        await app.screen.show_step(4)
        await pilot.pause()
        app.screen.query_one("#config-path", Input).value = str(saved)
        await pilot.press("enter")
        await pilot.pause()
        assert "--targets 'System Type'" in text_of(app.screen.query_one("#review-command", Static))
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert app.clipboard == command_line(app.form.arguments())
    written = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert written["targets"] == ["System Type"]
    assert written["text_columns"] == ["Asset Name", "Description"]
    assert written["data_path"] == "data/export.csv" and written["output_dir"] == "models"
    assert written["feature_config"] is None
    assert not (config_dir / "feature_configs").exists()

    # Another file with the same name, other columns chosen: the saved config still means what it said.
    other = write_export(tmp_path / "elsewhere" / "export.csv", trade=True, seed=5)
    again = create_app({"data_path": str(other)})
    async with again.run_test(size=SIZE) as pilot:
        await open_features(pilot)
        await pick(pilot, "targets", "Trade, Group")
        assert again.form.chosen_columns("targets") == ("Trade, Group",)
    args = resolve_arguments({"config": str(saved)})
    assert args.targets == ("System Type",)
    assert args.data_path == data and args.output_dir == project / "models"

    # It runs headless from another working directory.
    elsewhere = tmp_path / "ci"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    done = call_main(main, "--headless", "--config", str(saved), "--log-level", "WARNING")
    assert done.returncode == 0, done.stderr
    assert list((project / "models").glob("*.skops"))
    assert not (elsewhere / "models").exists()


async def test_relative_paths_in_a_config_are_read_from_its_folder(tmp_path: Path) -> None:
    data = write_export(tmp_path / "cfg" / "export.csv")
    config = tmp_path / "cfg" / "run.yml"
    config.write_text("data_path: export.csv\ntargets: System Type\ntext_columns: Asset Name\n", encoding="utf-8")
    assert load_run_config(config)["data_path"] == str(data)
    app = create_app({"config": str(config)})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.form.values["data_path"] == str(data)
        assert status(app) == "✓ ready to train"


async def test_escape_goes_back_a_step(tmp_path: Path) -> None:
    data = write_export(tmp_path / "export.csv")
    app = create_app({"data_path": str(data), "targets": ["System Type"], "text_columns": ["Asset Name"]})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", "ctrl+n")
        await pilot.pause()
        assert app.screen.step_name == "training"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.step_name == "features"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.step_name == "data"


async def test_help_scrolls_in_a_small_terminal(tmp_path: Path) -> None:
    data = write_export(tmp_path / "export.csv")
    app = create_app({"data_path": str(data)})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        scroll = app.screen.query_one("#help-scroll")
        assert scroll.max_scroll_y > 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert scroll.scroll_y > 0
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)


async def test_browse_starts_in_the_working_directory_and_takes_a_typed_path(tmp_path: Path, monkeypatch) -> None:
    from nexusml.data import bundled_data_path

    data = write_export(tmp_path / "exports" / "export.csv")
    monkeypatch.chdir(tmp_path)
    assert start_directory(str(bundled_data_path())) == tmp_path
    assert start_directory("") == tmp_path
    app = create_app({})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, BrowseScreen) and app.screen.root == Path.cwd()
        box = app.screen.query_one("#browse-path", Input)
        box.focus()
        await pilot.press(*"exports/nope.csv", "enter")
        await pilot.pause()
        assert "file not found" in text_of(app.screen.query_one("#browse-error", Static))
        box.value = ""
        await pilot.press(*"exports/export.csv", "enter")
        await settle(pilot)
        assert isinstance(app.screen, WizardScreen)
        assert Path(app.form.values["data_path"]).resolve() == data
        assert status(app) == "✗ Features: pick at least one target"


async def test_the_command_palette_has_the_wizards_commands(tmp_path: Path) -> None:
    app = create_app({"data_path": str(write_export(tmp_path / "export.csv"))})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for title in ("Train", "Save run config", "Past runs", "Settings", "Copy command"):
            assert title in titles
