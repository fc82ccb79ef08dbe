"""The default model's selection rule and joint decoding, on rows sampled from the benchmark's Uniclass copy."""

from __future__ import annotations

import pickle
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nexusml.evaluation.assessment import assess
from nexusml.features.split import split_indices
from nexusml.model import classifier as model_module
from nexusml.model.classifier import EquipmentClassifier
from tests.core.joint_reference import reference_logits, reference_predictions

UNICLASS = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "builtbench" / "uniclass_entities.csv"
TARGETS = ["1st_lev_superclass", "2nd_lev_superclass", "mapping_IFC_4x3Add2_TC1"]


@pytest.fixture(scope="module")
def uniclass():
    frame = pd.read_csv(UNICLASS, dtype=str, keep_default_na=False).sample(600, random_state=0)
    X = frame[["natural_name"]].reset_index(drop=True)
    Y = frame[TARGETS].reset_index(drop=True)
    train, test, _ = split_indices(Y, 0.3, 0)
    return (
        X.iloc[train].reset_index(drop=True),
        Y.iloc[train].reset_index(drop=True),
        X.iloc[test].reset_index(drop=True),
        Y.iloc[test].reset_index(drop=True),
    )


@pytest.fixture(scope="module")
def fitted(uniclass):
    X, Y, _, _ = uniclass
    return EquipmentClassifier(text_column="natural_name").fit(X, Y)


def test_selection_rule_is_recorded_in_the_fitted_model(fitted, uniclass):
    _, Y, _, _ = uniclass
    assert fitted.joint_targets == tuple(TARGETS)
    assert len(fitted.joint_.codes) == len(Y.drop_duplicates())
    for target in TARGETS:
        # every class rarer than the target's median class weighs median / its count; the others 1
        counts = Y[target].value_counts()
        expected = {c: float(counts.median() / n) for c, n in counts.items() if n < counts.median()}
        weights = fitted.estimators_[target].class_weight or {}
        lifted = {c: w for c, w in weights.items() if w > 1.0}
        assert lifted.keys() == expected.keys() and all(np.isclose(weights[c], w) for c, w in expected.items())
        assert not weights or weights.keys() == set(counts.index)  # every class listed, the others at 1
        described = f"{len(expected)} rare classes weighted up to {max(expected.values()):.3g}" if expected else None
        assert fitted.chosen_params_[target] == {
            "classifier": "LinearSVC",
            "C": 1.0,
            "class_weight": described,
            "decoding": "joint",
        }
    # the 404-class IFC mapping has mostly one-row classes in 600 rows: its median class has one row
    assert fitted.estimators_["mapping_IFC_4x3Add2_TC1"].class_weight is None


def test_rare_class_weights_lift_only_classes_below_the_median():
    from nexusml.model.factory import rare_class_weights

    y = np.array(["pump"] * 10 + ["fan"] * 4 + ["chiller"] * 4 + ["boiler"] * 2 + ["valve"])
    # median count 4; every class listed, so scikit-learn never meets a class missing from the dict
    assert rare_class_weights(y) == {"boiler": 2.0, "valve": 4.0, "chiller": 1.0, "fan": 1.0, "pump": 1.0}
    assert rare_class_weights(np.array(["a", "b", "a", "b"])) is None
    weights = rare_class_weights(np.array([3, 3, 3, 7, 7, 9]))  # counts 3, 2, 1: median 2
    assert weights == {3: 1.0, 7: 1.0, 9: 2.0} and all(type(k) is int for k in weights)  # plain values
    # Codes of digits are looked up by scikit-learn as integers: "0606" as 606.
    codes = np.array(["0606"] * 4 + ["2110"] * 4 + ["23.05"] * 2 + ["0000"])
    assert rare_class_weights(codes) == {606: 1.0, 2110: 1.0, "23.05": 1.5, 0: 3.0}  # median count 3


def test_joint_decoding_predicts_only_combinations_seen_in_training(fitted, uniclass):
    _, Y, X_test, _ = uniclass
    predicted = fitted.predict(X_test)
    seen = set(Y.itertuples(index=False, name=None))
    assert set(predicted[TARGETS].itertuples(index=False, name=None)) <= seen
    expected = reference_predictions(fitted, fitted.transform(X_test), Y)
    pd.testing.assert_frame_equal(predicted[TARGETS], expected[TARGETS], check_dtype=False)
    # It changes some predictions of the targets decoded on their own, not all.
    alone = pd.DataFrame({t: fitted.estimators_[t].predict(fitted.transform(X_test)) for t in TARGETS})
    differs = (alone != predicted[TARGETS]).any(axis=1).mean()
    assert 0 < differs < 0.5


