"""What a model gets wrong, per class: the figures behind a per-class table, top confusions and auto-coding.

Every function takes the held-out truth and predictions of one target (and,
for auto-coding, the confidence of each prediction) and returns plain data
for the metadata, the headless summary and the wizard.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

DEFAULT_AUTO_PRECISION = 0.95
TOP_CONFUSIONS = 20


def per_class_report(truth: Any, predicted: Any) -> dict[str, dict[str, float | int]]:
    """Precision, recall, F1 and support of every class in the truth or the predictions.

    The figures of scikit-learn's ``classification_report`` (``zero_division=0``):
    their mean F1 is the target's macro-F1 and their supports add up to its rows.
    """
    from sklearn.metrics import precision_recall_fscore_support

    truth = np.asarray(truth, dtype=str)
    predicted = np.asarray(predicted, dtype=str)
    labels = np.unique(np.concatenate([truth, predicted]))
    if not len(labels):
        return {}
    precision, recall, f1, support = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0)
    return {
        str(label): {
            "precision": round(float(p), 6),
            "recall": round(float(r), 6),
            "f1": round(float(f), 6),
            "support": int(s),
        }
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }


def worst_classes(per_class: dict[str, dict[str, float | int]], n: int = 5) -> list[tuple[str, dict]]:
    """The ``n`` classes with the lowest F1 among those in the truth (ties: the most frequent first)."""
    present = [(name, figures) for name, figures in per_class.items() if figures["support"]]
    present.sort(key=lambda item: (item[1]["f1"], -item[1]["support"], item[0]))
    return present[:n]


def top_confusions(truth: Any, predicted: Any, n: int = TOP_CONFUSIONS) -> list[dict[str, Any]]:
    """The most frequent (true, predicted) pairs among the errors, with their counts."""
    pairs = pd.DataFrame({"true": np.asarray(truth, dtype=str), "predicted": np.asarray(predicted, dtype=str)})
    wrong = pairs[pairs["true"] != pairs["predicted"]]
    if wrong.empty:
        return []
    counts = wrong.value_counts(sort=False).rename("count").reset_index()
    counts = counts.sort_values(["count", "true", "predicted"], ascending=[False, True, True], kind="stable")
    return [
        {"true": str(t), "predicted": str(p), "count": int(c)}
        for t, p, c in counts.head(n).itertuples(index=False, name=None)
    ]


def precision_coverage(confidence: Any, correct: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per distinct confidence, highest first: (threshold, coverage, precision) of the rows at or above it."""
    confidence = np.asarray(confidence, dtype=np.float64)
    correct = np.asarray(correct, dtype=bool)
    if not len(confidence):
        return np.array([]), np.array([]), np.array([])
    order = np.argsort(-confidence, kind="stable")
    ranked, hits = confidence[order], correct[order].astype(np.int64)
    cumulative = np.cumsum(hits)
    # The last row of each run of equal confidences closes that threshold's set.
    last = np.flatnonzero(np.r_[ranked[1:] != ranked[:-1], True])
    rows = last + 1
    return ranked[last], rows / len(ranked), cumulative[last] / rows


def auto_coding(confidence: Any, correct: Any, precision_target: float = DEFAULT_AUTO_PRECISION) -> dict[str, Any]:
    """The lowest confidence threshold whose rows (at or above it) reach ``precision_target``.

    Returns ``{"precision_target", "threshold", "coverage", "precision"}``:
    ``coverage`` is the share of rows at or above the threshold and ``precision``
    their precision.  When no threshold reaches the target, ``threshold`` is
    ``None`` and coverage 0: every row needs a person.
    """
    thresholds, coverage, precision = precision_coverage(confidence, correct)
    reached = np.flatnonzero(precision >= precision_target - 1e-12)
    if not len(reached):
        return {"precision_target": precision_target, "threshold": None, "coverage": 0.0, "precision": None}
    best = reached[-1]  # the lowest threshold (they are in descending order) that still reaches the target
    return {
        "precision_target": precision_target,
        "threshold": float(thresholds[best]),  # not rounded: a rounded threshold could admit other rows
        "coverage": round(float(coverage[best]), 6),
        "precision": round(float(precision[best]), 6),
    }
