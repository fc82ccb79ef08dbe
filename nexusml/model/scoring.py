"""Predictions and confidences from one fitted classifier.

A margin model (LinearSVC, hinge SGD) is scored once: its decision scores give
both the predicted class and the confidence, a softmax over the scores times a
scale (``MARGIN_SOFTMAX_SCALE`` until one is fitted on held-out rows, see
``calibration``).  A model with probabilities reports the probability of the
predicted class.

Joint decoding (:class:`JointDecoder`, the default model's related targets):
each row gets the combination of classes, among those seen together in the
training rows, with the largest sum of the targets' decision scores.  A
target's logit for one of its classes is then the best sum over the
combinations holding that class, so its largest logit is the decoded class and
its softmax is a confidence for that class, calibrated like any margin score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.svm import LinearSVC

# Scale applied to decision scores before the softmax that turns them into a confidence.
MARGIN_SOFTMAX_SCALE = 3.0
# Classifiers that predict the class with the highest decision score (scored by decision_scores).
LINEAR_CLASSIFIERS = (LinearSVC, LogisticRegression, SGDClassifier)
# Above this many combinations of classes in the training rows the targets are decoded on their own.
MAX_JOINT_COMBINATIONS = 5000
# Rows x combinations summed at once by the joint decoder: 8 bytes each, so a chunk stays in the
# processor's cache (measured: 3x faster than chunks of 2 million cells).
JOINT_CHUNK_CELLS = 100_000


def has_probabilities(estimator: Any) -> bool:
    """Whether the confidence is a probability (else it is a softmax over decision scores)."""
    if isinstance(estimator, SGDClassifier):
        return estimator.loss in ("log_loss", "modified_huber")
    return hasattr(estimator, "predict_proba")


def is_margin_classifier(estimator: Any) -> bool:
    """Scored by decision scores alone: these are the classifiers whose confidence scale is fitted."""
    return not has_probabilities(estimator) and hasattr(estimator, "decision_function")


def predict_labels(estimator: Any, features: Any) -> np.ndarray:
    """``estimator.predict(features)`` in the dtype of its classes.

    (``DummyClassifier`` returns its class in a new string array; every other
    classifier here indexes ``classes_``.)
    """
    predicted = np.asarray(estimator.predict(features))
    classes = np.asarray(estimator.classes_)
    return predicted if predicted.dtype == classes.dtype else predicted.astype(classes.dtype)


def decision_scores(estimator: Any, features: Any) -> np.ndarray:
    """``estimator.decision_function(features)``, scoring only the feature columns the rows use.

    For a linear model on sparse rows this gives the same numbers as
    scikit-learn, bit for bit (the same products summed in the same order), but
    it never converts the whole weight matrix: float32 weights scored against
    float64 rows would otherwise be copied to float64 in full (classes x
    features) on every call, which is most of the cost of predicting a few rows.
    Any other model is asked for its ``decision_function``.
    """
    coef = getattr(estimator, "coef_", None)
    intercept = getattr(estimator, "intercept_", None)
    if not (sp.issparse(features) and isinstance(coef, np.ndarray) and coef.ndim == 2 and intercept is not None):
        return estimator.decision_function(features)
    features = features.tocsr()
    if features.shape[1] != coef.shape[1]:
        raise ValueError(f"X has {features.shape[1]} features, but the model expects {coef.shape[1]}")
    used = np.zeros(features.shape[1], dtype=bool)
    used[features.indices] = True
    columns = np.flatnonzero(used)
    position = np.cumsum(used, dtype=features.indices.dtype) - 1  # old column -> column in the compact matrix
    compact = sp.csr_matrix(
        (features.data, position[features.indices], features.indptr), shape=(features.shape[0], len(columns))
    )
    weights = np.ascontiguousarray(coef[:, columns].T, dtype=np.result_type(features.dtype, coef.dtype))
    scores = compact @ weights + intercept
    return scores.ravel() if scores.shape[1] == 1 else scores


def predict_from_scores(estimator: Any, scores: np.ndarray) -> np.ndarray:
    """The class a linear model predicts from its decision scores (as its ``predict`` does)."""
    scores = np.asarray(scores)
    chosen = (scores > 0).astype(int) if scores.ndim == 1 else scores.argmax(axis=1)
    return np.asarray(estimator.classes_)[chosen]


def as_logits(scores: Any) -> np.ndarray:
    """Decision scores as one float64 column per class (a binary model's single score becomes [0, score])."""
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim == 1:
        scores = np.column_stack([np.zeros_like(scores), scores])
    return scores


def softmax_max(logits: np.ndarray) -> np.ndarray:
    """The largest softmax weight of each row."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    weights = np.exp(shifted)
    return 1.0 / weights.sum(axis=1)  # the largest weight is exp(0) = 1


def confidence_scores(estimator: Any, features: Any, scale: float = MARGIN_SOFTMAX_SCALE) -> np.ndarray:
    """Confidence of each prediction in [0, 1].

    The probability of the predicted class for models that have probabilities;
    for margin models (LinearSVC) a softmax over the decision scores times
    ``scale``, the temperature fitted on held-out rows
    (:class:`~nexusml.model.calibration.ConfidenceCalibration`), or
    ``MARGIN_SOFTMAX_SCALE`` when there were too few of them.
    """
    if has_probabilities(estimator):
        proba = estimator.predict_proba(features)
        return np.clip(np.asarray(proba, dtype=float).max(axis=1), 0.0, 1.0)
    return softmax_max(as_logits(decision_scores(estimator, features)) * scale)


def predict_one(estimator: Any, features: Any, scale: float, confidence: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """One classifier's predictions and (if asked) confidences.

    A margin model (LinearSVC, hinge SGD) is scored once for both; a model with
    probabilities gets them from its own ``predict_proba``.
    """
    if not isinstance(estimator, LINEAR_CLASSIFIERS):
        predicted = predict_labels(estimator, features)
        return predicted, confidence_scores(estimator, features, scale) if confidence else None
    scores = decision_scores(estimator, features)
    predicted = predict_from_scores(estimator, scores)
    if not confidence:
        return predicted, None
    if has_probabilities(estimator):
        return predicted, confidence_scores(estimator, features, scale)
    return predicted, softmax_max(as_logits(scores) * scale)


def class_confidences(estimator: Any, features: Any, scale: float = MARGIN_SOFTMAX_SCALE) -> np.ndarray:
    """The confidence of every class for each row (columns in ``estimator.classes_`` order).

    The same numbers :func:`confidence_scores` reports for the best class: the
    probabilities of a probability model, or the softmax of a margin model's
    decision scores times ``scale``.
    """
    if has_probabilities(estimator):
        return np.clip(np.asarray(estimator.predict_proba(features), dtype=float), 0.0, 1.0)
    return softmax_rows(as_logits(decision_scores(estimator, features)) * scale)


def softmax_rows(logits: np.ndarray) -> np.ndarray:
    """Each row's softmax weights."""
    weights = np.exp(logits - logits.max(axis=1, keepdims=True))
    return weights / weights.sum(axis=1, keepdims=True)


def predict_ranked(
    estimator: Any, features: Any, scale: float, confidence: bool
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Predictions, confidences (if asked) and every class's confidence, from one scoring of the rows.

    A margin model's decision scores give all three (as :func:`predict_one` and
    :func:`class_confidences` would, each scoring the rows again); any other model
    is asked for its predictions and probabilities.
    """
    if not isinstance(estimator, LINEAR_CLASSIFIERS) or has_probabilities(estimator):
        predicted, score = predict_one(estimator, features, scale, confidence)
        return predicted, score, class_confidences(estimator, features, scale)
    scores = decision_scores(estimator, features)
    logits = as_logits(scores) * scale
    return predict_from_scores(estimator, scores), softmax_max(logits) if confidence else None, softmax_rows(logits)


def runners_up(confidences: np.ndarray, classes: Any, predicted: Any, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` most confident classes other than the predicted one, per row: (labels, confidences).

    Rows with fewer other classes are padded with ``""`` and ``nan``.
    """
    classes = np.asarray(classes, dtype=object)
    n_rows, n_classes = confidences.shape
    labels = np.full((n_rows, k), "", dtype=object)
    values = np.full((n_rows, k), np.nan)
    if k <= 0 or n_classes < 2:
        return labels, values
    others = confidences.copy()
    chosen = pd.Index(classes).get_indexer(np.asarray(predicted, dtype=object))
    rows = np.flatnonzero(chosen >= 0)
    others[rows, chosen[rows]] = -np.inf
    take = min(k, n_classes - 1)
    order = np.argsort(-others, axis=1, kind="stable")[:, :take]
    labels[:, :take] = classes[order]
    values[:, :take] = np.take_along_axis(others, order, axis=1)
    return labels, values


@dataclass(frozen=True)
class JointDecoder:
    """The combinations of classes seen in the training rows, for decoding related targets jointly.

    ``codes[k, j]`` is the class of ``targets[j]`` in combination ``k``, as a
    column of that target's logits (its classifier's ``classes_`` order).
    """

    targets: tuple[str, ...]
    codes: np.ndarray  # combinations x targets, int

    @classmethod
    def from_training(cls, codes: dict[str, np.ndarray], n_classes: dict[str, int]) -> JointDecoder | None:
        """The decoder of the training rows' classes (``codes``: per target, each row's class column).

        None when joint decoding cannot change a prediction or would cost too
        much: fewer than two targets, every combination of classes seen (the
        targets are unrelated in the training rows), or more than
        ``MAX_JOINT_COMBINATIONS`` combinations.
        """
        targets = tuple(codes)
        if len(targets) < 2:
            return None
        combos = np.unique(np.column_stack([codes[t] for t in targets]), axis=0)
        if len(combos) > MAX_JOINT_COMBINATIONS or len(combos) >= np.prod([float(n_classes[t]) for t in targets]):
            return None
        return cls(targets, combos.astype(np.int32))

    def decode(self, logits: dict[str, np.ndarray]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The best combination of each row, and each target's joint logits (rows x its classes).

        ``logits`` are the targets' decision scores as :func:`as_logits` gives
        them.  A target's joint logit for a class is the largest combination
        score among the combinations holding it; every class of a target is in
        at least one combination (its classifier learnt the classes of the
        same training rows).
        """
        n_rows = next(iter(logits.values())).shape[0]
        n_combos = len(self.codes)
        chosen = np.empty(n_rows, dtype=np.intp)
        joint = {t: np.empty((n_rows, logits[t].shape[1])) for t in self.targets}
        groups = []
        for j in range(len(self.targets)):
            order = np.argsort(self.codes[:, j], kind="stable")
            starts = np.flatnonzero(np.r_[True, np.diff(self.codes[order, j]) != 0])
            groups.append((order, starts))
        step = max(1, JOINT_CHUNK_CELLS // n_combos)
        for start in range(0, n_rows, step):
            rows = slice(start, min(n_rows, start + step))
            total = np.zeros((rows.stop - rows.start, n_combos))
            for j, target in enumerate(self.targets):
                total += logits[target][rows][:, self.codes[:, j]]
            chosen[rows] = total.argmax(axis=1)
            for j, target in enumerate(self.targets):
                order, starts = groups[j]
                joint[target][rows] = np.maximum.reduceat(total[:, order], starts, axis=1)
        return chosen, joint

    def classes_of(self, target: str, chosen: np.ndarray) -> np.ndarray:
        """Each row's class column of ``target`` in its chosen combination."""
        return self.codes[chosen, self.targets.index(target)]
