"""Per-target evaluation: accuracy, macro-F1, support, class counts and a confusion matrix."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

CONFUSION_TOP = 10


def evaluate_predictions(Y_true: pd.DataFrame, Y_pred: pd.DataFrame, top: int = CONFUSION_TOP) -> dict[str, Any]:
    """Metrics per target.  The confusion matrix covers the ``top`` most frequent test classes."""
    report: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # single-class targets are reported at training time
        for target in Y_true.columns:
            report[target] = _evaluate_target(Y_true[target], Y_pred[target], top)
    return report


def _evaluate_target(truth_column: pd.Series, predicted_column: pd.Series, top: int) -> dict[str, Any]:
    truth = truth_column.astype(str).to_numpy()
    predicted = predicted_column.astype(str).to_numpy()
    if not len(truth):
        return {"accuracy": 0.0, "f1_macro": 0.0, "support": 0, "n_classes": 0,
                "confusion": {"labels": [], "matrix": []}}
    # The metrics are computed on integer codes of the sorted labels: the same
    # figures scikit-learn gives for the strings, without its slow checks on text.
    codes, names = pd.factorize(np.concatenate([truth, predicted]), sort=True)
    truth_codes, predicted_codes = codes[: len(truth)], codes[len(truth):]
    counts = np.bincount(truth_codes, minlength=len(names))
    present = np.flatnonzero(counts)
    top_codes = present[np.argsort(-counts[present], kind="stable")][:top]
    return {
        "accuracy": float(accuracy_score(truth_codes, predicted_codes)),
        "f1_macro": float(f1_score(truth_codes, predicted_codes, average="macro", zero_division=0)),
        "support": int(len(truth)),
        "n_classes": int(len(present)),
        "confusion": {
            "labels": [str(names[c]) for c in top_codes],
            "matrix": confusion_matrix(truth_codes, predicted_codes, labels=top_codes).astype(int).tolist(),
        },
    }


def class_counts(Y: pd.DataFrame) -> dict[str, dict[str, int]]:
    return {t: {str(k): int(v) for k, v in Y[t].value_counts().items()} for t in Y.columns}


def summary_metrics(report: dict[str, Any]) -> dict[str, dict[str, float]]:
    """The ``metrics`` block of the metadata: accuracy and macro-F1 per target."""
    return {
        t: {"accuracy": round(m["accuracy"], 6), "f1_macro": round(m["f1_macro"], 6), "support": m["support"]}
        for t, m in report.items()
    }
