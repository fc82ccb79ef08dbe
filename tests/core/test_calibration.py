"""The confidence calibration as its own fitted step: scoring held-out rows fits nothing, fit_confidence does."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import NotFittedError

from nexusml.model import calibration
from nexusml.model.calibration import ConfidenceCalibration, HeldOutScores, fit_margin_scale
from nexusml.model.classifier import EquipmentClassifier
from nexusml.model.scoring import MARGIN_SOFTMAX_SCALE
from tests.core.joint_reference import reference_logits


@pytest.fixture(scope="module")
def frames():
    rng = np.random.default_rng(11)
    kinds = ["chiller water cooled", "pump inline", "air handler", "panel 480V", "boiler gas"]
    which = rng.integers(0, len(kinds), 500)
    text = [f"{kinds[k]} unit {rng.integers(1, 40)} {kinds[(k + rng.integers(0, 2)) % 5]}" for k in which]
    X = pd.DataFrame({"combined_text": text, "service_life": rng.uniform(10, 30, 500)})
    Y = pd.DataFrame(
        {
            "kind": [kinds[k].split()[0] for k in which],
            "renamed": [f"x-{kinds[k].split()[0]}" for k in which],  # shares the classifier of "kind"
            "wet": ["wet" if k in (0, 1, 4) else "dry" for k in which],
            "site": ["main"] * 500,  # a single class
        }
    )
    return X.iloc[:350], Y.iloc[:350], X.iloc[350:].reset_index(drop=True), Y.iloc[350:].reset_index(drop=True)


@pytest.fixture()
def model(frames):
    X, Y, _, _ = frames
    return EquipmentClassifier(numeric_columns=("service_life",)).fit(X, Y)


def test_scoring_held_out_rows_changes_nothing_on_the_model(model, frames):
    _, _, X_test, Y_test = frames
    before = {k: v for k, v in vars(model).items()}
    held_out = model.score_held_out(X_test, Y_test)
    assert vars(model).keys() == before.keys()
    assert all(vars(model)[k] is v for k, v in before.items())
    assert model.confidence_scales == {}
    pd.testing.assert_frame_equal(held_out.predictions, model.predict(X_test))
    # One sample per margin classifier, keyed by the target that owns it.
    assert set(held_out.samples) == {"kind", "wet"}


def test_fitted_scales_are_the_log_loss_optimum_of_each_classifiers_held_out_scores(model, frames):
    _, Y, X_test, Y_test = frames
    model.fit_confidence(model.score_held_out(X_test, Y_test))
    features = model.transform(X_test)
    assert set(model.confidence_scales) == {"kind", "wet"}
    for target, scale in model.confidence_scales.items():
        estimator = model.estimators_[target]
        logits = reference_logits(model, features, Y, target)  # the scores that decide the prediction
        truth = pd.Index(estimator.classes_).get_indexer(Y_test[target].to_numpy())
        assert scale == fit_margin_scale(logits, truth)  # the same number, to the last bit
    assert model.uncalibrated_targets() == []
    # The shared target uses its owner's scale; the single class stays certain.
    _, confidence = model.predict_with_confidence(X_test)
    np.testing.assert_array_equal(confidence["renamed"], confidence["kind"])
    assert (confidence["site"] == 1.0).all()


def test_a_classifier_with_too_few_usable_rows_keeps_the_default_scale(model, frames):
    _, Y, X_test, Y_test = frames
    held_out = model.score_held_out(X_test, Y_test)
    scales = ConfidenceCalibration(min_rows=len(X_test) + 1).fit(held_out).scales_
    assert scales == {}
    few = Y_test.copy()
    few.loc[few.index[calibration.MIN_CALIBRATION_ROWS - 1 :], "kind"] = "never seen"
    model.fit_confidence(model.score_held_out(X_test, few))
    assert set(model.confidence_scales) == {"wet"}
    assert model.uncalibrated_targets() == ["kind", "renamed"]
    _, confidence = model.predict_with_confidence(X_test)
    logits = reference_logits(model, model.transform(X_test), Y, "kind") * MARGIN_SOFTMAX_SCALE
    expected = 1.0 / np.exp(logits - logits.max(axis=1, keepdims=True)).sum(axis=1)
    np.testing.assert_array_equal(confidence["kind"].to_numpy(), expected)


def test_many_held_out_rows_are_subsampled_for_the_fit(model, frames, monkeypatch):
    _, Y, X_test, Y_test = frames
    monkeypatch.setattr(calibration, "MAX_CALIBRATION_ROWS", 40)
    sample = model.score_held_out(X_test, Y_test).samples["kind"]
    assert sample.logits.shape == (40, len(model.estimators_["kind"].classes_))
    assert sample.true_columns.shape == (40,) and (sample.true_columns >= 0).all()
    # A fixed subset of the rows, in their order.
    full = reference_logits(model, model.transform(X_test), Y, "kind")
    rows = [int(np.flatnonzero((full == row).all(axis=1))[0]) for row in sample.logits]
    assert rows == sorted(set(rows))
    again = model.score_held_out(X_test, Y_test).samples["kind"]
    assert np.array_equal(again.logits, sample.logits)


def test_scores_of_another_model_are_refused(model, frames):
    X, Y, X_test, Y_test = frames
    other = EquipmentClassifier(numeric_columns=("service_life",)).fit(
        X, Y[["wet", "kind"]].rename(columns={"wet": "kind", "kind": "wet"})
    )
    with pytest.raises(ValueError, match="do not come from this model"):
        model.fit_confidence(other.score_held_out(X_test, Y_test.rename(columns={"wet": "kind", "kind": "wet"})))
    with pytest.raises(ValueError, match="do not come from this model"):
        model.fit_confidence(
            HeldOutScores(pd.DataFrame(), {"renamed": model.score_held_out(X_test, Y_test).samples["kind"]})
        )


def test_refit_takes_the_scales_of_the_calibrated_model(model, frames):
    X, Y, X_test, Y_test = frames
    model.fit_confidence(model.score_held_out(X_test, Y_test))
    refit = EquipmentClassifier(numeric_columns=("service_life",)).fit(
        pd.concat([X, X_test], ignore_index=True), pd.concat([Y, Y_test], ignore_index=True)
    )
    assert refit.adopt_confidence_scales(model) is refit
    assert refit.confidence_scales == model.confidence_scales
    assert refit.uncalibrated_targets() == []


def test_single_class_target_uses_dummy_classifier(model, frames):
    _, _, X_test, _ = frames
    estimator = model.estimators_["site"]
    assert type(estimator) is DummyClassifier
    predicted, confidence = model.predict_with_confidence(X_test)
    assert predicted["site"].tolist() == ["main"] * len(X_test)
    assert confidence["site"].tolist() == [1.0] * len(X_test)


def test_an_unfitted_model_says_so():
    model = EquipmentClassifier()
    frame = pd.DataFrame({"combined_text": ["pump"]})
    for call in (model.predict, model.transform, lambda X: model.score_held_out(X, pd.DataFrame({"a": ["x"]}))):
        with pytest.raises(NotFittedError):
            call(frame)
