"""Pilot tests of the results screen's Suspects tab: the training rows whose label looks wrong, corrected or kept,
and the corrected copy of the training file with the offer to retrain on it."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static, TabbedContent
from tui_helpers import settle, text_of, until

from nexusml.options.arguments import arguments_from_values
from nexusml.pipeline.result import TrainingResult
from nexusml.pipeline.runner import run_training
from nexusml.readers.loader import read_data
from tui.app import create_app
from tui.corrections import ClassPromptScreen
from tui.runs import RunView
from tui.screens.confirm import ConfirmScreen
from tui.screens.results import ResultsScreen
from tui.screens.wizard import WizardScreen
from tui.suspects import Correction, CorrectionError, TrainingSource, corrected_frame, write_corrected_copy
from tui.widgets.review_row import PathPromptScreen

pytestmark = pytest.mark.suspects  # the runs here look for suspect labels, as users' runs do

SIZE = (160, 40)
CLASSES = {
    "Pump": ("0606", ["centrifugal pump", "inline pump", "circulating pump", "booster pump", "end suction pump"]),
    "Boiler": (
        "0707",
        ["hot water boiler", "steam boiler", "condensing boiler", "gas fired boiler", "fire tube boiler"],
    ),
    "Chiller": ("0808", ["water cooled chiller", "air cooled chiller", "screw chiller", "absorption chiller"]),
    "Fan": ("0909", ["exhaust fan", "supply fan", "return fan", "roof fan", "inline fan"]),
}
MAKERS = ["Acme", "Trane", "Carrier", "Bell", "Grundfos", "York", "Lochinvar"]
N_ROWS = 240
FLIPPED = {12: "Boiler", 59: "Fan", 125: "Chiller"}  # spreadsheet row -> the wrong category written there
CODE_FLIPPED = {202: "0909"}  # a pump whose code is a fan's
FEATURES = """\
text_combinations:
  - name: combined_text
    columns: [description, manufacturer]
