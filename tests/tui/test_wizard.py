"""Pilot tests of the wizard's forms: pre-fill, inline validation, navigation, features, review, settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static, Switch
from tui_helpers import settle, text_of

from nexusml.config import feature_config
from nexusml.options.parser import command_line, parse_args
from nexusml.options.precedence import resolve_arguments
from nexusml.options.validators import ArgumentError
from tui.app import create_app
from tui.screens.help import HelpScreen
from tui.screens.settings import SettingsScreen
from tui.screens.wizard import WizardScreen
from tui.settings import load_settings
from tui.widgets.column_picker import ColumnPicker

SIZE = (120, 40)


async def test_given_invalid_value_is_shown_marked_invalid(inventory_csv: Path) -> None:
    app = create_app({"data_path": str(inventory_csv), "test_size": "1.5"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WizardScreen)
        assert "3 Training ✗" in text_of(app.screen.query_one("#step-bar", Static))
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)
        assert app.screen.step_name == "training"
        field = app.screen.query_one("#field-test_size")
        assert app.screen.query_one("#input-test_size", Input).value == "1.5"
        assert field.has_class("-invalid")
        assert "between 0 and 1" in text_of(app.screen.query_one("#error-test_size", Static))
        assert app.focused is app.screen.query_one("#input-test_size", Input)
        messages = [str(n.message) for n in app._notifications]
        assert any(m.startswith("Test size:") and "between 0 and 1" in m for m in messages)
        assert app.active_run is None


async def test_data_step_previews_the_file(inventory_csv: Path) -> None:
    app = create_app({"data_path": str(inventory_csv)})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        summary = text_of(app.screen.query_one("#preview-summary", Static))
        assert "150 rows × 8 columns" in summary
        table = app.screen.query_one("#preview-table", DataTable)
        assert table.row_count == 8
        assert next(str(c.label) for c in table.columns.values()) == "equipment_tag"


async def test_unreadable_file_says_why_inline(tmp_path: Path) -> None:
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"this is not a spreadsheet")
    app = create_app({"data_path": str(bad)})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        summary = text_of(app.screen.query_one("#preview-summary", Static))
        assert "Cannot read broken.xlsx" in summary
        assert "cannot read the file" in text_of(app.screen.query_one("#error-data_path", Static))
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen.step_name == "data"


async def test_typing_an_invalid_value_shows_the_message_and_blocks_next(inventory_csv: Path) -> None:
    app = create_app({"data_path": str(inventory_csv)})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", "ctrl+n")
        await pilot.pause()
        assert app.screen.step_name == "training"
        test_size = app.screen.query_one("#input-test_size", Input)
        assert app.focused is test_size
        test_size.value = ""
        await pilot.press(*"abc")
        await pilot.pause()
        assert "'abc' is not a number" in text_of(app.screen.query_one("#error-test_size", Static))
        assert test_size.has_class("-invalid")  # the argument's validator runs as the Input's validator
        assert app.form.errors["test_size"] == "'abc' is not a number; use a fraction such as 0.3"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen.step_name == "training"
        test_size.value = ""
        await pilot.press(*"0.25")
        await pilot.pause()
        assert not app.screen.query_one("#field-test_size").has_class("-invalid")
        assert not test_size.has_class("-invalid") and "test_size" not in app.form.errors
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen.step_name == "output"
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert app.screen.step_name == "training"


async def test_features_chosen_from_the_header_are_the_column_flags(inventory_csv: Path, config_dir: Path) -> None:
    app = create_app({"data_path": str(inventory_csv)})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        targets = app.screen.query_one("#targets", ColumnPicker)
        assert app.focused is targets
        # The bundled config's targets: three columns and two built from them (their parents are in the file).
        assert targets.columns[-2:] == ("Equipment_Type", "System_Subtype")
        assert set(targets.selected) == {
            "category_name",
            "uniformat_code",
            "mcaa_system_category",
            "Equipment_Type",
            "System_Subtype",
        }
        assert app.form.values["targets"] is None and app.form.first_error() is None
        # Toggle the first column (equipment_tag) as a target: it is also read, so the run leaves it out of the text.
        await pilot.press("space")
        await pilot.pause()
        summary = text_of(app.screen.query_one("#features-summary", Static))
        assert "equipment_tag: a target, so the model does not read it" in summary
        assert app.form.first_error() is None
        await pilot.press("space")  # undo
        await pilot.pause()
        assert app.form.values["targets"] is None
        # Drop uniformat_code from the targets.
        targets.highlighted = targets.shown.index("uniformat_code")
        await pilot.press("space")
        await pilot.pause()
        args = app.form.arguments()
        assert args.targets == ("category_name", "mcaa_system_category", "Equipment_Type", "System_Subtype")
        assert args.feature_config is None and args.text_columns is None
        assert "--targets category_name,mcaa_system_category,Equipment_Type,System_Subtype" in command_line(args)
        assert not (config_dir / "feature_configs").exists()
        summary = text_of(app.screen.query_one("#features-summary", Static))
        assert "Predicts category_name, mcaa_system_category, Equipment_Type, System_Subtype" in summary


async def test_review_shows_the_command_and_saves_a_run_config(inventory_csv: Path, tmp_path: Path) -> None:
    out = tmp_path / "run.yml"
    app = create_app({"data_path": str(inventory_csv), "test_size": "0.2", "legacy": True})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(4):
            await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen.step_name == "review"
        command = text_of(app.screen.query_one("#review-command", Static))
        assert command == command_line(app.form.arguments())
        assert "--test-size 0.2" in command and "--legacy" in command
        app.screen.query_one("#config-path", Input).value = str(out)
        await pilot.press("enter")
        await pilot.pause()
    from nexusml.options.run_config import load_run_config

    assert load_run_config(out)["test_size"] == 0.2
    assert resolve_arguments({"config": str(out)}).legacy is True


async def test_settings_screen_persists_and_applies_next_start(inventory_csv: Path) -> None:
    app = create_app({"data_path": str(inventory_csv)})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.form.legacy is False
        await app.screen.show_step(4)  # the review step, open under the settings: it follows the switch
        assert "--legacy" not in text_of(app.screen.query_one("#review-command", Static))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("enter")  # the focused legacy switch
        await pilot.pause()
        assert app.form.legacy is True
        app.screen.query_one("#setting-log-level").value = "WARNING"
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)
        assert "--legacy" in text_of(app.screen.query_one("#review-command", Static))
    saved = load_settings()
    assert saved.legacy is True and saved.log_level == "WARNING"
    again = create_app({"data_path": str(inventory_csv)})
    assert again.form.legacy is True and again.form.values["log_level"] == "WARNING"
    flagged = create_app({"data_path": str(inventory_csv), "use_orchestrator": True, "log_level": "ERROR"})
    assert flagged.form.legacy is False and flagged.form.values["log_level"] == "ERROR"


async def test_help_opens_with_question_mark_outside_inputs_and_f1(inventory_csv: Path) -> None:
    app = create_app({"data_path": str(inventory_csv)})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        app.screen.query_one("#browse").focus()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_value == 0


def test_help_lists_every_key_of_the_results_and_review_screens() -> None:
    from tui.screens.help import HELP
    from tui.screens.predict import PredictScreen
    from tui.screens.results import ResultsScreen
    from tui.screens.review import ReviewScreen
    from tui.widgets.review_row import ReviewRowScreen

    for screen in (ResultsScreen, ReviewScreen, ReviewRowScreen, PredictScreen):
        for binding in screen.BINDINGS:
            if not binding.show and binding.key not in ("1", "2", "3"):
                continue  # hidden ones (tab, arrows) move around; the numbered picks are listed
            for key in binding.key.replace("slash", "/").split(","):
                assert f"`{key}`" in HELP, f"the help does not list {screen.__name__}'s {key} ({binding.description})"


async def test_the_palette_finds_coding_a_file(inventory_csv: Path) -> None:
    app = create_app({"data_path": str(inventory_csv)})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
    assert any("Code a file" in t and "predict" in t for t in titles)


async def test_contradicting_run_mode_flags_are_refused_as_headless_does(
    inventory_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--data-path", str(inventory_csv), "--legacy", "--use-orchestrator"]
    with pytest.raises(SystemExit):
        parse_args(argv)
    headless_error = capsys.readouterr().err.strip().removeprefix("nexusml-train: error: ")
    app = create_app({"data_path": str(inventory_csv), "legacy": True, "use_orchestrator": True})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        message = "--legacy and --use-orchestrator contradict each other; give one"
        assert any(str(n.message) == message for n in app._notifications)
        assert message in text_of(app.screen.query_one("#nav-status", Static))
        try:
            app.form.arguments()
        except ArgumentError as exc:
            assert str(exc) == headless_error
        else:
            raise AssertionError("the wizard accepted contradicting flags")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen) and app.active_run is None
        # Choosing the path in the settings settles it.
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.form.legacy is True and app.form.first_error() is None
        assert "ready to train" in text_of(app.screen.query_one("#nav-status", Static))


async def test_config_switch_values_read_as_the_command_line_reads_them(inventory_csv: Path, tmp_path: Path) -> None:
    config = tmp_path / "run.yml"
    config.write_text("visualize: y\noptimize: 'off'\n", encoding="utf-8")
    given = {"data_path": str(inventory_csv), "config": str(config)}
    assert resolve_arguments(given).visualize is True
    app = create_app(given)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.screen.focus_field("visualize")  # its step, built from the form's values
        assert app.screen.query_one("#input-visualize", Switch).value is True
        assert text_of(app.screen.query_one("#state-visualize", Static)) == "on"
        await app.screen.focus_field("optimize")
        assert app.screen.query_one("#input-optimize", Switch).value is False
        assert app.form.arguments().visualize is True


async def test_one_keystroke_parses_the_feature_config_once(
    inventory_csv: Path, features_yaml: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[Path] = []
    real = feature_config.read_yaml

    def counting(path: Path):
        parsed.append(Path(path))
        return real(path)

    monkeypatch.setattr(feature_config, "read_yaml", counting)
    app = create_app({"data_path": str(inventory_csv)})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        field = app.screen.query_one("#input-feature_config", Input)
        field.focus()
        await pilot.pause()
        field.value = str(features_yaml)[:-1]  # not a file yet: nothing to parse
        field.cursor_position = len(field.value)
        await settle(pilot)
        assert "file not found" in app.form.errors["feature_config"]
        parsed.clear()
        await pilot.press(str(features_yaml)[-1])
        await settle(pilot)
        assert parsed == [features_yaml]
        assert "feature_config" not in app.form.errors
        summary = text_of(app.screen.query_one("#features-summary", Static))
        assert "Predicts category_name, mcaa_system_category" in summary
        assert "from features.yml" in summary


async def test_data_step_quotes_a_column_name_with_a_comma(tmp_path: Path) -> None:
    messy = tmp_path / "export.csv"
    messy.write_bytes('\ufeff"Item, Name",Size (mm),Code\nChiller,400,C1\n,,\nPump,20,P1\n'.encode())
    app = create_app({"data_path": str(messy)})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        summary = text_of(app.screen.query_one("#preview-summary", Static))
        # as --text-columns reads it back: the comma inside the name is not a separator
        assert 'Columns: "Item, Name", Size (mm), Code' in summary


async def test_data_step_shows_how_far_reading_a_large_file_got(tmp_path: Path, monkeypatch) -> None:
    from nexusml.readers import block_reader
    from tui.messages import PreviewProgress
    from tui.steps import data as data_step

    big = tmp_path / "big.csv"
    big.write_text("Item,Code\n" + "centrifugal chiller 400 tons,C1\n" * 40_000)  # 1.3 MB
    monkeypatch.setattr(block_reader, "READ_BLOCK_BYTES", 64 << 10)
    monkeypatch.setattr(data_step, "PROGRESS_SECONDS", 0.0)
    seen: dict[int, float] = {}  # a message is seen once per widget it bubbles through

    def hook(message) -> None:
        if isinstance(message, PreviewProgress) and message.path == big:
            seen[id(message)] = message.fraction

    app = create_app({"data_path": str(big)})
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await settle(pilot)
        assert "40,000 rows × 2 columns" in text_of(app.screen.query_one("#preview-summary", Static))
    fractions = sorted(set(seen.values()))
    assert len(fractions) >= 5 and fractions[0] > 0 and fractions[-1] <= 1


def handover(path: Path, twice: bool = False) -> Path:
    """A COBie-like workbook that opens on an instruction sheet."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Instruction"
    book.active.append(["Title", "COBie"])
    book.active.append(["Read me first", "2.4"])
    for name in ["Type", "Type (old)"] if twice else ["Type"]:
        sheet = book.create_sheet(name)
        sheet.append(["Name", "Category", "Description"])
        for i in range(30):
            sheet.append([f"P-{i}", f"{i % 3:04d}", f"pump {i}"])
    book.save(path)
    return path


