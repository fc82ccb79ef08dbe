"""Smaller hostile cases: leftovers of killed writes, odd thresholds in metadata, an output that is a folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from nexusml.commands.predict import main as predict_main

INVENTORY = Path(__file__).resolve().parents[1] / "nexusml" / "data" / "equipment_inventory.csv"


@pytest.fixture
def trained(bundled_model: Path) -> Path:
    return bundled_model


def test_a_killed_export_leaves_nothing_after_the_next_write_in_that_folder(tmp_path: Path) -> None:
    from nexusml.store.tables import write_table

    dead = 2**22 + 12345  # no such process
    leftover = tmp_path / f".coded.xlsx.{dead}.abcd1234.tmp.xlsx"
    leftover.write_bytes(b"half a workbook")
    alive = tmp_path / f".coded.xlsx.{os.getpid()}.efgh5678.tmp.xlsx"
    alive.write_bytes(b"being written")
    someone_elses = tmp_path / ".notes.tmp"
    someone_elses.write_text("not ours")
    write_table(pd.DataFrame({"a": [1]}), tmp_path / "coded.xlsx")
    assert not leftover.exists() and alive.exists() and someone_elses.exists()


@pytest.mark.parametrize("threshold", ["high", float("nan"), [0.5], 7, True])
def test_an_unusable_threshold_in_the_metadata_sends_rows_to_review_without_a_traceback(
    trained: Path, tmp_path: Path, threshold, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    model = folder / trained.name
    model.write_bytes(trained.read_bytes())
    metadata = json.loads(trained.with_name("equipment_classifier_latest_metadata.json").read_text())
    for figures in metadata["metrics"].values():
        figures["auto_coding"]["threshold"] = threshold
    metadata.pop("latest_of", None)
    model.with_name("equipment_classifier_latest_metadata.json").write_text(json.dumps(metadata))
    data = Path(__file__).resolve().parents[1] / "nexusml" / "data" / "equipment_inventory.csv"
    out = tmp_path / "coded.csv"
    argv = ["--model", str(model), "--input", str(data), "--output", str(out), "--min-confidence", "auto"]
    assert predict_main(argv) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    coded = pd.read_csv(out)
    assert coded[[c for c in coded.columns if c.startswith("needs_review_")]].all().all()


def test_a_list_of_metrics_in_the_metadata_is_one_line(trained: Path, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    model = folder / trained.name
    model.write_bytes(trained.read_bytes())
    metadata = json.loads(trained.with_name("equipment_classifier_latest_metadata.json").read_text())
    metadata["metrics"] = [1, 2, 3]
    metadata.pop("latest_of", None)
    model.with_name("equipment_classifier_latest_metadata.json").write_text(json.dumps(metadata))
    data = Path(__file__).resolve().parents[1] / "nexusml" / "data" / "equipment_inventory.csv"
    argv = ["--model", str(model), "--input", str(data), "--output", str(tmp_path / "c.csv")]
    argv += ["--min-confidence", "auto"]
    assert predict_main(argv) == 1
    err = capsys.readouterr().err
    assert "records no auto-coding threshold" in err and "Traceback" not in err


@pytest.mark.parametrize("suffix", ["out/", "existing"])
def test_an_output_that_is_a_folder_is_an_argument_error(trained: Path, tmp_path: Path, suffix: str, capsys) -> None:
    (tmp_path / "existing").mkdir()
    data = Path(__file__).resolve().parents[1] / "nexusml" / "data" / "equipment_inventory.csv"
    with pytest.raises(SystemExit) as exit_info:
        predict_main(["--model", str(trained), "--input", str(data), "--output", f"{tmp_path}/{suffix}"])
    assert exit_info.value.code == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("nexusml-predict: error: --output:") and ("folder" in last or "directory" in last)
    assert not (tmp_path / "out").exists()


def test_a_model_from_another_scikit_learn_says_so_once(
    trained: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, recwarn
) -> None:
    from nexusml.store import load as predictor

    real = predictor.library_versions

    def newer() -> dict[str, str]:
        return {**real(), "scikit-learn": "9.9.9"}

    monkeypatch.setattr(predictor, "library_versions", newer)
    data = Path(__file__).resolve().parents[1] / "nexusml" / "data" / "equipment_inventory.csv"
    assert predict_main(["--model", str(trained), "--input", str(data), "--output", str(tmp_path / "c.csv")]) == 0
    said = [r.getMessage() for r in caplog.records if "was saved with scikit-learn" in r.getMessage()]
    assert len(said) == 1 and "this is scikit-learn 9.9.9" in said[0]
    assert not [w for w in recwarn if "was saved with" in str(w.message)]  # not a second, raw warning