targets: [category, code]
"""


def training_rows() -> list[dict[str, str]]:
    rng = random.Random(1)
    names = list(CLASSES)
    rows = []
    for i in range(N_ROWS):
        name = names[i % len(names)]
        code, descriptions = CLASSES[name]
        text = f"{rng.choice(descriptions)} {rng.choice(['unit', 'no', 'model', 'type'])} {rng.randint(1, 99)}"
        rows.append(
            {"tag": f"EQ-{i:03d}", "description": text, "manufacturer": rng.choice(MAKERS), "category": name}
            | {"code": code}
        )
    for row, wrong in FLIPPED.items():
        rows[row - 2]["category"] = wrong
    for row, wrong in CODE_FLIPPED.items():
        rows[row - 2]["code"] = wrong
    rows[10]["manufacturer"] = "[red]Trane[/]"  # markup in the data of a flipped row (spreadsheet row 12)
    return rows


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, TrainingResult]:
    """A training file with a few flipped labels, and the run trained on it (in-process, a few seconds)."""
    folder = tmp_path_factory.mktemp("suspects")
    data = folder / "equipment.csv"
    with open(data, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["tag", "description", "manufacturer", "category", "code"])
        writer.writeheader()
        writer.writerows(training_rows())
    features = folder / "features.yml"
    features.write_text(FEATURES, encoding="utf-8")
    args = {"data_path": data, "feature_config": features, "output_dir": folder / "models"}
    return data, run_training(arguments_from_values(args))


def rows(screen: ResultsScreen) -> list[list[str]]:
    table = screen.query_one("#suspect-table", DataTable)
    return [[str(getattr(cell, "plain", cell)) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def line(screen: ResultsScreen, widget_id: str = "#suspect-count") -> str:
    return text_of(screen.query_one(widget_id, Static))


async def open_suspects(pilot, view: RunView) -> ResultsScreen:
    await settle(pilot)
    pilot.app.push_screen(ResultsScreen(view))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ResultsScreen)
    await pilot.press("f5")  # the suspect labels
    await settle(pilot)
    assert screen.query_one("#charts", TabbedContent).active == "tab-suspects"
    assert screen.focused is screen.query_one("#suspect-table", DataTable)
    return screen


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def text_of_row(row: int) -> str:
    """The text the run reads from a spreadsheet row of the training file (description and manufacturer)."""
    data = training_rows()[row - 2]
    return f"{data['description']} {data['manufacturer']}"


async def test_correct_keep_apply_writes_the_corrected_copy_and_offers_to_retrain(trained) -> None:
    data, result = trained
    original = data.read_bytes()
    app = create_app({"output_dir": str(result.model_path.parent)})
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_suspects(pilot, RunView.from_result(result))
        listed = rows(screen)
        assert {r[0] for r in listed} == {str(row) for row in FLIPPED}  # the flipped rows of 'category', and only
        scores = [float(r[4]) for r in listed]
        assert scores == sorted(scores, reverse=True)
        assert line(screen) == "3 suspect rows for category, 3 listed · most suspect first"

        await pilot.press("r")  # in file order
        table = screen.query_one("#suspect-table", DataTable)
        table.move_cursor(row=0)
        await pilot.pause()
        assert [r[:4] for r in rows(screen)] == [
            ["12", text_of_row(12), "Boiler", "Chiller"],  # markup in the data is shown as written
            ["59", text_of_row(59), "Fan", "Boiler"],
            ["125", text_of_row(125), "Chiller", "Fan"],
        ]
        assert "[red]Trane[/]" in line(screen, "#suspect-detail")

        await pilot.press("y")  # row 12: the suggested class
        assert rows(screen)[0][5] == "→ Chiller"
        assert table.cursor_row == 1  # on to the next row
        await pilot.press("k")  # row 59 keeps its label: it leaves the list
        assert [r[0] for r in rows(screen)] == ["12", "125"]
        assert line(screen).startswith("3 suspect rows for category, 2 listed · 1 corrected, 1 kept")

        await pilot.press("ctrl+f", *"label:boil")  # the filter: label or suggested class
        await pilot.pause()
        assert [r[0] for r in rows(screen)] == ["12"]
        await pilot.press("ctrl+u", *"sugg:fan")
        await pilot.pause()
        assert [r[0] for r in rows(screen)] == ["125"]
        await pilot.press("ctrl+u", "enter")
        assert [r[0] for r in rows(screen)] == ["12", "125"] and screen.focused is table

        screen.query_one("#target").value = "code"
        await settle(pilot)
        assert [r[:4] for r in rows(screen)] == [["202", text_of_row(202), "0909", "0606"]]
        await pilot.press("t")  # type a class: one the model knows is taken as it is spelled
        assert await until(pilot, lambda: isinstance(app.screen, ClassPromptScreen))
        await pilot.press(*"0606", "enter")
        assert await until(pilot, lambda: app.screen is screen)
        assert rows(screen)[0][5] == "→ 0606"
        assert "a: apply 2 corrections" in line(screen)

        await pilot.press("a")
        assert await until(pilot, lambda: isinstance(app.screen, PathPromptScreen))
        copy = data.with_name("equipment.training.csv")
        assert app.screen.query_one("#prompt-path", Input).value == str(copy)
        await pilot.press("enter")
        assert await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), timeout=10)
        assert "Open the wizard with it to retrain?" in text_of(app.screen.query_one(".dialog-title", Static))

        assert data.read_bytes() == original  # the training file is never changed
        before, after = read_csv_rows(data), read_csv_rows(copy)
        assert len(after) == len(before) == N_ROWS
        changed = {i + 2 for i, (b, a) in enumerate(zip(before, after, strict=True)) if a != b}
        assert changed == {12, 202}
        assert after[12 - 2] == before[12 - 2] | {"category": "Chiller"}
        assert after[202 - 2] == before[202 - 2] | {"code": "0606"}
        assert {r["code"] for r in after} == {"0606", "0707", "0808", "0909"}  # digit codes as written

        await pilot.press("y")  # retrain: the wizard is filled with the copy
        assert await until(pilot, lambda: isinstance(app.screen, WizardScreen))
        assert app.form.values["data_path"] == str(copy)


async def test_a_past_run_lists_its_suspects_a_new_class_asks_and_undo_steps_back(trained) -> None:
    data, result = trained
    app = create_app({"output_dir": str(result.model_path.parent)})
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_suspects(pilot, RunView.from_metadata(result.metadata_path))
        await pilot.press("r")
        screen.query_one("#suspect-table", DataTable).move_cursor(row=0)
        await pilot.pause()
        assert [r[0] for r in rows(screen)] == ["12", "59", "125"]
        await pilot.press("t", *"Pumpp", "enter")  # a class the model does not know: asked first
        assert await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "New class 'Pumpp' for category?" in text_of(app.screen.query_one(".dialog-title", Static))
        await pilot.press("n")  # keep typing
        assert await until(pilot, lambda: isinstance(app.screen, ClassPromptScreen))
        await pilot.press("backspace", "enter")  # "Pump" is known: taken at once
        assert await until(pilot, lambda: app.screen is screen)
        await pilot.press("enter")  # enter takes the suggested class too
        assert [r[5] for r in rows(screen)] == ["→ Pump", "→ Boiler", ""]
        await pilot.press("u", "u")
        assert [r[5] for r in rows(screen)] == ["", "", ""]
        await pilot.press("k", "k", "k")
        assert rows(screen) == []
        assert line(screen).startswith("3 suspect rows for category, 0 listed · 3 kept")
        listing = sorted(p.name for p in data.parent.iterdir())
        await pilot.press("a")  # nothing corrected: nothing written, no prompt
        await pilot.pause()
        assert app.screen is screen and sorted(p.name for p in data.parent.iterdir()) == listing


def write_metadata(folder: Path, **changes: object) -> Path:
    """A saved run's metadata without a suspects file."""
    folder.mkdir(parents=True, exist_ok=True)
    metadata = {
        "created": "2026-01-02T03:04:05+00:00",
        "training_path": "orchestrator",
        "targets": ["category"],
        "metrics": {"category": {"accuracy": 0.9, "f1_macro": 0.8, "support": 10}},
        "data": {"path": str(folder / "gone.csv"), "rows_used": 1000},
        "arguments": {"suspects": None},
        "suspects": None,
        "report_files": {},
    } | changes
    path = folder / "model_20260102_030405_metadata.json"
    path.write_text(json.dumps(metadata), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("changes", "note"),
    [
        ({"arguments": {"suspects": False}}, "Suspect labels were not looked for: the run was given --no-suspects."),
        ({"data": {"rows_used": 150_000}}, "Suspect labels were not looked for: 150,000 rows is over 100,000"),
        ({"suspects": "absent"}, "This run is older than suspect labels: train again to list them."),
        ({"report_files": {"suspects.csv": "model_20260102_030405_suspects.csv"}}, "the suspects file is missing: "),
    ],
)
async def test_without_a_suspects_file_the_tab_says_why(tmp_path: Path, changes: dict, note: str) -> None:
    path = write_metadata(tmp_path, **changes)
    if changes.get("suspects") == "absent":
        data = json.loads(path.read_text(encoding="utf-8"))
        del data["suspects"]
        path.write_text(json.dumps(data), encoding="utf-8")
    app = create_app({"output_dir": str(tmp_path)})
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_suspects(pilot, RunView.from_metadata(path))
        assert line(screen).startswith(note)
        assert "\n" not in line(screen)
        assert rows(screen) == []
        await pilot.press("y", "k", "a")  # no row: nothing happens
        await pilot.pause()
        assert app.screen is screen