async def test_data_step_lists_the_sheets_and_reads_the_one_with_the_named_target(tmp_path: Path) -> None:
    book = handover(tmp_path / "handover.xlsx")
    app = create_app({"data_path": str(book), "targets": "Category"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        summary = text_of(app.screen.query_one("#preview-summary", Static))
        assert "30 rows × 3 columns" in summary
        assert "Sheets: Instruction (1 row), Type (30 rows) ◀ read" in summary
        assert "the first sheet, 'Instruction', has no column Category" in summary
        table = app.screen.query_one("#preview-table", DataTable)
        assert str(table.get_row_at(0)[1]) == "0000"  # the code as written, not 0
    # Without a named target the first sheet is read, and the list shows where the rows are.
    app = create_app({"data_path": str(book)})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        summary = text_of(app.screen.query_one("#preview-summary", Static))
        assert "Sheets: Instruction (1 row) ◀ read, Type (30 rows)" in summary


async def test_data_step_says_which_sheets_fit_when_several_do(tmp_path: Path) -> None:
    book = handover(tmp_path / "handover.xlsx", twice=True)
    app = create_app({"data_path": str(book), "targets": "Category"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        summary = text_of(app.screen.query_one("#preview-summary", Static))
        assert "the sheet 'Type' has Category" in summary and "pass --sheet 'Type'" in summary
        assert "Type (old) (30 rows)" in summary


def test_a_column_of_codes_with_leading_zeros_is_not_offered_as_numbers() -> None:
    import pandas as pd

    from tui.steps.data import numeric_columns_of

    frame = pd.DataFrame(
        {"Code": ["0606", "2110", "23.05", "0000"], "Size": ["12", "1,200", "3.5", ""], "Name": list("abcd")}
    )
    assert numeric_columns_of(frame) == ("Size",)


async def test_the_text_encoder_field_says_what_is_missing_and_none_is_fine(
    inventory_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))  # an empty model cache
    app = create_app({"data_path": str(inventory_csv)})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n", "ctrl+n")
        await pilot.pause()
        field = app.screen.query_one("#input-text_encoder", Input)
        field.focus()
        await pilot.press(*"no-such-encoder")
        await pilot.pause()
        message = text_of(app.screen.query_one("#error-text_encoder", Static))
        # Without the [semantic] extra the field says how to install it; with it, that no such model is here.
        assert '.[semantic]"' in message or "never downloads" in message
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen.step_name == "training"  # a bad encoder blocks the step
        field.value = ""
        await pilot.press(*"none")
        await pilot.pause()
        assert "text_encoder" not in app.form.errors
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen.step_name == "output"
