"""Per-target evaluation: accuracy, macro-F1, support, class counts and a confusion matrix."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

CONFUSION_TOP = 10


def evaluate_predictions(Y_true: pd.DataFrame, Y_pred: pd.DataFrame, top: int = CONFUSION_TOP) -> dict[str, Any]:
    """Metrics per target.  The confusion matrix covers the ``top`` most frequent test classes."""
    report: dict[str, Any] = {}
    for target in Y_true.columns:
        truth = Y_true[target].astype(str).to_numpy()
        predicted = Y_pred[target].astype(str).to_numpy()
        labels, counts = np.unique(truth, return_counts=True)
        order = np.argsort(-counts, kind="stable")
        top_labels = [str(labels[i]) for i in order[:top]]
        matrix = confusion_matrix(truth, predicted, labels=top_labels) if len(truth) else np.zeros((0, 0))
        report[target] = {
            "accuracy": float(accuracy_score(truth, predicted)) if len(truth) else 0.0,
            "f1_macro": float(f1_score(truth, predicted, average="macro", zero_division=0)) if len(truth) else 0.0,
            "support": int(len(truth)),
            "n_classes": int(len(labels)),
            "confusion": {"labels": top_labels, "matrix": matrix.astype(int).tolist()},
        }
    return report


def class_counts(Y: pd.DataFrame) -> dict[str, dict[str, int]]:
    return {t: {str(k): int(v) for k, v in Y[t].value_counts().items()} for t in Y.columns}


def summary_metrics(report: dict[str, Any]) -> dict[str, dict[str, float]]:
    """The ``metrics`` block of the metadata: accuracy and macro-F1 per target."""
    return {
        t: {"accuracy": round(m["accuracy"], 6), "f1_macro": round(m["f1_macro"], 6), "support": m["support"]}
        for t, m in report.items()
    }
