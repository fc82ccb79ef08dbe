"""The Predict and Review screens: predict a new file, review the unsure rows, export, learn from the corrections."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nexusml.coding.review_state import ReviewState
from tests.tui.tui_helpers import settle, text_of
from tui.app import create_app

SIZE = (120, 40)
TARGETS = ["System", "Trade Group"]
CONFIG = (
    "text_combinations:\n"
    "  - name: combined_text\n"
    "    columns: [Asset Label, Make, Notes]\n"
    "numeric_columns:\n"
    "  - {name: Capacity, new_name: capacity, fill_value: 0, dtype: float}\n"
    "targets: [System, Trade Group]\n"
)


def messy_csv(frame: pd.DataFrame, path: Path) -> Path:
    """A BOM, spaces around the column names and blank lines, as exported registers have."""
    lines = frame.rename(columns=lambda c: f" {c} ").to_csv(index=False).splitlines()
    for at in (40, 20, 5):
        lines.insert(at, ",".join([""] * len(frame.columns)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from nexusml.options.arguments import arguments_from_values
    from nexusml.pipeline import run_training
    from scripts.synthetic import generate_asset_register

    folder = tmp_path_factory.mktemp("review")
    config = folder / "features.yml"
    config.write_text(CONFIG, encoding="utf-8")
    train = messy_csv(generate_asset_register(400, seed=5), folder / "register.csv")
    args = arguments_from_values({"data_path": train, "feature_config": config, "output_dir": folder / "models"})
    result = run_training(args)
    truth = generate_asset_register(560, seed=21)
    new = messy_csv(truth.drop(columns=TARGETS), folder / "site.csv")
    # Its first 60 rows, for the tests of what a decision does: a table of 60 rows is quicker to fill than one
    # of 500 (the longest it gets, which the first test checks).
    first_rows = messy_csv(truth.drop(columns=TARGETS).head(60), folder / "site_60.csv")
    return {
        "folder": folder,
        "config": config,
        "train": train,
        "model": result.model_path,
        "new": new,
        "new_60": first_rows,
        "truth": truth,
        "models": folder / "models",
    }


async def wait_for(pilot, condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


async def predicted(pilot, app):
    from tui.screens.predict import PredictScreen
    from tui.screens.review import ReviewScreen

    await wait_for(pilot, lambda: isinstance(app.screen, (PredictScreen, ReviewScreen)))
    # --predict MODEL with --data-path FILE codes the file at once: no key to press
    await wait_for(pilot, lambda: isinstance(app.screen, ReviewScreen))
    await settle(pilot)
    return app.screen


def fresh_copy(project: dict, tmp_path: Path, file: str = "new") -> Path:
    new = tmp_path / "site.csv"
    new.write_bytes(project[file].read_bytes())
    return new


def table_rows(screen) -> list[int]:
    return [int(k) for k in (r.value for r in screen.query_one("#review-table").rows)]


async def open_row(pilot, screen, position: int):
    table = screen.query_one("#review-table")
    table.move_cursor(row=list(screen.order).index(position))
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    return screen.app.screen


async def test_predict_review_export_and_learn(project: dict, tmp_path: Path) -> None:
    import openpyxl

    from nexusml.options.arguments import arguments_from_values
    from nexusml.pipeline import run_training
    from nexusml.readers.loader import load_data
    from nexusml.store.load import load_model
    from tui.screens.wizard import WizardScreen
    from tui.widgets.review_row import ReviewRowScreen

    new = fresh_copy(project, tmp_path)
    given = {"predict": str(project["model"]), "data_path": str(new), "output_dir": str(project["models"])}
    app = create_app(given)
    async with app.run_test(size=SIZE) as pilot:
        screen = await predicted(pilot, app)
        coded = screen.coded
        assert len(coded) == 560 and text_of(screen.query_one("#review-summary")).startswith("560 rows: ")
        assert len(table_rows(screen)) == 500 and "showing 500 of 560" in text_of(screen.query_one("#review-count"))
        low = [min(coded.confidence[t][i] for t in TARGETS) for i in table_rows(screen)]
        assert low == sorted(low)  # least sure first

        screen.query_one("#review-show").value = "review"
        await settle(pilot)
        review = coded.any_needs_review()
        shown = table_rows(screen)
        assert shown and all(review[i] for i in shown) and len(shown) == min(500, int(review.sum()))

        truth = project["truth"]["System"].to_numpy()
        wrong = [
            i for i in shown if coded.predicted["System"][i] != truth[i] and truth[i] in coded.top_labels["System"][i]
        ]
        typed = [i for i in shown if coded.predicted["System"][i] != truth[i] and i not in wrong[:1]]
        assert wrong and typed, "the model made no fixable mistake on this file: the test would prove nothing"
        first, second = wrong[0], typed[0]
        dialog = await open_row(pilot, screen, first)
        assert isinstance(dialog, ReviewRowScreen)
        while dialog.targets[dialog.current] != "System":
            await pilot.press("right")
        await pilot.press(str(list(coded.top_labels["System"][first]).index(truth[first]) + 1))
        await pilot.press("a")  # the other target as predicted
        await settle(pilot)
        dialog = await open_row(pilot, screen, second)
        while dialog.targets[dialog.current] != "System":
            await pilot.press("right")
        await pilot.press("c")
        await pilot.press(*truth[second][:-1])
        await pilot.press("right")  # takes the completion
        assert dialog.query_one("#review-row-input").value == truth[second]
        await pilot.press("enter")
        await pilot.press("escape", "a")  # leave the input on purpose, then accept the rest of the row
        await settle(pilot)
        accepted = next(i for i in shown if i not in (first, second))
        screen.query_one("#review-table").move_cursor(row=list(screen.order).index(accepted))
        await pilot.pause()
        await pilot.press("a")
        await settle(pilot)
        state = screen.state
        rows = coded.rows
        assert state.mark(rows[first], "System") == ("corrected", truth[first])
        assert state.mark(rows[second], "System") == ("corrected", truth[second])
        assert {s for s, _ in state.marks[int(rows[accepted])].values()} == {"accepted"}
        table = screen.query_one("#review-table")
        assert str(table.get_row(str(first))[1]) == "✎" and str(table.get_row(str(accepted))[1]) == "✓"
        assert "3 (1 accepted, 2 corrected)" in text_of(screen.query_one("#review-summary"))
        await pilot.press("n")
        assert screen.review.status(screen.order[table.cursor_row]) == "pending"
        exported = tmp_path / "coded.xlsx"
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one("#prompt-path").value = str(exported)
        await pilot.press("enter")
        await settle(pilot)
        sheet = openpyxl.load_workbook(exported).active
        header = [c.value for c in next(sheet.iter_rows(max_row=1))]
        assert header[-3:] == ["review_status", "out_of_range", "review_group"]
        assert "predicted_System" in header and "Asset Label" in header
        book = pd.read_excel(exported)
        assert len(book) == 560
        assert book["review_status"].value_counts()[["corrected", "accepted"]].tolist() == [2, 1]
        assert book["predicted_System"][first] == truth[first]

        training = tmp_path / "register.reviewed.csv"
        await pilot.press("t")
        await pilot.pause()
        app.screen.query_one("#prompt-path").value = str(training)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")  # retrain with it
        await settle(pilot)
        assert isinstance(app.screen, WizardScreen)
        assert app.form.values["data_path"] == str(training)

    added = load_data(training)
    assert len(added) == len(load_data(project["train"])) + 3
    args = arguments_from_values(
        {"data_path": training, "feature_config": project["config"], "output_dir": tmp_path / "retrained"}
    )
    retrained = load_model(run_training(args).model_path)
    again = retrained.predict(load_data(new).iloc[[first, second]])
    assert list(again["predicted_System"]) == [truth[first], truth[second]]


async def test_the_review_survives_quitting(project: dict, tmp_path: Path) -> None:
    new = fresh_copy(project, tmp_path, "new_60")
    given = {"predict": str(project["model"]), "data_path": str(new), "output_dir": str(project["models"])}
    app = create_app(given)
    async with app.run_test(size=SIZE) as pilot:
        screen = await predicted(pilot, app)
        first, second = screen.order[0], screen.order[1]
        await pilot.press("a")
        dialog = await open_row(pilot, screen, second)
        await pilot.press("2")
        await settle(pilot)
        if app.screen is dialog:
            await pilot.press("escape")
        marks = {k: dict(v) for k, v in screen.state.marks.items()}
        await pilot.press("ctrl+q")
    assert marks and int(screen.review.rows[first]) in marks
    assert ReviewState.open(new, project["model"]).marks == marks

    app = create_app(given)
    async with app.run_test(size=SIZE) as pilot:
        screen = await predicted(pilot, app)
        assert screen.state.marks == marks
        table = screen.query_one("#review-table")
        assert str(table.get_row(str(first))[1]) == "✓"
        assert "reviewed 2" in text_of(screen.query_one("#review-summary"))


async def test_cancel_stops_a_prediction_within_a_second(project: dict, tmp_path: Path, monkeypatch) -> None:
    import functools

    from nexusml import coding
    from scripts.synthetic import generate_asset_register
    from tui.screens.predict import PredictScreen

    # 30 chunks of 2,000 rows instead of 6 of 10,000: on a busy machine six chunks can all be coded
    # before the key press is handled
    monkeypatch.setattr(coding, "code_frame", functools.partial(coding.code_frame, chunk_rows=2_000))
    big = tmp_path / "big.csv"
    generate_asset_register(60_000, seed=2).drop(columns=TARGETS).to_csv(big, index=False)
    app = create_app({"predict": str(project["model"]), "data_path": str(big), "output_dir": str(project["models"])})
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, PredictScreen))
        screen = app.screen  # coding starts by itself (--predict with --data-path)
        bar = screen.query_one("#predict-progress")
        await wait_for(pilot, lambda: (bar.progress or 0) > 0)
        # Counted in CPU seconds, which another job on the machine does not stretch: the chunk being coded
        # is finished, no other is started (60,000 rows take many seconds).
        started = time.process_time()
        await pilot.press("escape")
        await wait_for(pilot, lambda: not screen.running, timeout=30)
        assert time.process_time() - started < 1.0
        assert app.screen is screen and "cancelled" in text_of(screen.query_one("#predict-status"))
        assert bar.progress < 60_000
        assert not np.isnan(bar.percentage or 0)


async def test_numbers_outside_the_training_range_are_shown_and_routed_to_review(project: dict, tmp_path: Path) -> None:
    from nexusml.readers.loader import load_data

    frame = project["truth"].drop(columns=TARGETS)
    biggest = pd.to_numeric(load_data(project["train"])["Capacity"]).max()  # cells are read as text
    outside = [3, 50, 51, 300, 559]
    frame.loc[outside, "Capacity"] = biggest * 10
    new = messy_csv(frame, tmp_path / "site.csv")
    given = {"predict": str(project["model"]), "data_path": str(new), "output_dir": str(project["models"])}
    app = create_app(given)
    async with app.run_test(size=SIZE) as pilot:
        screen = await predicted(pilot, app)
        warnings = [str(n.message) for n in app._notifications if "outside the range" in str(n.message)]
        assert len(warnings) == 1 and "'Capacity' in 5 row(s)" in warnings[0] and f"{biggest:g}" in warnings[0]
        assert "5 with numbers out of range" in text_of(screen.query_one("#review-summary"))
        screen.query_one("#review-show").value = "out_of_range"
        await settle(pilot)
        assert sorted(table_rows(screen)) == outside
        assert all(screen.coded.needs_review(t)[outside].all() for t in TARGETS)  # never auto-coded
        dialog = await open_row(pilot, screen, outside[0])
        assert "outside the training range, read as unknown: Capacity" in text_of(dialog.query_one("#review-row-title"))


async def test_a_decision_that_cannot_be_saved_says_why_and_stays_in_memory(project: dict, tmp_path: Path) -> None:
    from nexusml.coding import sidecar_path

    new = fresh_copy(project, tmp_path, "new_60")
    given = {"predict": str(project["model"]), "data_path": str(new), "output_dir": str(project["models"])}
    app = create_app(given)
    async with app.run_test(size=SIZE) as pilot:
        screen = await predicted(pilot, app)
        sidecar = sidecar_path(new, project["model"])
        sidecar.unlink(missing_ok=True)
        sidecar.symlink_to(tmp_path / "nowhere" / "review.json")  # a dangling link where the review file goes
        first = screen.order[0]
        await pilot.press("a")
        await settle(pilot)
        assert app.is_running
        messages = [str(n.message) for n in app._notifications]
        assert any("cannot be written" in m and "refusing to replace symlink" in m for m in messages)
        assert int(screen.review.rows[first]) in screen.state.marks
        dialog = await open_row(pilot, screen, screen.order[1])
        await pilot.press("1")  # in the row dialog too
        await settle(pilot)
        assert app.is_running and int(screen.review.rows[screen.order[1]]) in screen.state.marks
        if app.screen is dialog:
            await pilot.press("escape")


async def test_keystrokes_after_a_typed_class_stay_text_and_an_unknown_class_asks_first(
    project: dict, tmp_path: Path
) -> None:
    """The sequence that once accepted a row with the model's wrong classes: c, a class, enter, then a."""
    from nexusml.coding import sidecar_path
    from tui.screens.confirm import ConfirmScreen
    from tui.widgets.review_row import known_classes

    new = fresh_copy(project, tmp_path, "new_60")
    given = {"predict": str(project["model"]), "data_path": str(new), "output_dir": str(project["models"])}
    app = create_app(given)
    async with app.run_test(size=SIZE) as pilot:
        screen = await predicted(pilot, app)
        position = screen.order[0]
        row = int(screen.review.rows[position])
        dialog = await open_row(pilot, screen, position)
        target = dialog.targets[dialog.current]
        predicted_class = str(screen.coded.predicted[target][position])
        other = next(c for c in known_classes(dialog.model, target) if c != predicted_class)
        await pilot.press("c", *other, "enter", "a")
        await settle(pilot)
        # the typed class is set; the "a" after it went into the input, it accepted nothing
        assert app.screen is dialog and dialog.query_one("#review-row-input").value == "a"
        marks = screen.state.marks[row]
        assert marks == {target: ("corrected", other)}
        # a class the model does not know for the next target asks first; "a" and "n" record nothing
        await pilot.press("backspace", *"1celectrical power", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("a", "n")
        await settle(pilot)
        assert app.screen is dialog and screen.state.marks[row] == marks
        # u takes the last decision back
        await pilot.press("escape", "u")
        await settle(pilot)
        assert row not in screen.state.marks
        await pilot.press("escape")
    saved = ReviewState.load(sidecar_path(new, project["model"])).marks
    assert row not in saved
    assert all(value != "1celectrical power" for marks in saved.values() for _, value in marks.values())


async def test_one_decision_codes_a_group_of_rows_and_u_takes_it_back(project: dict, tmp_path: Path) -> None:
    """Three rows of one item (same model input, other locations): one line, one decision for all, one undo."""
    from nexusml.coding import sidecar_path
    from tui.screens.confirm import ConfirmScreen

    inputs, group = ["Asset Label", "Make", "Notes", "Capacity"], [4, 30, 51]
    frame = project["truth"].drop(columns=TARGETS).head(60).astype({c: object for c in inputs})
    frame.loc[group[1:], inputs] = [frame.loc[group[0], inputs].to_numpy()] * 2
    new = messy_csv(frame, tmp_path / "site.csv")
    app = create_app({"predict": str(project["model"]), "data_path": str(new), "output_dir": str(project["models"])})
    async with app.run_test(size=SIZE) as pilot:
        screen = await predicted(pilot, app)
        first, table, state = group[0], screen.query_one("#review-table"), screen.state
        rows = [int(screen.review.rows[i]) for i in group]
        assert len(table_rows(screen)) == 58 and first in table_rows(screen) and not {30, 51} & set(table_rows(screen))
        assert str(table.get_row(str(first))[2]) == "×3"
        dialog = await open_row(pilot, screen, first)
        assert text_of(dialog.query_one("#review-row-title")).startswith(f"3 rows: {', '.join(map(str, rows))}")
        while dialog.targets[dialog.current] != "System":
            await pilot.press("right")
        await pilot.press("c", *"Heat Recovery Loop", "enter")  # a class the model does not know: asks first
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("escape", "a")  # accept the other target for the group
        await settle(pilot)
        trade = str(screen.coded.predicted["Trade Group"][first])
        marks = {"System": ("corrected", "Heat Recovery Loop"), "Trade Group": ("accepted", trade)}
        assert all(state.marks[r] == marks for r in rows) and len(state.marks) == 3
        assert str(table.get_row(str(first))[1]) == "✎"
        assert "reviewed 3 (0 accepted, 3 corrected)" in text_of(screen.query_one("#review-summary"))
        exported = tmp_path / "coded.xlsx"
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one("#prompt-path").value = str(exported)
        await pilot.press("enter")
        await settle(pilot)
        book = pd.read_excel(exported)  # one line per input row
        assert len(book) == 60 and (book["predicted_System"] == "Heat Recovery Loop").sum() == 3
        assert set(book.loc[group, "predicted_System"]) == {"Heat Recovery Loop"}
        assert book.loc[group, "review_group"].nunique() == 1 and book["review_group"].nunique() == 58
        await pilot.press("u")  # the group's accept, on its three rows
        await settle(pilot)
        assert all(set(state.marks[r]) == {"System"} for r in rows)
        await pilot.press("u")  # its correction
        await settle(pilot)
        assert state.marks == {} and str(table.get_row(str(first))[1]) != "✎"
    assert ReviewState.load(sidecar_path(new, project["model"])).marks == {}
