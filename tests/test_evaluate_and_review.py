"""What a run says the model gets wrong, checked through the real entry points' mains on messy, real-shaped files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nexusml.commands import evaluate, predict
from nexusml.train_model_pipeline_v2 import main as train_main
from tests.conftest import call_main

TARGETS = ["System", "Trade, Group"]


@pytest.fixture(scope="module")
def messy(tmp_path_factory) -> dict[str, Path]:
    """An asset export with a BOM, blank lines and spaces and commas in column names, and a new site's file."""
    from scripts.synthetic import generate_asset_register

    folder = tmp_path_factory.mktemp("messy")
    frame = generate_asset_register(900, seed=11).rename(columns={"Trade Group": "Trade, Group"})
    train, site = frame.iloc[:650], frame.iloc[650:]
    lines = train.to_csv(index=False).splitlines()
    for where in (40, 41, 300):  # blank lines inside the export
        lines.insert(where, "")
    data = folder / "assets export.csv"
    data.write_bytes(("\n".join(lines) + "\n").encode("utf-8-sig"))
    site_path = folder / "new site.csv"
    site.to_csv(site_path, index=False)
    config = folder / "features.yml"
    config.write_text(
        "text_combinations:\n"
        "  - name: combined_text\n"
        "    columns: [Asset Label, Make, Notes]\n"
        'targets: ["System", "Trade, Group"]\n',
        encoding="utf-8",
    )
    out = folder / "models"
    done = call_main(
        train_main, "--headless", "--data-path", str(data), "--feature-config", str(config), "--output-dir", str(out)
    )
    assert done.returncode == 0, done.stderr
    return {"data": data, "site": site_path, "out": out, "log": done.stdout}


def latest_metadata(out: Path) -> dict:
    return json.loads((out / "equipment_classifier_latest_metadata.json").read_text(encoding="utf-8"))


def test_the_report_figures_agree_with_each_other(messy):
    meta = latest_metadata(messy["out"])
    errors = pd.read_csv(messy["out"] / "equipment_classifier_latest_errors.csv", keep_default_na=False)
    assert list(errors.columns) == ["row", "target", "text", "true", "predicted", "confidence", "second_best"]
    for target in TARGETS:
        m = meta["metrics"][target]
        per_class = m["per_class"]
        assert np.mean([c["f1"] for c in per_class.values()]) == pytest.approx(m["f1_macro"], abs=1e-5)
        assert sum(c["support"] for c in per_class.values()) == m["support"]
        assert len(errors[errors.target == target]) == round((1 - m["accuracy"]) * m["support"])
        assert sum(c["count"] for c in m["top_confusions"]) <= len(errors[errors.target == target])
        coding = m["auto_coding"]
        assert coding["precision_target"] == 0.95
        if coding["threshold"] is not None:
            assert coding["precision"] >= 0.95 and 0 < coding["coverage"] <= 1
    assert (errors["predicted"] != errors["true"]).all() and (errors["second_best"] != errors["predicted"]).all()


def test_error_rows_are_numbered_as_a_spreadsheet_shows_the_file(messy):
    errors = pd.read_csv(messy["out"] / "equipment_classifier_latest_errors.csv", keep_default_na=False)
    lines = messy["data"].read_text(encoding="utf-8-sig").splitlines()
    sample = errors.drop_duplicates("row").head(20)
    assert len(sample)
    for row, text in zip(sample["row"], sample["text"], strict=True):
        label = text.split(" ")[0]
        assert label in lines[row - 1], (row, text)  # row 1 is the header line


def test_the_summary_names_the_worst_classes_and_the_auto_coding_rate(messy):
    out = messy["log"]
    assert "can be coded automatically at 95 % precision" in out or "every row needs review" in out
    assert "classes with the lowest F1" in out and "support" in out
    assert "Misclassified held-out rows:" in out


