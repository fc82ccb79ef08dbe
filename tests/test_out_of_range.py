"""Numbers outside the training range: read as unknown, not extrapolated; flagged per row with one warning."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nexusml import coding
from nexusml.commands import evaluate
from nexusml.commands import predict as nexusml_predict
from nexusml.readers.loader import load_data
from nexusml.store.load import load_model
from nexusml.train_model_pipeline_v2 import main
from tests.conftest import call_main

OUTSIDE_WARNING = "have a number outside the range the model was trained on"


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A model trained with nexusml-train on an inventory export whose service_life runs from 10 to 40.

    The new file: the same kind of rows, with service_life 100 in two rows of three and a few blanks.
    """
    from scripts.synthetic import generate_inventory

    folder = tmp_path_factory.mktemp("out_of_range")
    training = generate_inventory(500, seed=3)
    assert training["service_life"].min() == 10 and training["service_life"].max() == 40
    training.to_csv(folder / "train.csv", index=False)
    argv = ["--headless", "--data-path", str(folder / "train.csv"), "--output-dir", str(folder / "models")]
    assert main([*argv, "--log-level", "ERROR"]) == 0
    truth = generate_inventory(300, seed=11)
    far = truth.drop(columns=["category_name"]).copy()
    outside = np.arange(len(far)) % 3 != 0
    far.loc[outside, "service_life"] = 100.0
    blank = np.flatnonzero(~outside)[:5]
    far.loc[blank, "service_life"] = np.nan  # blank cells take the fill value: unknown, never flagged
    far.to_csv(folder / "far.csv", index=False)
    truth.drop(columns=["category_name"]).to_csv(folder / "in_range.csv", index=False)
    return {
        "folder": folder,
        "model": folder / "models" / "equipment_classifier_latest.skops",
        "truth": truth["category_name"].to_numpy(),
        "outside": outside,
    }


def predict(trained: dict, name: str, output: Path, *extra: str):
    return call_main(
        nexusml_predict.main,
        "--model", str(trained["model"]), "--input", str(trained["folder"] / name), "--output", str(output), *extra,
    )  # fmt: skip


def test_nexusml_predict_reads_far_numbers_as_unknown_and_flags_those_rows(trained: dict, tmp_path: Path) -> None:
    base = predict(trained, "in_range.csv", tmp_path / "in_range.csv")
    done = predict(trained, "far.csv", tmp_path / "far.csv")
    assert base.returncode == 0 and done.returncode == 0, done.stderr
    in_range = pd.read_csv(tmp_path / "in_range.csv", keep_default_na=False)
    far = pd.read_csv(tmp_path / "far.csv", keep_default_na=False)
    truth, outside = trained["truth"], trained["outside"]

    baseline = (in_range["predicted_category_name"] == truth).mean()
    accuracy = (far["predicted_category_name"] == truth)[outside].mean()
    assert baseline > 0.9
    # Extrapolated, service_life 100 gave every row one class (accuracy 0.025); read as unknown, the text decides.
    assert accuracy >= baseline - 0.1, (accuracy, baseline)
    assert far.loc[outside, "predicted_category_name"].nunique() > 20
    assert (far.loc[outside, "confidence_category_name"] < 1.0).mean() > 0.5

    assert list(far["out_of_range"]) == ["service_life" if o else "" for o in outside]
    assert set(in_range["out_of_range"]) == {""}
    lines = [line for line in done.stderr.splitlines() if OUTSIDE_WARNING in line]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"'service_life' in {outside.sum()} row(s) (the training rows had 10 to 40)" in lines[0]
    assert OUTSIDE_WARNING not in base.stderr
    assert f"{outside.sum()} row(s) with a number outside the training range" in done.stdout


def test_rows_out_of_range_are_not_auto_coded(trained: dict, tmp_path: Path) -> None:
    output = tmp_path / "far.xlsx"
    done = predict(trained, "far.csv", output, "--min-confidence", "auto")
    assert done.returncode == 0, done.stderr
    table = pd.read_excel(output, keep_default_na=False)
    outside = trained["outside"]
    assert (table["review_status"][outside] == "pending").all()
    assert list(table["out_of_range"]) == ["service_life" if o else "" for o in outside]


def test_nexusml_evaluate_warns_once_about_numbers_out_of_range(trained: dict, tmp_path: Path) -> None:
    from scripts.synthetic import generate_inventory

    labelled = generate_inventory(300, seed=11)
    labelled.loc[trained["outside"], "service_life"] = 100.0
    labelled.to_csv(tmp_path / "labelled.csv", index=False)
    model, labelled_csv = str(trained["model"]), str(tmp_path / "labelled.csv")
    done = call_main(evaluate.main, "--model", model, "--input", labelled_csv)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if OUTSIDE_WARNING in line]
    assert len(lines) == 1 and f"'service_life' in {trained['outside'].sum()} row(s)" in lines[0]
    assert "out_of_range column" not in lines[0]  # nexusml-evaluate writes no such column