def test_confidences_come_from_the_scores_that_decide_and_stay_calibrated(fitted, uniclass):
    _, Y, X_test, Y_test = uniclass
    features = fitted.transform(X_test)
    held_out = fitted.score_held_out(X_test, Y_test, features)
    pd.testing.assert_frame_equal(held_out.predictions, fitted.predict(X_test))
    for target in TARGETS:
        logits = reference_logits(fitted, features, Y, target)
        chosen = pd.Index(fitted.estimators_[target].classes_).get_indexer(held_out.predictions[target])
        # The decoded class has the largest joint logit: confidence and prediction agree.
        assert (logits[np.arange(len(logits)), chosen] == logits.max(axis=1)).all()
    calibrated = pickle.loads(pickle.dumps(fitted))
    calibrated.fit_confidence(held_out)
    assert set(calibrated.confidence_scales) == set(TARGETS) and calibrated.uncalibrated_targets() == []
    predicted, confidence, ranked = calibrated.predict_features(features, runners_up=2)
    pd.testing.assert_frame_equal(predicted, held_out.predictions)
    values = confidence.to_numpy(float)
    assert np.isfinite(values).all() and ((values > 0) & (values <= 1)).all()
    for target in TARGETS:
        others = ranked[target]
        assert (np.nan_to_num(others.confidences[:, 0]) <= confidence[target].to_numpy() + 1e-12).all()
        assert not (others.labels[:, 0] == predicted[target].to_numpy()).any()
    # The training report's figures are computed from these confidences.
    rows, text = np.arange(len(X_test)) + 2, X_test["natural_name"].to_numpy()
    _, metrics, errors = assess(calibrated, features, Y_test, predicted, confidence, rows, text, 0.95)
    assert set(metrics) == set(TARGETS) and len(errors) > 0
    for figures in metrics.values():
        assert 0.0 <= figures["accuracy"] <= 1.0


