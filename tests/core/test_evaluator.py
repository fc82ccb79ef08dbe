"""The evaluator's figures are scikit-learn's, to the last bit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

from nexusml.evaluation.metrics import evaluate_predictions


def _assert_equals_scikit_learn(truth: np.ndarray, predicted: np.ndarray, top: int = 5) -> None:
    report = evaluate_predictions(pd.DataFrame({"t": truth}), pd.DataFrame({"t": predicted}), top=top)["t"]
    assert report["accuracy"] == accuracy_score(truth, predicted)
    assert report["f1_macro"] == f1_score(truth, predicted, average="macro", zero_division=0)
    names, counts = np.unique(truth.astype(str), return_counts=True)
    most_frequent = [str(names[i]) for i in np.argsort(-counts, kind="stable")[:top]]
    assert report["confusion"]["labels"] == most_frequent
    assert report["confusion"]["matrix"] == confusion_matrix(truth, predicted, labels=most_frequent).tolist()
    assert report["n_classes"] == len(names) and report["support"] == len(truth)


# scikit-learn warns whenever its matrix is 1 x 1, even with labels= given; here that is the point.
single_label_warning = pytest.mark.filterwarnings("ignore:A single label was found:UserWarning")


@single_label_warning
@pytest.mark.parametrize("seed", range(100))
def test_metrics_equal_scikit_learn_for_strings(seed):
    rng = np.random.default_rng(seed)
    n_classes, n = int(rng.integers(1, 30)), int(rng.integers(1, 400))
    labels = np.array([f"D30{i:02d}" if i % 2 else f"Pump type {i}" for i in range(n_classes + 4)], dtype=object)
    truth = labels[rng.integers(0, n_classes, n)]
    # Some predictions name classes absent from the truth; some runs predict perfectly.
    predicted = truth.copy() if seed % 7 == 0 else labels[rng.integers(0, n_classes + 4, n)]
    _assert_equals_scikit_learn(truth, predicted)


@single_label_warning
@pytest.mark.parametrize(
    "truth, predicted",
    [
        (["A"] * 5, ["A"] * 5),  # one label, all right
        (["A"] * 5, ["B"] * 5),  # one true label, every prediction a label the truth never has
        (["A"] * 6, ["A", "B", "A", "C", "A", "A"]),  # one true label and some unseen predictions
        (["A"], ["B"]),  # one row
        (["A", "B", "C"], ["X", "Y", "Z"]),  # no prediction is a true label
        (["b", "a", "b", "a", "c"], ["a", "a", "b", "z", "c"]),  # a tie for the most frequent class
    ],
    ids=["one-label-right", "one-label-unseen", "one-label-some-unseen", "one-row", "all-unseen", "tie"],
)
def test_metrics_equal_scikit_learn_on_edge_cases(truth, predicted):
    _assert_equals_scikit_learn(np.array(truth, dtype=object), np.array(predicted, dtype=object), top=2)


def test_empty_test_set_reports_zeroes():
    report = evaluate_predictions(pd.DataFrame({"t": []}), pd.DataFrame({"t": []}))["t"]
    assert report["support"] == 0 and report["f1_macro"] == 0.0


def test_expected_calibration_error():
    from nexusml.evaluation.metrics import expected_calibration_error

    # Sure and right, or unsure and right half the time: perfectly calibrated.
    assert expected_calibration_error([1.0, 1.0, 0.5, 0.5], [1, 1, 1, 0]) == 0.0
    # Always 90 % sure, right half the time: off by 0.4.
    assert expected_calibration_error([0.9] * 4, [1, 0, 1, 0]) == pytest.approx(0.4)
