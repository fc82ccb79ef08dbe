"""Pilot tests of the results screen's tables: per-class figures, top confusions, error rows, auto-coding."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static, TabbedContent
from textual.widgets._footer import FooterKey
from tui_helpers import settle, text_of, until

from nexusml.options.arguments import arguments_from_values
from nexusml.pipeline.runner import run_training
from tui.app import create_app
from tui.runs import RunView
from tui.screens.results import ResultsScreen
from tui.screens.wizard import WizardScreen

SIZE = (160, 40)  # wide enough for whole class names in the tables beside the side panel

PER_CLASS = {
    "system": {
        "Air Handler": {"precision": 0.6, "recall": 0.428571, "f1": 0.5, "support": 7},
        "Boiler": {"precision": 0.9, "recall": 0.9, "f1": 0.9, "support": 10},
        "Chiller": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 2},
        "Duct Fan": {"precision": 0.75, "recall": 0.75, "f1": 0.75, "support": 4},
        "Exhaust Fan": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0},
        "Pump, Inline": {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 3},
    },
    "code": {
        "D3040": {"precision": 0.8, "recall": 0.666667, "f1": 0.727273, "support": 6},
        "D3020": {"precision": 0.5, "recall": 1.0, "f1": 0.666667, "support": 2},
    },
}
ERRORS = [
    # row, target, text, true, predicted, confidence, second_best
    ("3", "system", "AHU-1 rooftop, 10 ton", "Air Handler", "Duct Fan", "0.41", "Air Handler"),
    ("7", "system", 'chiller "CH-2" 300 ton', "Chiller", "Boiler", "0.88", "Chiller"),
    ("9", "code", "AHU-1 rooftop, 10 ton", "D3040", "D3020", "0.52", "D3040"),
    ("12", "system", "EF-3 exhaust", "Duct Fan", "Exhaust Fan", "0.35", "Duct Fan"),
    ("15", "system", "AHU-4 supply", "Air Handler", "Boiler", "0.62", ""),
    ("21", "system", "CH-1 chiller", "Chiller", "Air Handler", "", ""),
    ("30", "code", "boiler room pump", "D3040", "D3020", "0.97", "D3040"),
]


def write_run(directory: Path, errors: list[tuple[str, ...]] | None = ERRORS) -> Path:
    """A saved run as the trainer writes it: metadata JSON beside an errors CSV (and no model)."""
    directory.mkdir(parents=True, exist_ok=True)
    metrics = {
        "system": {
            "accuracy": 0.769231,
            "f1_macro": 0.525,
            "support": 26,
            "n_classes": 5,
            "per_class": PER_CLASS["system"],
            "top_confusions": [
                {"true": "Air Handler", "predicted": "Boiler", "count": 2},
                {"true": "Air Handler", "predicted": "Duct Fan", "count": 1},
                {"true": "Chiller", "predicted": "Boiler", "count": 1},
            ],
            "auto_coding": {"precision_target": 0.95, "threshold": 0.7371, "coverage": 0.46, "precision": 0.96},
        },
        "code": {
            "accuracy": 0.75,
            "f1_macro": 0.69697,
            "support": 8,
            "n_classes": 2,
            "per_class": PER_CLASS["code"],
            "top_confusions": [{"true": "D3040", "predicted": "D3020", "count": 2}],
            "auto_coding": {"precision_target": 0.95, "threshold": None, "coverage": 0.0, "precision": None},
        },
    }
    metadata = {
        "created": "2026-01-02T03:04:05+00:00",
        "training_path": "orchestrator",
        "targets": ["system", "code"],
        "metrics": metrics,
        "class_counts": {},
        "model_file": "model_20260102_030405.pkl",
        "report_files": {"errors.csv": "model_20260102_030405_errors.csv"},
    }
    path = directory / "model_20260102_030405_metadata.json"
    path.write_text(json.dumps(metadata), encoding="utf-8")
    if errors is not None:
        with open(directory / "model_20260102_030405_errors.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "target", "text", "true", "predicted", "confidence", "second_best"])
            writer.writerows(errors)
    return path


async def open_results(pilot, view: RunView) -> ResultsScreen:
    await settle(pilot)
    pilot.app.push_screen(ResultsScreen(view))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ResultsScreen)
    return screen


def rows(screen: ResultsScreen, table_id: str) -> list[list[str]]:
    table = screen.query_one(table_id, DataTable)
    return [[str(getattr(cell, "plain", cell)) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def header(screen: ResultsScreen, table_id: str) -> list[str]:
    return [column.label.plain for column in screen.query_one(table_id, DataTable).columns.values()]


def line(screen: ResultsScreen, widget_id: str) -> str:
    return text_of(screen.query_one(widget_id, Static))


def class_row(name: str, f: dict) -> list[str]:
    return [name, f"{f['f1']:.3f}", f"{f['precision']:.3f}", f"{f['recall']:.3f}", str(f["support"])]


async def test_per_class_table_shows_the_figures_worst_first_and_sorts(tmp_path: Path) -> None:
    app = create_app({"output_dir": str(tmp_path)})
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_results(pilot, RunView.from_metadata(write_run(tmp_path)))
        await pilot.press("f3")
        await pilot.pause()
        assert screen.query_one("#charts", TabbedContent).active == "tab-per-class"
        assert header(screen, "#class-table") == ["class", "F1 ▲", "precision", "recall", "support"]
        figures = PER_CLASS["system"]
        worst_first = ["Chiller", "Exhaust Fan", "Air Handler", "Duct Fan", "Boiler", "Pump, Inline"]
        assert rows(screen, "#class-table") == [class_row(name, figures[name]) for name in worst_first]
        assert line(screen, "#class-count") == "5 classes + 1 only predicted, 6 shown · worst F1 first"

        await pilot.press("s")  # the cursor is in the table: most held-out rows first
        assert [r[0] for r in rows(screen, "#class-table")] == [
            "Boiler",
            "Air Handler",
            "Duct Fan",
            "Pump, Inline",
            "Chiller",
            "Exhaust Fan",
        ]
        assert header(screen, "#class-table")[4] == "support ▼"
        assert line(screen, "#class-count").endswith("most held-out rows first")
        await pilot.press("s")
        assert [r[4] for r in rows(screen, "#class-table")] == ["0", "2", "3", "4", "7", "10"]
        await pilot.press("f")
        assert [r[0] for r in rows(screen, "#class-table")] == worst_first
        await pilot.press("f")
        best_first = ["Pump, Inline", "Boiler", "Duct Fan", "Air Handler", "Chiller", "Exhaust Fan"]  # ties keep order
        assert [r[0] for r in rows(screen, "#class-table")] == best_first
        assert line(screen, "#class-count").endswith("best F1 first")

        await pilot.click("#class-table", offset=(2, 0))  # the "class" header
        await pilot.pause()
        assert [r[0] for r in rows(screen, "#class-table")] == sorted(figures)
        assert header(screen, "#class-table")[0] == "class ▲"


async def test_class_filter_narrows_the_rows_and_the_count_says_so(tmp_path: Path) -> None:
    app = create_app({"output_dir": str(tmp_path)})
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_results(pilot, RunView.from_metadata(write_run(tmp_path)))
        await pilot.press("ctrl+f")  # opens the per-class tab with the cursor in its filter
        assert screen.focused is screen.query_one("#class-filter", Input)
        await pilot.press(*"FAN")
        await pilot.pause()
        assert [r[0] for r in rows(screen, "#class-table")] == ["Exhaust Fan", "Duct Fan"]
        assert line(screen, "#class-count").startswith("5 classes + 1 only predicted, 2 shown")
        await pilot.press(*"x")
        await pilot.pause()
        assert rows(screen, "#class-table") == []
        assert "0 shown" in line(screen, "#class-count")
        await pilot.press("ctrl+u")  # empty the box: every class again
        await pilot.pause()
        assert len(rows(screen, "#class-table")) == 6


async def test_confusions_and_auto_coding_follow_the_target(tmp_path: Path) -> None:
    app = create_app({"output_dir": str(tmp_path)})
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_results(pilot, RunView.from_metadata(write_run(tmp_path)))
        confusions = text_of(screen.query_one(".confusion-lines", Static))
        assert confusions.splitlines() == [
            "Most frequent mistakes (true → predicted)",
            "2× Air Handler → Boiler",
            "1× Air Handler → Duct Fan",
            "1× Chiller → Boiler",
        ]
        coding = line(screen, "#auto-coding")
        assert coding == "Auto-coding: 46% of rows can be coded automatically at 95% precision, confidence >= 0.737"

        screen.query_one("#target").value = "code"
        await settle(pilot)
        assert text_of(screen.query_one(".confusion-lines", Static)).splitlines()[1:] == ["2× D3040 → D3020"]
        assert "no confidence level reaches 95% precision" in line(screen, "#auto-coding")
        assert rows(screen, "#class-table") == [class_row(n, PER_CLASS["code"][n]) for n in ("D3020", "D3040")]
        assert line(screen, "#class-count").startswith("2 classes, 2 shown")


async def test_error_table_shows_the_target_rows_and_filters_by_class(tmp_path: Path) -> None:
    app = create_app({"output_dir": str(tmp_path)})
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_results(pilot, RunView.from_metadata(write_run(tmp_path)))
        await pilot.press("f4")
        await settle(pilot)
        assert header(screen, "#error-table") == ["row ▲", "text", "true", "predicted", "confidence", "second best"]
        system = [r for r in ERRORS if r[1] == "system"]
        expected = [
            [row, text, true, pred, f"{float(c):.3f}" if c else "", second]
            for row, _, text, true, pred, c, second in system
        ]
        assert rows(screen, "#error-table") == expected
        assert line(screen, "#error-count") == "5 errors for system, 5 shown · in file order"
        detail = line(screen, "#error-detail")
        assert "AHU-1 rooftop, 10 ton" in detail and "Air Handler → Duct Fan (0.410)" in detail

        await pilot.press("ctrl+f", *"chill")  # true or predicted
        await pilot.pause()
        assert [r[0] for r in rows(screen, "#error-table")] == ["7", "21"]
        assert line(screen, "#error-count").startswith("5 errors for system, 2 shown")
        await pilot.press("ctrl+u", *"pred:boiler")
        await pilot.pause()
        assert [r[0] for r in rows(screen, "#error-table")] == ["7", "15"]
        await pilot.press("ctrl+u", *"true:air")
        await pilot.pause()
        assert [r[0] for r in rows(screen, "#error-table")] == ["3", "15"]

        await pilot.press("enter", "c")  # to the table; most confident first
        assert [r[0] for r in rows(screen, "#error-table")] == ["15", "3"]

        screen.query_one("#target").value = "code"  # the filter stays, the rows follow the target
        await settle(pilot)
        assert rows(screen, "#error-table") == []
        assert line(screen, "#error-count").startswith("2 errors for code, 0 shown")
        await pilot.press("ctrl+f", "end", "ctrl+u")
        await pilot.pause()
        assert [r[0] for r in rows(screen, "#error-table")] == ["30", "9"]  # still most confident first


async def test_enter_on_a_class_lists_its_errors(tmp_path: Path) -> None:
    app = create_app({"output_dir": str(tmp_path)})
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_results(pilot, RunView.from_metadata(write_run(tmp_path)))
        await pilot.press("f3", "down", "down", "enter")  # the third worst: Air Handler
        await settle(pilot)
        assert screen.query_one("#charts", TabbedContent).active == "tab-errors"
        assert screen.query_one("#error-filter", Input).value == "Air Handler"
        assert [r[0] for r in rows(screen, "#error-table")] == ["3", "15", "21"]
        assert screen.focused is screen.query_one("#error-table", DataTable)


@pytest.mark.parametrize(
    ("broken", "note"),
    [(False, "the errors file is missing: "), (True, "cannot read model_20260102_030405_errors.csv: not an errors")],
)
async def test_a_missing_or_broken_errors_file_gives_a_note(tmp_path: Path, broken: bool, note: str) -> None:
    path = write_run(tmp_path, errors=None)
    if broken:
        (tmp_path / "model_20260102_030405_errors.csv").write_text("row,target\n1,system\n", encoding="utf-8")
    app = create_app({"output_dir": str(tmp_path)})
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_results(pilot, RunView.from_metadata(path))
        await pilot.press("f4")
        await settle(pilot)
        assert line(screen, "#error-count").startswith(note)
        assert rows(screen, "#error-table") == []
        assert len(rows(screen, "#class-table")) == 6  # the rest of the screen works
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)


async def test_zoom_and_the_chart_keys_from_a_table(tmp_path: Path) -> None:
    app = create_app({"output_dir": str(tmp_path)})
    async with app.run_test(size=(120, 40)) as pilot:  # the side panel beside the tables (narrower: above them)
        screen = await open_results(pilot, RunView.from_metadata(write_run(tmp_path)))
        tabs = screen.query_one("#charts", TabbedContent)
        await pilot.press("f3")
        assert await until(pilot, lambda: "ctrl+z: full width" in line(screen, "#class-count"))  # cramped
        await pilot.press("ctrl+z")
        assert await until(pilot, lambda: screen.maximized is tabs)
        assert await until(pilot, lambda: "ctrl+z" not in line(screen, "#class-count"))
        await pilot.press("f4")
        errors = screen.query_one("#error-table", DataTable)
        assert await until(pilot, lambda: tabs.active == "tab-errors" and screen.focused is errors)
        await pilot.press("ctrl+g")  # from a table tab to the charts
        assert await until(pilot, lambda: tabs.active == "tab-classes")
        await pilot.press("escape")  # first restores the side panel, then goes back
        assert await until(pilot, lambda: screen.maximized is None and app.screen is screen)
        await pilot.press("escape")
        assert await until(pilot, lambda: isinstance(app.screen, WizardScreen))


async def test_the_footer_shows_the_keys_of_the_focused_widget(tmp_path: Path) -> None:
    app = create_app({"output_dir": str(tmp_path)})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        def shown() -> list[str]:
            return [key.description for key in app.screen.query(FooterKey)]

        keys = list(app.screen.query(FooterKey))
        assert "Next" in shown() and "Sort by F1" not in shown()
        await pilot.press("ctrl+n")  # another step, another focus, the same keys: the footer is not rebuilt
        await settle(pilot)
        assert app.screen.step_name == "features" and list(app.screen.query(FooterKey)) == keys

        screen = await open_results(pilot, RunView.from_metadata(write_run(tmp_path)))
        await pilot.press("f3")
        assert await until(pilot, lambda: "Sort by F1" in shown())
        assert "Sort by row" not in shown() and "Per class" in shown() and "Next" not in shown()
        made = list(app.screen.query(FooterKey))
        await pilot.press("f4")
        assert await until(pilot, lambda: "Sort by row" in shown())
        assert "Sort by F1" not in shown() and screen.focused is screen.query_one("#error-table")
        # The footer relabelled its key widgets (one more key: one more widget), and a click on a key does what
        # its new label says.
        assert list(app.screen.query(FooterKey))[: len(made) - 1] == made[:-1]
        count = screen.query_one("#error-count", Static)
        assert "in file order" in text_of(count)
        by_confidence = next(key for key in app.screen.query(FooterKey) if key.description == "Sort by confidence")
        assert await pilot.click(by_confidence)
        assert await until(pilot, lambda: "most confident first" in text_of(count))


async def test_tables_of_a_real_run(inventory_csv: Path, features_yaml: Path, tmp_path: Path) -> None:
    args = arguments_from_values(
        {"data_path": inventory_csv, "feature_config": features_yaml, "output_dir": tmp_path / "models"}
    )
    result = run_training(args)
    with open(result.errors_path, encoding="utf-8", newline="") as handle:
        saved = list(csv.DictReader(handle))
    app = create_app({"output_dir": str(tmp_path / "models")})
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_results(pilot, RunView.from_result(result))
        await pilot.press("f3")
        await pilot.pause()
        for target in result.targets:
            screen.query_one("#target").value = target
            await settle(pilot)
            per_class = result.metrics[target]["per_class"]
            shown = rows(screen, "#class-table")
            assert sorted(shown) == sorted(class_row(name, f) for name, f in per_class.items())
            assert [float(r[1]) for r in shown] == sorted(float(r[1]) for r in shown)  # worst F1 first
            mine = sorted((r for r in saved if r["target"] == target), key=lambda r: int(r["row"]))
            assert mine, f"the run made no mistakes on {target}: the check below would prove nothing"
            assert [r[:4] for r in rows(screen, "#error-table")] == [
                [r["row"], r["text"], r["true"], r["predicted"]] for r in mine
            ]
            noun = "error" if len(mine) == 1 else "errors"
            assert line(screen, "#error-count").startswith(f"{len(mine)} {noun} for {target}, {len(mine)} shown")
