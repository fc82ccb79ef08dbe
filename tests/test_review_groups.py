"""Rows the model reads the same are reviewed as one: review groups, group decisions, review_group in every output."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nexusml import coding
from nexusml.commands import predict
from nexusml.readers.loader import load_data
from nexusml.store.load import load_model
from tests.conftest import call_main

INPUTS = ["Asset Label", "Make", "Notes", "Capacity"]
# Row positions in the new file: 5, 40, 41 and 299 list one item (other locations and years); 7 and 8 too,
# written in other case and spacing; 9 has 7's text with another capacity, 11 a capacity of 0 (the fill
# value) and 12 a blank one: those three are groups of their own.
GROUP = [5, 40, 41, 299]
CASED = [7, 8]
APART = [9, 11, 12]


@pytest.fixture(scope="module")
def grouped(tmp_path_factory: pytest.TempPathFactory, asset_register: tuple[Path, Path]) -> dict:
    from nexusml.options.arguments import arguments_from_values
    from nexusml.pipeline import run_training
    from scripts.synthetic import generate_asset_register

    data, config = asset_register
    folder = tmp_path_factory.mktemp("groups")
    args = arguments_from_values({"data_path": data, "feature_config": config, "output_dir": folder / "models"})
    model_path = run_training(args).model_path
    frame = generate_asset_register(300, seed=11).drop(columns=["Asset Type", "System", "Trade Group"])
    frame[INPUTS] = frame[INPUTS].astype(object)
    for i in GROUP[1:]:
        frame.loc[i, INPUTS] = frame.loc[GROUP[0], INPUTS].to_numpy()
    frame.loc[7, INPUTS] = ["VAV-01", "Trane", "vav box  500 cfm", 500.0]
    frame.loc[8, INPUTS] = ["  vav-01", "TRANE ", "VAV  Box 500   CFM", 500.0]
    frame.loc[9, INPUTS] = ["VAV-01", "Trane", "vav box 500 cfm", 800.0]
    frame.loc[11, INPUTS] = ["VAV-01", "Trane", "vav box 500 cfm", 0.0]
    frame.loc[12, INPUTS] = ["VAV-01", "Trane", "vav box 500 cfm", None]
    new = folder / "site.csv"
    frame.to_csv(new, index=False)
    return {"model": model_path, "new": new, "folder": folder}


def test_only_identical_model_input_is_one_group() -> None:
    text = np.array(["vav box", "VAV box", "vav box", "pump", "vav box", "vav box", "Pump"], dtype=object)
    numbers = pd.DataFrame({"capacity": [5.0, 5.0, 5.0, 1.0, 6.0, 0.0, 1.0], "blank": [0, 0, 0, 0, 0, 1, 0]})
    assert list(coding.review_groups(text, numbers)) == [0, 0, 0, 1, 2, 3, 1]  # in order of first appearance
    assert list(coding.review_groups(text)) == [0, 0, 0, 1, 0, 0, 1]
    assert list(coding.review_groups(text, lowercase=False)) == [0, 1, 0, 2, 0, 0, 3]
    assert list(coding.group_sizes(np.array([0, 0, 1, 0]))) == [3, 3, 1, 3]


def test_rows_with_the_same_model_input_are_one_group_across_chunks(grouped: dict) -> None:
    model = load_model(grouped["model"])
    frame = load_data(grouped["new"])
    whole = coding.code_frame(model, frame)
    chunked = coding.code_frame(model, frame, chunk_rows=64)  # the group's rows lie in different chunks
    assert list(chunked.group) == list(whole.group)
    group = whole.group
    assert len(set(group[GROUP])) == 1 and len(set(group[CASED])) == 1
    assert len({group[CASED[0]], *group[APART]}) == 1 + len(APART)
    assert len(np.unique(group)) == len(frame) - 4  # nothing else in the file repeats
    assert list(pd.factorize(group)[0]) == list(group)  # numbered in order of first appearance
    for rows in (GROUP, CASED):  # what the reviewer decides on is the same in every row of a group
        for target in model.targets:
            assert len(set(whole.predicted[target][rows])) == 1
            assert np.ptp(whole.confidence[target][rows]) == 0.0
        assert len(set(whole.unfamiliar[rows])) == 1 and len(set(whole.out_of_range.columns[rows])) == 1


def test_predict_writes_review_group_and_one_line_per_input_row(grouped: dict, tmp_path: Path) -> None:
    n = len(load_data(grouped["new"]))
    common = ("--model", str(grouped["model"]), "--input", str(grouped["new"]), "--min-confidence", "auto")
    tables = {}
    for suffix in ("csv", "xlsx", "parquet"):
        out = tmp_path / f"coded.{suffix}"
        done = call_main(predict.main, *common, "--output", str(out))
        assert done.returncode == 0, done.stderr
        tables[suffix] = load_data(out)
    assert "decision(s), one per review_group" in done.stdout
    for table in tables.values():
        assert len(table) == n and table.columns[-1] == "review_group"
        group = pd.to_numeric(table["review_group"]).to_numpy()
        assert list(group) == list(pd.factorize(group)[0] + 1)  # 1, 2, ... in order of first appearance
        assert len(set(group[GROUP])) == 1 and len(set(group[CASED])) == 1 and len(set(group[APART])) == 3
        assert table["Asset Label"].tolist() == tables["csv"]["Asset Label"].tolist()  # every input row, in order


def test_a_group_decision_codes_every_row_and_undo_takes_it_back_as_one(grouped: dict, tmp_path: Path) -> None:
    model = load_model(grouped["model"])
    data = tmp_path / "site.csv"
    data.write_bytes(grouped["new"].read_bytes())
    coded = coding.code_frame(model, load_data(data))
    rows = [int(coded.rows[i]) for i in GROUP]
    state = coding.ReviewState.open(data, grouped["model"])
    state.set_class(rows, "System", "Lighting", predicted=coded.predicted["System"][GROUP[0]])
    state.accept(rows, {t: coded.predicted[t][GROUP[0]] for t in model.targets})
    saved = json.loads(state.path.read_text(encoding="utf-8"))["rows"]
    assert sorted(map(int, saved)) == rows and all(saved[str(r)]["System"]["value"] == "Lighting" for r in rows)
    table = coding.coded_table(coded, state)
    assert set(table.loc[GROUP, "predicted_System"]) == {"Lighting"}
    assert (table["review_status"] != "auto").sum() >= 4 and len(set(table.loc[GROUP, "review_status"])) == 1
    training = coding.training_rows(coded, state, model)
    assert len(training) == 4 and set(training["System"]) == {"Lighting"}
    assert state.undo() == rows  # the accept, on all four rows
    assert all(set(state.marks[r]) == {"System"} for r in rows)
    assert state.undo() == rows and state.marks == {} and state.undo() is None
    assert json.loads(state.path.read_text(encoding="utf-8"))["rows"] == {}


def test_a_review_file_saved_before_groups_loads_and_its_mark_codes_the_group(grouped: dict, tmp_path: Path) -> None:
    from nexusml.store.io import sha256_file

    model = load_model(grouped["model"])
    data = tmp_path / "site.csv"
    data.write_bytes(grouped["new"].read_bytes())
    first, other = GROUP[0] + 2, GROUP[2] + 2  # spreadsheet rows of the group
    old = {  # as the version before review groups wrote it: one decision, one row
        "nexusml_review_version": 1,
        "model": str(grouped["model"]),
        "model_sha256": sha256_file(grouped["model"]),
        "input": str(data),
        "input_sha256": sha256_file(data),
        "rows": {
            str(other): {"System": {"status": "corrected", "value": "Plumbing Fixtures"}},
            "4": {t: {"status": "accepted", "value": "x"} for t in model.targets},
        },
    }
    path = coding.sidecar_path(data, grouped["model"])
    path.write_text(json.dumps(old, indent=1), encoding="utf-8")
    state = coding.ReviewState.open(data, grouped["model"])
    assert state.marks == {
        other: {"System": ("corrected", "Plumbing Fixtures")},
        4: dict.fromkeys(model.targets, ("accepted", "x")),
    }
    coded = coding.code_frame(model, load_data(data))
    table = coding.coded_table(coded, state)
    assert set(table.loc[GROUP, "predicted_System"]) == {"Plumbing Fixtures"}  # every row of the group
    assert table.loc[2, "predicted_System"] == "x" and len(table) == len(coded)
    group_rows = [int(coded.rows[i]) for i in GROUP]
    state.accept(group_rows, {t: coded.predicted[t][GROUP[0]] for t in model.targets})  # accept the rest
    assert state.mark(first, "System") is None and state.mark(first, "Trade Group") is not None
    table = coding.coded_table(coded, state)  # the group's correction stands
    assert set(table.loc[GROUP, "predicted_System"]) == {"Plumbing Fixtures"}
    assert set(table.loc[GROUP, "review_status"]) == {"corrected"}
    output = tmp_path / "more.csv"
    done = call_main(
        predict.main,
        "--model", str(grouped["model"]), "--input", str(data), "--review-file", str(path), "--output", str(output),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = pd.read_csv(output, keep_default_na=False)
    assert len(rows) == 1 + len(GROUP) and list(rows["System"]).count("Plumbing Fixtures") == len(GROUP)
    assert "review_group" not in rows.columns  # training rows: the model's columns only
