"""Per-class figures, top confusions and the auto-coding threshold, checked against scikit-learn and brute force."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import classification_report, f1_score

from nexusml.evaluation.report import (
    auto_coding,
    auto_coding_sentence,
    per_class_report,
    precision_coverage,
    top_confusions,
    worst_classes,
)


def labelled(seed: int, n: int = 300, classes: int = 12):
    rng = np.random.default_rng(seed)
    truth = rng.choice(
        [f"c{i}" for i in range(classes)], size=n, p=np.r_[0.5, np.full(classes - 1, 0.5 / (classes - 1))]
    )
    predicted = np.where(rng.random(n) < 0.7, truth, rng.choice([f"c{i}" for i in range(classes + 2)], size=n))
    return truth, predicted


@pytest.mark.parametrize("seed", range(6))
def test_per_class_figures_are_scikit_learns(seed):
    truth, predicted = labelled(seed)
    ours = per_class_report(truth, predicted)
    theirs = classification_report(truth, predicted, output_dict=True, zero_division=0)
    for name, figures in ours.items():
        assert figures["precision"] == pytest.approx(theirs[name]["precision"], abs=1e-6)
        assert figures["recall"] == pytest.approx(theirs[name]["recall"], abs=1e-6)
        assert figures["f1"] == pytest.approx(theirs[name]["f1-score"], abs=1e-6)
        assert figures["support"] == theirs[name]["support"]
    assert sum(f["support"] for f in ours.values()) == len(truth)
    macro = f1_score(truth, predicted, average="macro", zero_division=0)
    assert np.mean([f["f1"] for f in ours.values()]) == pytest.approx(macro, abs=1e-6)
    # A class only ever predicted is listed with no support (it lowers macro-F1 as scikit-learn counts it).
    assert any(f["support"] == 0 for f in ours.values())


def test_worst_classes_skip_classes_that_are_only_predicted():
    report = {
        "a": {"precision": 1, "recall": 1, "f1": 1.0, "support": 5},
        "b": {"precision": 0, "recall": 0, "f1": 0.0, "support": 0},
        "c": {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2},
        "d": {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 9},
    }
    assert [name for name, _ in worst_classes(report, 2)] == ["d", "c"]


def test_top_confusions_count_the_errors_most_frequent_first():
    truth = ["pump", "pump", "pump", "fan", "fan", "valve", "valve"]
    predicted = ["fan", "fan", "pump", "pump", "fan", "pump", "fan"]
    assert top_confusions(truth, predicted) == [
        {"true": "pump", "predicted": "fan", "count": 2},
        {"true": "fan", "predicted": "pump", "count": 1},
        {"true": "valve", "predicted": "fan", "count": 1},
        {"true": "valve", "predicted": "pump", "count": 1},
    ]
    assert top_confusions(["a"], ["a"]) == []
    truth, predicted = labelled(1, n=2000)
    errors = sum(t != p for t, p in zip(truth, predicted, strict=True))
    listed = top_confusions(truth, predicted, n=10_000)
    assert sum(c["count"] for c in listed) == errors
    assert len(top_confusions(truth, predicted)) == 20


def score_test_lower(p_hat: float, n: int, z: float = 1.6448536269514722) -> float:
    """The smallest p0 that a two-sided 90 % score test does not reject for p_hat on n items (by bisection)."""
    low, high = 0.0, p_hat
    for _ in range(200):
        mid = (low + high) / 2
        if (p_hat - mid) ** 2 <= z * z * mid * (1 - mid) / n:
            high = mid
        else:
            low = mid
    return high


@pytest.mark.parametrize(("p_hat", "n"), [(1.0, 56), (1.0, 30), (0.97, 1271), (0.5, 10), (0.0, 5), (0.9, 3)])
def test_wilson_lower_bound_is_where_the_score_test_stops_rejecting(p_hat, n):
    from nexusml.evaluation.report import wilson_lower

    assert float(wilson_lower(p_hat, n)) == pytest.approx(score_test_lower(p_hat, n), abs=1e-9)


@pytest.mark.parametrize("seed", range(20))
def test_auto_coding_threshold_is_the_lowest_whose_precision_holds_with_90_percent_confidence(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 2000))
    confidence = np.round(rng.random(n), int(rng.integers(1, 4)))  # ties on purpose
    correct = rng.random(n) < np.minimum(1.0, confidence * 1.3)
    target = float(rng.choice([0.8, 0.9, 0.95]))
    found = auto_coding(confidence, correct, target)
    feasible = [
        t
        for t in np.unique(confidence)
        if score_test_lower(correct[confidence >= t].mean(), int((confidence >= t).sum())) >= target - 1e-9
    ]
    if not feasible:
        assert found["threshold"] is None and found["coverage"] == 0.0
        reached = any(correct[confidence >= t].mean() >= target for t in np.unique(confidence))
        assert found["reason"] == ("too_few" if reached else "unreached")
        return
    assert found["threshold"] == min(feasible)
    chosen = confidence >= found["threshold"]
    assert correct[chosen].mean() >= target
    assert found["coverage"] == pytest.approx(chosen.mean(), abs=1e-6)
    assert found["precision"] == pytest.approx(correct[chosen].mean(), abs=1e-6)
    assert found["items"] == chosen.sum() and found["held_out_items"] == n


def test_a_threshold_read_off_few_items_is_no_promise():
    # 40 held-out rows, all right: the point estimate is 100 %, but 40 items cannot show 95 % with confidence.
    found = auto_coding(np.linspace(0.5, 1.0, 40), np.ones(40, dtype=bool), 0.95)
    assert found["threshold"] is None and found["reason"] == "too_few"
    assert "too few to promise 95 % precision" in auto_coding_sentence("System", found)
    # The same precision on 400 items is a promise.
    found = auto_coding(np.linspace(0.5, 1.0, 400), np.ones(400, dtype=bool), 0.95)
    assert found["threshold"] == 0.5 and found["coverage"] == 1.0


def test_copies_of_one_item_count_once_in_a_promise():
    # 400 rows but only 20 items (20 copies each): no promise; as 400 distinct items: a promise.
    confidence = np.linspace(0.5, 1.0, 400)
    items = np.repeat(np.arange(20), 20)
    assert auto_coding(confidence, np.ones(400, dtype=bool), 0.95, items)["threshold"] is None
    found = auto_coding(confidence, np.ones(400, dtype=bool), 0.95, np.arange(400))
    assert found["threshold"] == 0.5 and found["items"] == 400


def test_precision_coverage_runs_from_the_surest_rows_down():
    thresholds, coverage, precision, items = precision_coverage(
        [0.9, 0.5, 0.9, 0.2], [True, False, True, True], [7, 7, 3, 7]
    )
    assert thresholds.tolist() == [0.9, 0.5, 0.2]
    assert coverage.tolist() == [0.5, 0.75, 1.0]
    assert precision.tolist() == [1.0, pytest.approx(2 / 3), 0.75]
    assert items.tolist() == [2, 2, 2]


@pytest.mark.parametrize("n", [3, 5, 40])
def test_confusion_from_the_saved_figures_is_scikit_learns_matrix_with_the_rest_folded(n):
    import pandas as pd
    from sklearn.metrics import confusion_matrix

    from nexusml.evaluation.report import confusion_counts

    truth, predicted = labelled(4, n=500)
    wrong = truth != predicted
    errors = pd.DataFrame({"true": truth[wrong], "predicted": predicted[wrong]})
    table = confusion_counts(per_class_report(truth, predicted), errors, n)
    shown = [label for label in table["labels"] if label != "other"]
    fold = np.vectorize(lambda c: c if c in shown else "other")
    expected = confusion_matrix(fold(truth), fold(predicted), labels=table["labels"])
    assert table["matrix"] == expected.tolist()
    assert sum(map(sum, table["matrix"])) == len(truth)
    by_support = sorted(set(truth), key=lambda c: (-(truth == c).sum(), c))
    assert shown == by_support[:n]


def test_auto_coding_keeps_a_short_curve_for_the_chart():
    rng = np.random.default_rng(0)
    confidence = rng.random(5000)
    found = auto_coding(confidence, rng.random(5000) < confidence, 0.9)
    curve = found["curve"]
    assert 2 <= len(curve["coverage"]) <= 50 and curve["coverage"] == sorted(curve["coverage"])
    assert curve["threshold"] == sorted(curve["threshold"], reverse=True) and curve["coverage"][-1] == 1.0
