"""A slow, plain reference for the scores a fitted model decides on (joint decoding written out by loops)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nexusml.model.scoring import as_logits


def reference_logits(model, features, Y_train: pd.DataFrame, target: str) -> np.ndarray:
    """The logits behind ``target``'s predictions: its classifier's own scores, or its joint logits.

    A joint logit of a class is the best sum of the jointly decoded targets' scores over the
    combinations of classes seen in ``Y_train`` that hold the class.
    """
    estimator = model.estimators_[target]
    if target not in model.joint_targets:
        return as_logits(estimator.decision_function(features))
    joint = list(model.joint_targets)
    own = {t: as_logits(model.estimators_[t].decision_function(features)) for t in joint}
    column = {t: {c: i for i, c in enumerate(model.estimators_[t].classes_)} for t in joint}
    out = np.full((features.shape[0], len(estimator.classes_)), -np.inf)
    for combo in Y_train[joint].drop_duplicates().itertuples(index=False):
        total = sum(own[t][:, column[t][c]] for t, c in zip(joint, combo, strict=True))
        j = column[target][combo[joint.index(target)]]
        out[:, j] = np.maximum(out[:, j], total)
    return out


def reference_predictions(model, features, Y_train: pd.DataFrame) -> pd.DataFrame:
    """The combination of classes seen in ``Y_train`` with the best sum of scores, per row."""
    joint = list(model.joint_targets)
    own = {t: as_logits(model.estimators_[t].decision_function(features)) for t in joint}
    column = {t: {c: i for i, c in enumerate(model.estimators_[t].classes_)} for t in joint}
    combos = Y_train[joint].drop_duplicates().to_numpy()
    totals = np.column_stack(
        [sum(own[t][:, column[t][c]] for t, c in zip(joint, combo, strict=True)) for combo in combos]
    )
    return pd.DataFrame(combos[totals.argmax(axis=1)], columns=joint)
