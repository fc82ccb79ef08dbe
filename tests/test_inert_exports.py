"""Exports never turn data into live formulas (OWASP CSV injection), and read back as the original text."""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from nexusml.readers.loader import load_data
from nexusml.store.tables import csv_text, inert_cell, restored_cell, write_table
from nexusml.train_model_pipeline_v2 import main as train_main

HOSTILE = [
    '=HYPERLINK("http://example.com/x","click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3 pump",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "'=already quoted",
    "''+twice",
]
PLAIN = ["-3.5", "+12", "1e3", "pump 12", "'quoted text", "", "0606"]


NUMBER = r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"


def active_cells(path: Path) -> list[str]:
    """The cells of a CSV file that a spreadsheet would run as formulas."""
    with open(path, newline="", encoding="utf-8") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    return [c for c in cells if c[:1] and c[:1] in "=+-@\t\r" and not re.fullmatch(NUMBER, c)]


def test_every_active_cell_is_quoted_and_comes_back_as_written() -> None:
    for value in HOSTILE:
        assert inert_cell(value).startswith("'"), value
        assert restored_cell(inert_cell(value)) == value
    for value in PLAIN:
        assert inert_cell(value) == value and restored_cell(value) == value
    rng = random.Random(0)
    alphabet = "'=+-@\t\r ab1.e"
    for _ in range(5000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        assert restored_cell(inert_cell(value)) == value, repr(value)
        written = inert_cell(value)
        if written[:1] and written[:1] in "=+-@\t\r":  # only a plain number may begin so
            assert re.fullmatch(NUMBER, written), repr(value)


def test_a_csv_and_a_workbook_hold_no_formula_and_read_back_as_the_text(tmp_path: Path) -> None:
    frame = pd.DataFrame({"text": HOSTILE + PLAIN, "n": np.arange(len(HOSTILE) + len(PLAIN)) - 3.5})
    frame["=col"] = "x"
    csv_path = write_table(frame, tmp_path / "out.csv")
    assert not active_cells(csv_path)
    assert load_data(csv_path)["text"].fillna("").tolist() == HOSTILE + PLAIN
    assert list(load_data(csv_path).columns) == ["text", "n", "=col"]
    raw = active_cells(write_table(frame, tmp_path / "raw.csv", raw=True))
    assert "=cmd|' /C calc'!A0" in raw and "=col" in raw  # --raw-cells: as they are

    book_path = write_table(frame, tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(book_path).active
    kinds = {cell.data_type for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert "f" not in kinds
    assert [c.value for c in sheet["A"]][1:10] == [v.replace("\r", "\n") for v in HOSTILE]
    assert sheet["B2"].value == -3.5  # numbers stay numbers
    # XML reads a carriage return as a line feed: the one change a workbook makes to text
    expected = [v.replace("\r", "\n") for v in HOSTILE]
    assert load_data(book_path)["text"].fillna("").tolist()[: len(HOSTILE)] == expected


def test_csv_text_leaves_a_frame_without_active_cells_alone() -> None:
    frame = pd.DataFrame({"a": ["pump", "fan"], "b": [1, 2]})
    assert csv_text(frame) == frame.to_csv(index=False, lineterminator="\r\n")


def hostile_training_file(path: Path) -> Path:
    rng = np.random.default_rng(0)
    kinds = {"=1+1": "formula pump station", "@fan": "axial fan supply", "Boiler": "gas boiler hot water"}
    labels = rng.choice(list(kinds), 150)
    text = [f"{kinds[c]} {i % 13}" for i, c in enumerate(labels)]
    text[3] = '=HYPERLINK("http://example.com","click") pump'
    pd.DataFrame({"Name": text, "System": labels}).to_csv(path, index=False)
    return path


def test_predict_and_training_outputs_are_inert_and_retraining_reads_them_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from nexusml import coding, load_model
    from nexusml.commands.predict import main as predict_main

    data = hostile_training_file(tmp_path / "train.csv")
    argv = ["--headless", "--data-path", str(data), "--target", "System", "--text-columns", "Name"]
    assert train_main([*argv, "--output-dir", str(tmp_path / "m")]) == 0
    capsys.readouterr()
    metadata = json.loads((tmp_path / "m" / "equipment_classifier_latest_metadata.json").read_text())
    assert set(metadata["class_counts"]["System"]) == {"=1+1", "@fan", "Boiler"}
    model_path = tmp_path / "m" / "equipment_classifier_latest.skops"

    for name in ("coded.xlsx", "coded.csv"):
        out = tmp_path / name
        assert predict_main(["--model", str(model_path), "--input", str(data), "--output", str(out)]) == 0
        if name.endswith(".xlsx"):
            sheet = openpyxl.load_workbook(out).active
            assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
        else:
            assert not active_cells(out)
        back = load_data(out)
        assert back["Name"][3].startswith("=HYPERLINK") and set(back["predicted_System"]) <= {"=1+1", "@fan", "Boiler"}

    model = load_model(model_path)
    frame = load_data(data)
    rows = coding.code_frame(model, frame)
    state = coding.ReviewState(tmp_path / "r.json", "m", "i")
    state.set_class(2, "System", "=1+1", predicted=rows.predicted["System"][0])
    reviewed = coding.add_training_rows(coding.training_rows(rows, state, model), data, tmp_path / "more.csv")
    assert not active_cells(reviewed)
    assert load_data(reviewed)["System"].iloc[-1] == "=1+1"
    again = ["--headless", "--data-path", str(reviewed), "--target", "System", "--text-columns", "Name"]
    assert train_main([*again, "--output-dir", str(tmp_path / "m2")]) == 0
    retrained = json.loads((tmp_path / "m2" / "equipment_classifier_latest_metadata.json").read_text())
    assert set(retrained["class_counts"]["System"]) == {"=1+1", "@fan", "Boiler"}