def test_evaluate_scores_a_new_sites_file(messy, tmp_path):
    done = call_main(
        evaluate.main,
        "--model", str(messy["out"] / "equipment_classifier_latest.skops"), "--input", str(messy["site"]),
        "--output-dir", str(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "new site_evaluation.json").read_text(encoding="utf-8"))
    errors = pd.read_csv(tmp_path / "new site_errors.csv", keep_default_na=False)
    assert report["rows_used"] == 250
    for target in TARGETS:
        m = report["metrics"][target]
        assert {"accuracy", "f1_macro", "per_class", "top_confusions", "auto_coding"} <= set(m)
        assert len(errors[errors.target == target]) == round((1 - m["accuracy"]) * m["support"])
    assert "labelled row(s) scored" in done.stdout and "macro-F1" in done.stdout


def test_evaluate_refuses_a_file_without_the_targets(messy, tmp_path):
    site = pd.read_csv(messy["site"]).drop(columns=["Trade, Group"])
    path = tmp_path / "unlabelled.csv"
    site.to_csv(path, index=False)
    done = call_main(
        evaluate.main,
        "--model", str(messy["out"] / "equipment_classifier_latest.skops"), "--input", str(path),
        "--output-dir", str(tmp_path / "out"),
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].endswith("target(s) Trade, Group; add them to evaluate")
    assert "Traceback" not in done.stderr and not (tmp_path / "out").exists()


def test_predict_leaves_unsure_rows_for_review_at_the_recorded_threshold(messy, tmp_path):
    model = messy["out"] / "equipment_classifier_latest.skops"
    output = tmp_path / "coded.csv"
    done = call_main(
        predict.main,
        "--model", str(model), "--input", str(messy["site"]), "--output", str(output), "--min-confidence", "auto",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    coded = pd.read_csv(output, keep_default_na=False)
    thresholds = {t: latest_metadata(messy["out"])["metrics"][t]["auto_coding"]["threshold"] for t in TARGETS}
    for target in TARGETS:
        review = coded[f"needs_review_{target}"].astype(str) == "True"
        if thresholds[target] is None:
            assert review.all()
        else:
            confidence = coded[f"confidence_{target}"]
            clear = (confidence - thresholds[target]).abs() > 1e-4  # the file rounds confidences to 4 decimals
            assert (review[clear] == (confidence[clear] < thresholds[target])).all()
        assert (coded.loc[review, f"predicted_{target}"] == "").all()
        assert (coded.loc[~review, f"predicted_{target}"] != "").all()
        assert f"{target}: {int((~review).sum())} coded, {int(review.sum())} need review" in done.stdout


@pytest.mark.parametrize("value", ["1.5", "often"])
def test_predict_refuses_a_bad_threshold(messy, tmp_path, value):
    done = call_main(
        predict.main,
        "--model", str(messy["out"] / "equipment_classifier_latest.skops"), "--input", str(messy["site"]),
        "--output", str(tmp_path / "x.csv"), "--min-confidence", value,
    )  # fmt: skip
    assert done.returncode == 2 and "--min-confidence" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize(
    "command, argv, says",
    [
        (predict, [], "the following arguments are required: --model, --input, --output"),
        (evaluate, ["--model", "m.skops"], "the following arguments are required: --input"),
        (
            predict,
            ["--model", "m.skops", "--input", "x.csv", "--output", "o.csv", "--log-level", "LOUD"],
            "--log-level",
        ),
        (
            evaluate,
            ["--model", "m.skops", "--input", "x.csv", "--auto-precision", "2"],
            "--auto-precision: must be above 0",
        ),
    ],
)
def test_a_usage_error_is_one_line_without_the_usage_block(command, argv, says, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.csv").write_text("a\n1\n")
    with pytest.raises(SystemExit) as stop:
        command.main(argv)
    assert stop.value.code == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "usage:" not in error, error
    assert error.startswith(f"{command.PROG}: error:") and says in error, error