def test_the_wizard_path_flags_the_same_rows_in_chunks_and_warns_once(trained: dict, caplog) -> None:
    model = load_model(trained["model"])
    frame = load_data(trained["folder"] / "far.csv")
    with caplog.at_level(logging.WARNING, logger="nexusml"):
        coded = coding.code_frame(model, frame, chunk_rows=64)
    outside = trained["outside"]
    assert list(coded.out_of_range.rows) == list(outside)
    assert coded.out_of_range.counts == {"service_life": int(outside.sum())}
    assert [r.getMessage() for r in caplog.records].count(coded.out_of_range.warning()) == 1
    assert all(coded.needs_review(t)[outside].all() for t in model.targets)
    whole = coding.code_frame(model, frame)
    for target in model.targets:
        assert list(coded.predicted[target]) == list(whole.predicted[target])

    plain = model.predict(frame)  # the Python API gives the same flag column
    assert list(plain["out_of_range"]) == list(coded.out_of_range.columns)
    assert list(plain["predicted_category_name"]) == list(whole.predicted["category_name"])


def test_the_review_file_output_carries_the_flag(trained: dict, tmp_path: Path) -> None:
    data = tmp_path / "far.csv"
    data.write_bytes((trained["folder"] / "far.csv").read_bytes())
    model = load_model(trained["model"])
    coded = coding.code_frame(model, load_data(data))
    state = coding.ReviewState.open(data, trained["model"])
    for position in (0, 1, 2):  # row 0 in range, rows 1 and 2 with service_life 100
        state.accept(position + 2, {t: coded.predicted[t][position] for t in model.targets})
    output = tmp_path / "reviewed.csv"
    done = call_main(
        nexusml_predict.main,
        "--model", str(trained["model"]), "--input", str(data), "--review-file", str(state.path),
        "--output", str(output),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = pd.read_csv(output, keep_default_na=False)
    assert rows.columns[-1] == "out_of_range" and list(rows["out_of_range"]) == ["", "service_life", "service_life"]


def test_a_model_saved_without_the_clipper_loads_and_predicts_as_before(trained: dict, tmp_path, monkeypatch) -> None:
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import StandardScaler

    from nexusml.features.engineering import engineer_features
    from nexusml.model.classifier import EquipmentClassifier
    from nexusml.model.trained import TrainedModel
    from nexusml.store.serializer import save_model

    def without_clipper(self, n_rows):  # the transformer of the versions before the clipper
        built = original(self, n_rows)
        parts = [(n, StandardScaler() if n == "numeric" else t, c) for n, t, c in built.transformers]
        return ColumnTransformer(parts, sparse_threshold=1.0)

    original = EquipmentClassifier.make_transformer
    training = load_data(trained["folder"] / "train.csv")
    config = load_model(trained["model"]).feature_config
    features = engineer_features(training, config)
    with monkeypatch.context() as patch:
        patch.setattr(EquipmentClassifier, "make_transformer", without_clipper)
        old = EquipmentClassifier(numeric_columns=("service_life",)).fit(features.X, features.Y)
    assert old.numeric_ranges() == {}
    saved = save_model(TrainedModel.from_training(old, config), {}, tmp_path, "old", "20250101_000000")
    loaded = load_model(saved.model_path)
    assert isinstance(loaded.estimator.transformer_.named_transformers_["numeric"], StandardScaler)

    frame = load_data(trained["folder"] / "far.csv")
    predicted = loaded.predict(frame)
    new = engineer_features(frame, config, with_targets=False)
    expected, _ = old.predict_with_confidence(new.X)  # as such a model always predicted: nothing clipped
    assert list(predicted["predicted_category_name"]) == list(expected["category_name"])
    assert set(predicted["out_of_range"]) == {""}  # it has no training range to flag against


def test_range_clipper_clips_to_the_finite_training_range() -> None:
    from sklearn.exceptions import NotFittedError

    from nexusml.features.transformers import RangeClipper

    with pytest.raises(NotFittedError):
        RangeClipper().transform(np.zeros((1, 1)))
    training = pd.DataFrame({"life": [10.0, 40.0, np.nan, np.inf, 25.0], "never": [np.nan] * 5})
    clipper = RangeClipper().fit(training)
    assert clipper.data_min_.tolist() == [10.0, -np.inf] and clipper.data_max_.tolist() == [40.0, np.inf]
    assert list(clipper.get_feature_names_out()) == ["life", "never"]
    rows = pd.DataFrame([[100.0, 7.0], [5.0, -1e9], [np.nan, np.nan], [40.0, 0.0]], columns=["life", "never"])
    clipped = clipper.transform(rows)
    np.testing.assert_array_equal(clipped, [[40.0, 7.0], [10.0, -1e9], [np.nan, np.nan], [40.0, 0.0]])
    assert clipper.outside(rows).tolist() == [[True, False], [True, False], [False, False], [False, False]]
    with (
        pytest.raises(ValueError, match="expecting 2 features"),
        pytest.warns(UserWarning, match="does not have valid feature names"),
    ):
        clipper.transform(np.zeros((1, 3)))
