"""Suspect labels: the training rows whose label the model, fitted without them, does not believe."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from nexusml.evaluation.suspects import OutOfFold, item_folds, rank_suspects
from nexusml.train_model_pipeline_v2 import main

pytestmark = pytest.mark.suspects

KINDS = {
    "0606": ["centrifugal pump", "inline pump", "sump pump", "booster pump"],
    "0707": ["axial fan", "exhaust fan", "supply fan", "return fan"],
    "0101": ["air cooled chiller", "water cooled chiller", "screw chiller"],
    "0202": ["gas boiler", "condensing boiler", "steam boiler"],
    "0303": ["panelboard", "switchboard", "distribution panel"],
}


@pytest.fixture(scope="module")
def flipped(tmp_path_factory):
    """A messy export (BOM, a blank line, digit codes with zeros, items repeated with other tags) with 12 codes
    flipped to another code; its spreadsheet row numbers of the flipped rows."""
    rng = np.random.default_rng(5)
    rows = []
    for i in range(360):
        code = list(KINDS)[i % len(KINDS)]
        words = KINDS[code][rng.integers(len(KINDS[code]))]
        rows.append({"Asset Description": f"{words} {rng.choice(['north', 'roof', 'plant', 'b2'])}", "Code": code})
    frame = pd.DataFrame(rows)
    flip = rng.choice(len(frame), size=12, replace=False)
    for i in flip:
        frame.loc[i, "Code"] = "0707" if frame.loc[i, "Code"] != "0707" else "0101"
    folder = tmp_path_factory.mktemp("suspects")
    path = folder / "assets.csv"
    text = frame.to_csv(index=False, lineterminator="\n")
    header, body = text.split("\n", 1)
    path.write_text("\ufeff" + header + "\n\n" + body, encoding="utf-8")  # a blank line after the header
    return path, set((flip + 3).tolist())  # header row 1, blank row 2: data row i is spreadsheet row i + 3


def _train(path, out, *extra):
    argv = ["--headless", "--data-path", str(path), "--targets", "Code", "--text-columns", "Asset Description"]
    return main([*argv, "--output-dir", str(out), "--model-name", "m", "--log-level", "ERROR", *extra])


def test_a_run_lists_the_flipped_rows_first_with_their_spreadsheet_rows(flipped, tmp_path, capsys):
    path, flipped_rows = flipped
    assert _train(path, tmp_path / "out") == 0
    summary = capsys.readouterr().out
    latest = tmp_path / "out" / "m_latest_suspects.csv"
    stamped = [p for p in (tmp_path / "out").glob("m_2*_suspects.csv")]
    assert latest.is_file() and len(stamped) == 1 and stamped[0].read_bytes() == latest.read_bytes()
    table = pd.read_csv(latest, dtype=str, keep_default_na=False)
    assert list(table.columns) == ["row", "target", "label", "suggested", "score", "text"]
    top = set(table["row"].astype(int).head(len(flipped_rows)))
    assert len(top & flipped_rows) >= 10, (sorted(top), sorted(flipped_rows))
    assert table["label"].str.fullmatch(r"0\d{3}").all() and table["suggested"].str.fullmatch(r"0\d{3}").all()
    scores = table["score"].astype(float)
    assert scores.is_monotonic_decreasing and ((scores > 0) & (scores <= 1)).all()
    assert (table["label"] != table["suggested"]).all()
    meta = json.loads((tmp_path / "out" / "m_latest_metadata.json").read_text())
    counts = meta["suspects"]["per_target"]["Code"]
    assert counts["flagged"] == len(table) and counts["judged"] == 360
    assert f"{len(table)} training row(s) look mislabelled" in summary and "m_latest_suspects.csv" in summary
    assert "suspects" in meta["stage_seconds"]


def test_no_suspects_writes_no_file_and_says_nothing(flipped, tmp_path, capsys):
    path, _ = flipped
    assert _train(path, tmp_path / "out", "--no-suspects") == 0
    assert "mislabelled" not in capsys.readouterr().out
    assert not list((tmp_path / "out").glob("*suspects*"))
    meta = json.loads((tmp_path / "out" / "m_latest_metadata.json").read_text())
    assert meta["suspects"] is None and meta["arguments"]["suspects"] is False


def test_rows_no_other_fold_can_judge_are_left_out():
    classes = np.array(["a", "b", "c"])
    confidence = np.array([[0.1, 0.9, 0.0], [0.8, 0.2, 0.0], [0.0, 0.0, 0.0], [0.2, 0.7, 0.1]])
    oof = OutOfFold(classes, confidence, judged=np.array([True, True, False, True]))
    rows, scores, suggested = rank_suspects(np.array(["a", "a", "c", "c"]), oof)
    assert rows.tolist() == [0, 3] and suggested.tolist() == ["b", "b"]  # row 2: its class is in no other fold
    np.testing.assert_allclose(scores, [0.9, 0.9])


def test_an_items_copies_stay_in_one_fold():
    groups = np.array([0, 0, 1, 2, 2, 2, 3, 4, 5, 5])
    fold = item_folds(groups, 2, random_state=0)
    for item in np.unique(groups):
        assert len(set(fold[groups == item])) == 1
    assert set(fold) == {0, 1}
