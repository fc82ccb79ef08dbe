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


def precision_coverage(
    confidence: Any, correct: Any, items: Any = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per distinct confidence, highest first: (threshold, coverage, precision, items) of the rows at or above it.

    ``items`` numbers each row's item (None: every row is its own); the last
    array counts the distinct items among the rows at or above each threshold,
    which is what a precision there rests on.
    """
    confidence = np.asarray(confidence, dtype=np.float64)
    correct = np.asarray(correct, dtype=bool)
    if not len(confidence):
        return np.array([]), np.array([]), np.array([]), np.array([], dtype=np.int64)
    order = np.argsort(-confidence, kind="stable")
    ranked, hits = confidence[order], correct[order].astype(np.int64)
    cumulative = np.cumsum(hits)
    # The last row of each run of equal confidences closes that threshold's set.
    last = np.flatnonzero(np.r_[ranked[1:] != ranked[:-1], True])
    rows = last + 1
    if items is None:
        distinct = rows
    else:
        ranked_items = np.asarray(items)[order]
        _, first = np.unique(ranked_items, return_index=True)
        new_item = np.zeros(len(ranked_items), dtype=np.int64)
        new_item[first] = 1  # a row is counted when its item first appears, going down the ranking
        distinct = np.cumsum(new_item)[last]
    return ranked[last], rows / len(ranked), cumulative[last] / rows, distinct


# The promise is made at the lower end of a two-sided 90 % Wilson interval of the precision.
PROMISE_Z = 1.6448536269514722


def wilson_lower(precision: Any, n: Any, z: float = PROMISE_Z) -> np.ndarray:
    """The lower end of the Wilson score interval of a share ``precision`` observed on ``n`` items."""
    p = np.asarray(precision, dtype=np.float64)
    n = np.maximum(np.asarray(n, dtype=np.float64), 1e-12)
    z2 = z * z
    centre = p + z2 / (2 * n)
    margin = z * np.sqrt(np.maximum(p * (1 - p), 0.0) / n + z2 / (4 * n * n))
    return (centre - margin) / (1 + z2 / n)


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


def auto_coding(confidence: Any, correct: Any, precision_target: float, items: Any = None) -> dict[str, Any]:
    """The lowest confidence threshold at which the held-out precision is, with stated confidence, the target.

    A threshold read off a few dozen held-out rows is a guess: it is chosen where
    the lower end of a 90 % Wilson interval of the precision of the rows at or
    above it reaches ``precision_target``, counting the distinct ``items`` among
    them (copies of one item are one observation).  Returns
    ``{"precision_target", "threshold", "coverage", "precision", "precision_lower",
    "items", "held_out_items", "reason", "curve"}``: ``coverage`` is the share of
    rows at or above the threshold, ``precision`` their precision and
    ``precision_lower`` its lower bound, ``items`` how many items it rests on.
    When no threshold qualifies, ``threshold`` is ``None`` and coverage 0 (every
    row needs a person), and ``reason`` says why: ``too_few`` when some
    threshold's precision reaches the target but too few items support it,
    ``unreached`` when none does.
    """
    thresholds, coverage, precision, distinct = precision_coverage(confidence, correct, items)
    curve = coverage_curve(thresholds, coverage, precision)
    held_out_items = int(distinct[-1]) if len(distinct) else 0
    lower = wilson_lower(precision, distinct)
    promised = np.flatnonzero(lower >= precision_target - 1e-12)
    base = {"precision_target": precision_target, "held_out_items": held_out_items, **curve}
    if not len(promised):
        reached = bool(np.any(precision >= precision_target - 1e-12))
        return {
            **base,
            "threshold": None,
            "coverage": 0.0,
            "precision": None,
            "precision_lower": None,
            "items": 0,
            "reason": "too_few" if reached else "unreached",
        }
    best = promised[-1]  # the lowest threshold (they are in descending order) whose promise holds
    return {
        **base,
        "threshold": float(thresholds[best]),  # not rounded: a rounded threshold could admit other rows
        "coverage": round(float(coverage[best]), 6),
        "precision": round(float(precision[best]), 6),
        "precision_lower": round(float(lower[best]), 6),
        "items": int(distinct[best]),
        "reason": "",
    }


def diagnose(truth: Any, predicted: Any, confidence: Any, precision_target: float, items: Any = None) -> dict[str, Any]:
    """A target's per-class figures, top confusions and auto-coding rate on held-out rows (``items``: each row's)."""
    truth = np.asarray(truth, dtype=str)
    predicted = np.asarray(predicted, dtype=str)
    out: dict[str, Any] = {
        "per_class": per_class_report(truth, predicted),
        "top_confusions": top_confusions(truth, predicted),
    }
    if confidence is not None:
        out["auto_coding"] = auto_coding(confidence, truth == predicted, precision_target, items)
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
    """``category_name: 78 % of rows can be coded automatically at 95 % precision, confidence >= 0.62 (...)``."""
    goal = f"{figures['precision_target']:.0%}".replace("%", " %")
    held_out = figures.get("held_out_items")
    if figures.get("threshold") is None:
        if figures.get("reason") == "too_few":
            what = f"{held_out:,} held-out items" if held_out is not None else "the held-out items"
            return (
                f"{target}: {what} are too few to promise {goal} precision; every row needs review "
                "(label more rows, or lower --auto-precision)"
            )
        return f"{target}: no confidence level reaches {goal} precision; every row needs review"
    share = f"{figures['coverage']:.0%}".replace("%", " %")
    shown = threshold_text(figures["threshold"])
    sentence = f"{target}: {share} of rows can be coded automatically at {goal} precision, confidence >= {shown}"
    if figures.get("items") is not None and held_out is not None:
        sentence += f" (from {held_out:,} held-out items, {figures['items']:,} above the threshold)"
    return sentence


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
