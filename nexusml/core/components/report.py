"""What a model gets wrong, per class: the figures behind a per-class table, top confusions and auto-coding.

Every function takes the held-out truth and predictions of one target (and,
for auto-coding, the confidence of each prediction) and returns plain data
for the metadata, the headless summary and the wizard.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

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


def coverage_curve(thresholds: np.ndarray, coverage: np.ndarray, precision: np.ndarray, points: int = 50) -> dict:
    """At most ``points`` points of the precision-coverage curve, evenly spaced in coverage, for a chart."""
    if not len(thresholds):
        return {"curve": {"threshold": [], "coverage": [], "precision": []}}
    wanted = np.linspace(coverage[0], coverage[-1], points)
    picks = np.unique(np.minimum(np.searchsorted(coverage, wanted), len(coverage) - 1))
    return {
        "curve": {
            "threshold": [round(float(x), 4) for x in thresholds[picks]],
            "coverage": [round(float(x), 4) for x in coverage[picks]],
            "precision": [round(float(x), 4) for x in precision[picks]],
        }
    }


def auto_coding(confidence: Any, correct: Any, precision_target: float) -> dict[str, Any]:
    """The lowest confidence threshold whose rows (at or above it) reach ``precision_target``.

    Returns ``{"precision_target", "threshold", "coverage", "precision"}``:
    ``coverage`` is the share of rows at or above the threshold and ``precision``
    their precision.  When no threshold reaches the target, ``threshold`` is
    ``None`` and coverage 0: every row needs a person.
    """
    thresholds, coverage, precision = precision_coverage(confidence, correct)
    curve = coverage_curve(thresholds, coverage, precision)
    reached = np.flatnonzero(precision >= precision_target - 1e-12)
    if not len(reached):
        return {"precision_target": precision_target, "threshold": None, "coverage": 0.0, "precision": None, **curve}
    best = reached[-1]  # the lowest threshold (they are in descending order) that still reaches the target
    return {
        **curve,
        "precision_target": precision_target,
        "threshold": float(thresholds[best]),  # not rounded: a rounded threshold could admit other rows
        "coverage": round(float(coverage[best]), 6),
        "precision": round(float(precision[best]), 6),
    }


def diagnose(truth: Any, predicted: Any, confidence: Any, precision_target: float) -> dict[str, Any]:
    """A target's per-class figures, top confusions and auto-coding rate on held-out rows."""
    truth = np.asarray(truth, dtype=str)
    predicted = np.asarray(predicted, dtype=str)
    out: dict[str, Any] = {
        "per_class": per_class_report(truth, predicted),
        "top_confusions": top_confusions(truth, predicted),
    }
    if confidence is not None:
        out["auto_coding"] = auto_coding(confidence, truth == predicted, precision_target)
    return out


ERROR_COLUMNS = ("row", "target", "text", "true", "predicted", "confidence", "second_best")


def error_rows(
    rows: Any,
    texts: Any,
    truth: pd.DataFrame,
    predicted: pd.DataFrame,
    confidence: pd.DataFrame,
    second_best: dict[str, np.ndarray],
) -> pd.DataFrame:
    """One line per misclassified (row, target): what the model read, the truth, its guess and its runner-up.

    ``rows`` numbers each held-out row as the user finds it in the input file.
    """
    parts = []
    rows, texts = np.asarray(rows), np.asarray(texts, dtype=object)
    for target in truth.columns:
        true = truth[target].astype(str).to_numpy()
        guess = predicted[target].astype(str).to_numpy()
        wrong = np.flatnonzero(true != guess)
        part = pd.DataFrame(
            {
                "row": rows[wrong],
                "target": target,
                "text": texts[wrong],
                "true": true[wrong],
                "predicted": guess[wrong],
                "confidence": (
                    confidence[target].to_numpy()[wrong].round(4)
                    if target in confidence
                    else np.full(len(wrong), np.nan)
                ),
                "second_best": (
                    second_best[target][wrong] if target in second_best else np.full(len(wrong), "", dtype=object)
                ),
            }
        )
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=list(ERROR_COLUMNS))
    return pd.concat(parts, ignore_index=True)[list(ERROR_COLUMNS)]