def test_predictions_are_deterministic(uniclass):
    X, Y, X_test, _ = uniclass
    first = EquipmentClassifier(text_column="natural_name").fit(X, Y).predict_with_confidence(X_test)
    second = EquipmentClassifier(text_column="natural_name").fit(X, Y).predict_with_confidence(X_test)
    for a, b in zip(first, second, strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_a_single_target_or_unrelated_targets_are_decoded_on_their_own(uniclass):
    X, Y, X_test, _ = uniclass
    single = EquipmentClassifier(text_column="natural_name").fit(X, Y[["mapping_IFC_4x3Add2_TC1"]])
    assert single.joint_ is None and single.chosen_params_["mapping_IFC_4x3Add2_TC1"]["decoding"] == "own"
    features = single.transform(X_test)
    assert (
        single.predict(X_test)["mapping_IFC_4x3Add2_TC1"].tolist()
        == single.estimators_["mapping_IFC_4x3Add2_TC1"].predict(features).tolist()
    )
    # Every combination of the two classes seen: decoding jointly would change nothing.
    rng = np.random.default_rng(0)
    unrelated = pd.DataFrame({"a": rng.choice(["p", "q"], len(X)), "b": rng.choice(["r", "s"], len(X))})
    assert EquipmentClassifier(text_column="natural_name").fit(X, unrelated).joint_ is None


def test_targets_sharing_a_classifier_follow_the_joint_decoding(uniclass):
    X, Y, X_test, _ = uniclass
    Y = Y.assign(renamed="x-" + Y["2nd_lev_superclass"], single="one")
    model = EquipmentClassifier(text_column="natural_name").fit(X, Y)
    assert model.joint_targets == tuple(TARGETS) and model.shared_with_ == {"renamed": "2nd_lev_superclass"}
    assert model.chosen_params_["renamed"]["shares_classifier_of"] == "2nd_lev_superclass"
    predicted, confidence = model.predict_with_confidence(X_test)
    assert (predicted["renamed"] == "x-" + predicted["2nd_lev_superclass"]).all()
    np.testing.assert_array_equal(confidence["renamed"], confidence["2nd_lev_superclass"])
    assert (predicted["single"] == "one").all() and (confidence["single"] == 1.0).all()


def test_reference_models_and_large_data_decode_each_target_on_their_own(uniclass, monkeypatch):
    X, Y, _, _ = uniclass
    for model_type in ("linear_svc", "logreg", "random_forest"):
        model = EquipmentClassifier(model_type=model_type, text_column="natural_name").fit(
            X.head(150), Y[TARGETS[:2]].head(150)
        )
        assert model.joint_targets == ()
    monkeypatch.setattr(model_module, "LARGE_DATA_ROWS", 100)
    monkeypatch.setattr("nexusml.model.factory.LARGE_DATA_ROWS", 100)
    large = EquipmentClassifier(text_column="natural_name").fit(X, Y)
    assert large.joint_ is None
    assert {p["classifier"] for p in large.chosen_params_.values()} == {"SGDClassifier"}


def test_large_data_drops_one_row_terms_and_regularizes_like_the_small_data_default(uniclass, monkeypatch):
    # (Its quality is judged at the sizes it is for, in benchmarks/run_benchmarks.py --scaling.)
    X, Y, _, _ = uniclass
    small = EquipmentClassifier(text_column="natural_name").fit(X, Y)
    monkeypatch.setattr(model_module, "LARGE_DATA_ROWS", 100)
    monkeypatch.setattr("nexusml.model.factory.LARGE_DATA_ROWS", 100)
    large = EquipmentClassifier(text_column="natural_name").fit(X, Y)
    from sklearn.feature_extraction.text import CountVectorizer

    counted = CountVectorizer(ngram_range=(1, 2), binary=True).fit(X["natural_name"])
    rows_with = dict(
        zip(counted.get_feature_names_out(), counted.transform(X["natural_name"]).sum(axis=0).A1, strict=True)
    )
    kept = set(large.transformer_.named_transformers_["text"].transformer_list[0][1].vocabulary_)
    assert {t for t, n in rows_with.items() if n >= 2} == kept
    assert len(kept) < len(small.transformer_.named_transformers_["text"].transformer_list[0][1].vocabulary_)
    sgd = large.estimators_[TARGETS[0]]
    assert sgd.alpha == pytest.approx(1 / len(X)) and sgd.max_iter == 2 and sgd.class_weight is None


def test_a_model_saved_before_joint_decoding_predicts_each_target_on_its_own(fitted, uniclass):
    _, _, X_test, _ = uniclass
    old = pickle.loads(pickle.dumps(fitted))
    del old.joint_, old.chosen_params_
    features = old.transform(X_test)
    predicted, confidence = old.predict_with_confidence(X_test)
    for target in TARGETS:
        assert predicted[target].tolist() == old.estimators_[target].predict(features).tolist()
    assert ((confidence.to_numpy(float) > 0) & (confidence.to_numpy(float) <= 1)).all()


def test_the_refit_takes_a_scale_only_where_it_is_decoded_alike(fitted, uniclass):
    X, Y, X_test, Y_test = uniclass
    calibrated = pickle.loads(pickle.dumps(fitted))
    calibrated.fit_confidence(calibrated.score_held_out(X_test, Y_test))
    refit = EquipmentClassifier(text_column="natural_name").fit(X, Y)
    assert refit.adopt_confidence_scales(calibrated).confidence_scales == calibrated.confidence_scales
    alone = EquipmentClassifier(text_column="natural_name").fit(X, Y)
    alone.joint_ = None  # as when the refit's rows hold every combination, or too many
    assert alone.adopt_confidence_scales(calibrated).confidence_scales == {}
    assert alone.uncalibrated_targets() == TARGETS


def test_an_id_like_target_raises_no_raw_scikit_learn_warning(uniclass):
    # Validation names the target in its own warning; scikit-learn's, about `y` looking like a regression
    # problem, would reach stderr as a raw UserWarning with a source path.
    X, Y, _, _ = uniclass
    Y = Y.assign(serial=[f"SN{i:05d}" for i in range(len(Y))])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = EquipmentClassifier(text_column="natural_name").fit(X, Y)
    assert not [w for w in caught if "unique classes" in str(w.message)]
    assert set(model.predict(X.head(3))["serial"]) <= set(Y["serial"])


def test_scikit_learns_false_alarm_about_emptied_warning_filters_is_quiet():
    # While one thread's transformer step runs, scikit-learn's Parallel has the process-wide filters emptied; a
    # second thread's Parallel that reads them then has none, and its step warns that `delayed` was used without
    # `Parallel`. This is that step, as the second thread runs it.
    from sklearn.utils.parallel import delayed

    from nexusml.model.factory import quiet_expected_fit_warnings

    step = delayed(len)([1, 2])[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert step([1, 2]) == 2
        assert ["should be used with `sklearn.utils.parallel.Parallel`" in str(w.message) for w in caught] == [True]
        caught.clear()
        quiet_expected_fit_warnings()
        assert step([1, 2]) == 2
    assert not caught


def test_a_searched_class_weight_of_rare_means_the_defaults_weights_from_the_rows_fitted(uniclass):
    from nexusml.model.factory import RARE_CLASS_WEIGHTS, SEARCH_GRIDS, rare_class_weights

    assert RARE_CLASS_WEIGHTS in SEARCH_GRIDS["linear"]["class_weight"]  # --optimize can keep the default's weights
    X, Y, _, _ = uniclass
    params = {"2nd_lev_superclass": {"C": 3.0, "class_weight": RARE_CLASS_WEIGHTS}}
    model = EquipmentClassifier(text_column="natural_name", target_params=params).fit(X, Y)
    estimator = model.estimators_["2nd_lev_superclass"]
    assert estimator.C == 3.0
    assert estimator.class_weight == rare_class_weights(Y["2nd_lev_superclass"].to_numpy())