def test_the_copy_keeps_every_row_and_its_number(tmp_path: Path) -> None:
    """A blank line keeps its place (a row keeps its spreadsheet number); a changed file is refused."""
    source = tmp_path / "t.csv"
    source.write_text("text,code\npump,0606\n\nfan,0909\n=1+1 boiler,0707\n", encoding="utf-8")
    frame = read_data(source).frame
    config = None
    out = corrected_frame(frame, [Correction(4, "code", "0909", "0606")], config)
    assert list(out["code"].fillna("")) == ["0606", "", "0606", "0707"]
    copy = write_corrected_copy(
        TrainingSource(source), [Correction(4, "code", "0909", "0606")], tmp_path / "t.training.csv"
    )
    back = read_data(copy).frame
    assert list(back.index) == [0, 2, 3] and list(back["code"]) == ["0606", "0606", "0707"]
    assert back.loc[3, "text"] == "=1+1 boiler"  # written inert, read back as it was
    with pytest.raises(CorrectionError, match="row 4 of the training file holds '0909' in 'code', not the label"):
        corrected_frame(frame, [Correction(4, "code", "0707", "0606")], config)
    with pytest.raises(CorrectionError, match="the training file itself"):
        write_corrected_copy(TrainingSource(source), [Correction(4, "code", "0909", "0606")], source)
