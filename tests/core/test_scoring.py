"""Scoring a linear model over the columns the rows use gives scikit-learn's numbers, to the last bit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.svm import LinearSVC

from nexusml.model.classifier import EquipmentClassifier
from nexusml.model.factory import coefficients_as_float32
from nexusml.model.scoring import MARGIN_SOFTMAX_SCALE, decision_scores, predict_from_scores
from tests.core.joint_reference import reference_logits, reference_predictions

CLASSIFIERS = [
    lambda: LinearSVC(),
    lambda: LogisticRegression(max_iter=50),
    lambda: SGDClassifier(loss="hinge", max_iter=5, tol=None, random_state=0),
]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("seed", range(36))
def test_decision_scores_equal_decision_function(seed):
    rng = np.random.default_rng(seed)
    n_rows, n_features = int(rng.integers(20, 300)), int(rng.integers(5, 400))
    n_classes = (2, 3, 7)[seed % 3]
    dtype = (np.float32, np.float64)[(seed // 3) % 2]
    X = sp.random(n_rows, n_features, density=0.05, format="csr", random_state=seed, dtype=dtype)
    y = np.array([f"class {i}" for i in rng.integers(0, n_classes, n_rows)])
    estimator = CLASSIFIERS[(seed // 6) % 3]().fit(X, y)
    if seed % 2:
        coefficients_as_float32(estimator)  # how the product stores its weights
    rows = sp.random(
        int(rng.integers(1, 60)), n_features, density=0.1, format="csr", random_state=99 + seed, dtype=dtype
    )
    rows = sp.vstack([sp.csr_matrix((1, n_features), dtype=dtype), rows], format="csr")  # a row with no feature

    expected = estimator.decision_function(rows)
    got = decision_scores(estimator, rows)

    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert np.array_equal(got, expected)
    assert np.array_equal(predict_from_scores(estimator, got), estimator.predict(rows))


def test_decision_scores_refuse_rows_of_another_width():
    X = sp.random(40, 10, density=0.3, format="csr", random_state=0)
    estimator = LinearSVC().fit(X, np.arange(40) % 3)
    with pytest.raises(ValueError, match="features"):
        decision_scores(estimator, sp.random(2, 11, density=0.5, format="csr", random_state=1))


def test_predictions_and_confidences_equal_scikit_learn(small_frames):
    X, Y = small_frames
    model = EquipmentClassifier(numeric_columns=("service_life",)).fit(X.iloc[:300], Y.iloc[:300])
    rows = X.iloc[300:]
    predicted, confidence = model.predict_with_confidence(rows)
    features = model.transform(rows)
    joint = reference_predictions(model, features, Y.iloc[:300]) if model.joint_targets else pd.DataFrame()
    for target in Y.columns:
        estimator = model.estimators_[target]
        if target in joint:
            assert predicted[target].tolist() == joint[target].tolist()
        else:
            assert predicted[target].tolist() == list(estimator.predict(features))
        # binary: one score, the margin of the second class over the first, as logits [0, score]
        scores = reference_logits(model, features, Y.iloc[:300], target)
        scores = scores * MARGIN_SOFTMAX_SCALE  # this model was not calibrated
        scores -= scores.max(axis=1, keepdims=True)
        expected = 1.0 / np.exp(scores).sum(axis=1)
        np.testing.assert_allclose(confidence[target].to_numpy(), expected, rtol=1e-12)


@pytest.fixture(scope="module")
def small_frames():
    rng = np.random.default_rng(3)
    kinds = ["chiller 500-ton water cooled", "pump inline 3 HP", "air handler 10000 CFM", "panel 480V 225A"]
    which = rng.integers(0, len(kinds), 400)
    text = [f"{kinds[k]} unit {rng.integers(1, 99)}" for k in which]
    X = pd.DataFrame({"combined_text": text, "service_life": rng.uniform(10, 30, 400)})
    Y = pd.DataFrame({"kind": [kinds[k].split()[0] for k in which], "size": [f"s{k % 2}" for k in which]})
    return X, Y
