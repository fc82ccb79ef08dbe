"""Per-target evaluation: accuracy, macro-F1, support, class counts and a confusion matrix."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

CONFUSION_TOP = 10


def evaluate_predictions(Y_true: pd.DataFrame, Y_pred: pd.DataFrame, top: int = CONFUSION_TOP) -> dict[str, Any]:
    """Metrics per target.  The confusion matrix covers the ``top`` most frequent test classes."""
    return {target: _evaluate_target(Y_true[target], Y_pred[target], top) for target in Y_true.columns}


def _evaluate_target(truth_column: pd.Series, predicted_column: pd.Series, top: int) -> dict[str, Any]:
    truth = truth_column.astype(str).to_numpy()
    predicted = predicted_column.astype(str).to_numpy()
    if not len(truth):
        return {
            "accuracy": 0.0,
            "f1_macro": 0.0,
            "support": 0,
            "n_classes": 0,
            "confusion": {"labels": [], "matrix": []},
        }
    # Everything comes from one confusion matrix over the integer codes of the
    # sorted labels: the figures scikit-learn's accuracy_score and f1_score
    # (macro, zero_division=0) give for the strings, without their slow checks.
    codes, names = pd.factorize(np.concatenate([truth, predicted]), sort=True)
    truth_codes, predicted_codes = codes[: len(truth)], codes[len(truth) :]
    n_labels = len(names)
    matrix = np.bincount(truth_codes * n_labels + predicted_codes, minlength=n_labels * n_labels).reshape(
        n_labels, n_labels
    )
    true_positives = np.diag(matrix).astype(np.float64)
    true_sums = matrix.sum(axis=1)
    predicted_sums = matrix.sum(axis=0)
    f1 = 2 * true_positives / (true_sums + predicted_sums)  # every label occurs, so never 0 / 0
    present = np.flatnonzero(true_sums)
    top_codes = present[np.argsort(-true_sums[present], kind="stable")][:top]
    return {
        "accuracy": float(true_positives.sum() / len(truth)),
        "f1_macro": float(np.average(f1)),
        "support": len(truth),
        "n_classes": len(present),
        "confusion": {
            "labels": [str(names[c]) for c in top_codes],
            "matrix": matrix[np.ix_(top_codes, top_codes)].astype(int).tolist(),
        },
    }


def class_counts(Y: pd.DataFrame) -> dict[str, dict[str, int]]:
    return {t: {str(k): int(v) for k, v in Y[t].value_counts().items()} for t in Y.columns}


def summary_metrics(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The ``metrics`` block of the metadata: accuracy, macro-F1, held-out rows and classes in them, per target."""
    return {
        t: {
            "accuracy": round(m["accuracy"], 6),
            "f1_macro": round(m["f1_macro"], 6),
            "support": m["support"],
            "n_classes": m["n_classes"],
        }
        for t, m in report.items()
    }


def expected_calibration_error(confidence, correct, bins: int = 15) -> float:
    """How far confidence is from accuracy: mean |accuracy - confidence| over equal-width
    confidence bins, weighted by the rows in each (0 is perfectly calibrated)."""
    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=float)
    which = np.minimum((confidence * bins).astype(int), bins - 1)
    error = 0.0
    for b in np.unique(which):
        in_bin = which == b
        error += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return float(error)
