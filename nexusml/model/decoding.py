"""From a fitted classifier's transformed rows (:class:`FittedTargets`) to its predictions, confidences and
runners-up.

Confidence: models with probabilities (random forest, logistic regression,
modified-Huber SGD) report the probability of the predicted class; a target
with a single class reports 1.0.  Margin models (LinearSVC, hinge SGD) report a
softmax over their decision scores times a scale fitted per classifier on the
held-out rows of the training run (temperature scaling, see ``calibration``):
calibrated, so that a confidence of 0.8 is right about 80 % of the time.  A
margin model that was not calibrated (too few held-out rows, or a model saved
before calibration) uses ``MARGIN_SOFTMAX_SCALE``;
``EquipmentClassifier.uncalibrated_targets`` lists those targets.

Jointly decoded targets (``scoring.JointDecoder``) take their predictions,
confidences and runners-up from their joint logits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import softmax

from nexusml.model.scoring import (
    MARGIN_SOFTMAX_SCALE,
    JointDecoder,
    as_logits,
    decision_scores,
    predict_one,
    predict_ranked,
    runners_up,
    softmax_max,
)
from nexusml.model.shared_targets import RelabeledClassifier


@dataclass(frozen=True)
class FittedTargets:
    """What decoding reads of a fitted classifier: each target's classifier, which targets share one, the
    confidence scales and the joint decoder (``EquipmentClassifier.fitted_targets`` gives it)."""

    targets: Sequence[str]
    estimators: Mapping[str, Any]
    shared_with: Mapping[str, str]
    scales: Mapping[str, float]
    joint: JointDecoder | None


@dataclass(frozen=True)
class RankedClasses:
    """Per row, the next most confident classes after the predicted one (``""`` / nan where there are none)."""

    labels: np.ndarray  # rows x k, object
    confidences: np.ndarray  # rows x k, float


def joint_decode(model: FittedTargets, features: Any) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per jointly decoded target: (predicted classes, joint logits), from one scoring of each classifier."""
    decoder = model.joint
    if decoder is None:
        return {}
    logits = {t: as_logits(decision_scores(model.estimators[t], features)) for t in decoder.targets}
    chosen, joint = decoder.decode(logits)
    return {
        t: (np.asarray(model.estimators[t].classes_)[decoder.classes_of(t, chosen)], joint[t]) for t in decoder.targets
    }


def predict_features(
    model: FittedTargets, features: Any, confidence: bool = True, k: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, RankedClasses]]:
    """Predictions, confidences and the ``k`` next most confident classes per target, from transformed rows.

    Each classifier is scored once for its predictions, confidences and runners-up;
    targets sharing a classifier share its scores.
    """
    predictions, scores, ranked = {}, {}, {}
    done: dict[int, tuple[np.ndarray, np.ndarray | None, RankedClasses | None]] = {}
    joint = joint_decode(model, features)
    for target in model.targets:
        estimator = model.estimators[target]
        base = estimator.estimator if isinstance(estimator, RelabeledClassifier) else estimator
        if id(base) not in done:
            owner = model.shared_with.get(target, target)
            scale = model.scales.get(owner, MARGIN_SOFTMAX_SCALE)
            others = None
            if owner in joint:
                predicted, logits = joint[owner]
                score = softmax_max(logits * scale) if confidence else None
                if k:
                    others = RankedClasses(*runners_up(softmax(logits * scale, axis=1), base.classes_, predicted, k))
            elif k:
                predicted, score, matrix = predict_ranked(base, features, scale, confidence)
                others = RankedClasses(*runners_up(matrix, base.classes_, predicted, k))
            else:
                predicted, score = predict_one(base, features, scale, confidence)
            done[id(base)] = predicted, score, others
        predicted, score, others = done[id(base)]
        if isinstance(estimator, RelabeledClassifier):
            predicted = estimator.relabel(predicted)
            if others is not None:
                mapping = {**estimator.mapping, "": ""}
                others = RankedClasses(np.vectorize(mapping.get, otypes=[object])(others.labels), others.confidences)
        predictions[target] = predicted
        if confidence:
            scores[target] = score
        if others is not None:
            ranked[target] = others
    return pd.DataFrame(predictions), pd.DataFrame(scores), ranked
