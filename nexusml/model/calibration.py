"""How sure the confidences are: one softmax scale per margin classifier, fitted on held-out rows.

Margin classifiers (LinearSVC, hinge SGD) have no probabilities; their
confidence is a softmax over the decision scores times a scale.  The scale is
fitted (temperature scaling) on rows the classifier did not see in training, so
that on new rows a confidence of 0.8 is right about 80 % of the time.

The steps, as a training run takes them:

1. ``EquipmentClassifier.score_held_out(X, Y, features)`` scores the held-out
   rows once and returns :class:`HeldOutScores`: the predictions (for the
   evaluation) and, per margin classifier, the logits of the rows usable for
   the fit.  It changes nothing on the model.
2. ``EquipmentClassifier.fit_confidence(held_out)`` fits
   :class:`ConfidenceCalibration` on those scores and keeps its scales.
3. The model refitted on all rows takes them with
   ``EquipmentClassifier.adopt_confidence_scales(calibrated)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from nexusml.model.scoring import MARGIN_SOFTMAX_SCALE, as_logits

# Bounds of the fitted scale, and the held-out rows needed before it is fitted at all.
MIN_MARGIN_SCALE, MAX_MARGIN_SCALE = 0.1, 50.0
MIN_CALIBRATION_ROWS = 30
MAX_CALIBRATION_ROWS = 20_000


@dataclass(frozen=True)
class MarginSample:
    """Held-out rows of one margin classifier, as the scale's fit reads them."""

    logits: np.ndarray  # one float64 column per class of the classifier
    true_columns: np.ndarray  # each row's true class, as a column of ``logits``


@dataclass
class HeldOutScores:
    """What one scoring pass over held-out rows gives (``EquipmentClassifier.score_held_out``)."""

    predictions: pd.DataFrame  # one column per target: what ``predict`` gives for the rows
    samples: dict[str, MarginSample] = field(default_factory=dict)  # keyed by the target owning the classifier


def margin_sample(scores: np.ndarray, classes: Any, y: Any) -> MarginSample:
    """The rows of ``scores`` (a classifier's decision scores) that the scale's fit uses.

    Rows whose class the classifier never saw are left out; above
    ``MAX_CALIBRATION_ROWS`` a fixed random subset is kept (plenty for one
    parameter, and a bounded cost on big data).
    """
    true_columns = pd.Index(classes).get_indexer(np.asarray(y))  # -1: class never seen
    rows = np.flatnonzero(true_columns >= 0)
    if len(rows) > MAX_CALIBRATION_ROWS:
        rows = np.sort(np.random.default_rng(0).choice(rows, MAX_CALIBRATION_ROWS, replace=False))
    return MarginSample(as_logits(scores)[rows], true_columns[rows])


class ConfidenceCalibration(BaseEstimator):
    """The calibration step: fits ``scales_``, one scale per margin classifier with enough rows.

    ``fit`` takes the :class:`HeldOutScores` of the model being calibrated; a
    classifier with fewer than ``min_rows`` usable held-out rows gets no scale
    (its confidence keeps ``MARGIN_SOFTMAX_SCALE``).
    """

    def __init__(self, min_rows: int = MIN_CALIBRATION_ROWS):
        self.min_rows = min_rows

    def fit(self, held_out: HeldOutScores, y: Any = None) -> ConfidenceCalibration:
        self.scales_ = {
            target: fit_margin_scale(sample.logits, sample.true_columns)
            for target, sample in held_out.samples.items()
            if len(sample.true_columns) >= self.min_rows
        }
        return self


def fit_margin_scale(logits: np.ndarray, true_columns: np.ndarray) -> float:
    """The scale (inverse temperature) that minimises the log loss of softmax(scale * logits).

    ``true_columns`` holds each row's true class as a column index of ``logits``.
    Temperature scaling: one parameter, so it changes no prediction, only how
    sure the confidences are.  The labels are smoothed by Laplace's rule of
    succession (a share 1 / (rows + 2) of each row's weight goes to the other
    classes): held-out rows that are all predicted right would otherwise push
    the scale to its bound and every later confidence to 1.0.  The loss is
    convex in the scale, so a safeguarded Newton search (bisection whenever a
    step leaves the bracket) finds it in a handful of passes over the rows.
    """
    logits = np.asarray(logits, dtype=np.float64)
    n_rows, n_classes = logits.shape
    smoothing = 1.0 / (n_rows + 2)
    own = logits[np.arange(n_rows), true_columns]
    others = (logits.sum(axis=1) - own) / max(n_classes - 1, 1)
    true_logits = (1.0 - smoothing) * own + smoothing * others  # the smoothed labels' expected logit

    def slope_and_curvature(scale: float) -> tuple[float, float]:
        shifted = scale * logits
        shifted -= shifted.max(axis=1, keepdims=True)
        weights = np.exp(shifted)
        weights /= weights.sum(axis=1, keepdims=True)
        expected = (weights * logits).sum(axis=1)
        spread = (weights * logits * logits).sum(axis=1) - expected * expected
        return float(np.mean(expected - true_logits)), float(np.mean(spread))

    low, high = MIN_MARGIN_SCALE, MAX_MARGIN_SCALE
    if slope_and_curvature(low)[0] >= 0:
        return low
    if slope_and_curvature(high)[0] <= 0:
        return high
    scale = min(max(MARGIN_SOFTMAX_SCALE, low), high)
    for _ in range(60):
        slope, curvature = slope_and_curvature(scale)
        if slope > 0:
            high = scale
        else:
            low = scale
        step = scale - slope / curvature if curvature > 0 else np.nan
        following = step if low < step < high else float(np.sqrt(low * high))
        if abs(following - scale) <= 1e-7 * scale:
            return float(following)
        scale = following
    return float(scale)