def auto_coding_sentence(target: str, figures: dict[str, Any]) -> str:
    """``category_name: 78 % of rows can be coded automatically at 95 % precision, confidence >= 0.62``."""
    goal = f"{figures['precision_target']:.0%}".replace("%", " %")
    if figures.get("threshold") is None:
        return f"{target}: no confidence level reaches {goal} precision; every row needs review"
    share = f"{figures['coverage']:.0%}".replace("%", " %")
    shown = threshold_text(figures["threshold"])
    return f"{target}: {share} of rows can be coded automatically at {goal} precision, confidence >= {shown}"


def threshold_text(threshold: float) -> str:
    """A confidence threshold with three decimals, rounded down so it is never shown above its value."""
    return f"{math.floor(threshold * 1000) / 1000:.3f}"


def metrics_table(metrics: dict[str, dict[str, Any]]) -> list[str]:
    """Accuracy, macro-F1 and held-out rows per target, as aligned text lines."""
    width = max([len(t) for t in metrics] + [6])
    lines = [f"{'target':<{width}}  accuracy  macro-F1  support"]
    for target, m in metrics.items():
        lines.append(f"{target:<{width}}  {m['accuracy']:8.4f}  {m['f1_macro']:8.4f}  {m['support']:7d}")
    return lines


def report_lines(metrics: dict[str, dict[str, Any]], worst: int = 5, rows: str = "held-out rows") -> list[str]:
    """The per-target text the command line prints: the worst classes by F1 and the auto-coding rate."""
    lines: list[str] = []
    coding = [auto_coding_sentence(t, m["auto_coding"]) for t, m in metrics.items() if "auto_coding" in m]
    if coding:
        lines += ["", f"Auto-coding (on the {rows}, calibrated confidence):", *(f"  {line}" for line in coding)]
    for target, m in metrics.items():
        classes = worst_classes(m.get("per_class", {}), worst)
        if not classes or classes[0][1]["f1"] >= 1.0:
            continue
        lines += ["", f"{target}: the {len(classes)} classes with the lowest F1 (of {m.get('n_classes', '?')})"]
        width = max(len(name) for name, _ in classes)
        for name, figures in classes:
            lines.append(
                f"  {name:<{width}}  F1 {figures['f1']:.3f}  precision {figures['precision']:.3f}  "
                f"recall {figures['recall']:.3f}  support {figures['support']}"
            )
        confusions = m.get("top_confusions", [])[:3]
        if confusions:
            shown = "; ".join(f"{c['true']} -> {c['predicted']} ({c['count']})" for c in confusions)
            lines.append(f"  most frequent errors: {shown}")
    return lines


def confusion_counts(per_class: dict[str, dict[str, Any]], errors: pd.DataFrame, n: int) -> dict[str, Any]:
    """A target's confusion matrix over its ``n`` most frequent true classes, the rest folded into "other".

    Built from the per-class figures (correct rows: recall x support) and the
    target's rows of the errors file (true, predicted), so it can be drawn for
    any ``n`` from what a run saves.  Returns ``{"labels", "matrix"}``: rows are
    true classes, columns predicted, in the same label order.
    """
    present = sorted(
        (name for name, f in per_class.items() if f["support"]), key=lambda name: (-per_class[name]["support"], name)
    )
    shown = present[:n]
    other = len(present) > n or bool(set(errors.get("predicted", [])) - set(shown))
    labels = shown + (["other"] if other else [])
    where = {name: i for i, name in enumerate(shown)}
    last = len(labels) - 1
    matrix = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for name in present:
        i = where.get(name, last)
        matrix[i, i] += round(per_class[name]["recall"] * per_class[name]["support"])
    if len(errors):
        rows = [where.get(str(t), last) for t in errors["true"]]
        columns = [where.get(str(p), last) for p in errors["predicted"]]
        np.add.at(matrix, (rows, columns), 1)
    return {"labels": labels, "matrix": matrix.tolist()}
