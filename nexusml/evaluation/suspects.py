"""Training rows whose label looks wrong: out-of-fold confidences, ranked by how little they believe the label.

Every real export holds mislabelled rows (a neighbouring code, a copy-paste
that kept the previous row's code).  The held-out error rows mix them with the
model's own mistakes; this looks at the training file itself.  Each usable row
is predicted by classifiers fitted without it: the rows are cut into
:data:`SUSPECT_FOLDS` folds of whole items (an item's copies never vouch for
each other, as in the held-out split), the run's fitted vectorizers turn every
row into features once (their vocabulary is the training file's, which these
rows belong to), and each target's classifier is fitted on the other folds,
as the run fits it (same type, same class weights).  Its confidences are those
the model reports (the softmax of the decision scores times the target's
fitted scale, or the probabilities).

A row is listed when the out-of-fold best class is another than its label;
``score`` is 1 minus the out-of-fold confidence of its label (higher is more
suspect), the "self-confidence" ranking of confident learning (Northcutt et
al.).  Measured on real tables with 5 % of labels flipped
(``benchmarks/suspects.py``), this plain rule ranks as many flipped rows first
as cleanlab's ``find_label_issues`` over the same confidences, or more (its
noise-rate pruning left some flipped rows out), so cleanlab is not needed.
Rows whose label has no item in the other folds cannot be judged (nothing
there knows the class) and are left out.

The file lists those rows, most suspect first: ``row`` (the spreadsheet
row number, as in the errors file), ``target``, ``label``, ``suggested`` (the
most confident class), ``score`` and ``text``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from nexusml.errors import Cancelled

log = logging.getLogger(__name__)

SUSPECT_FOLDS = 3  # up to THREE_FOLD_MAX_ROWS usable rows; two above (each fold then holds plenty of rows)
THREE_FOLD_MAX_ROWS = 20_000
# The folds' classifiers stop earlier than the model's (liblinear's tolerance 0.1 instead of 1e-4) and a forest
# grows a third of its trees: measured on Uniclass, the same flipped rows ranked first for 0.35x the fit time, so
# three folds cost about one fit of the model (benchmarks/suspects.py; two full folds found fewer).
FOLD_TOL = 0.1
# Above this many usable rows the stage is off unless --suspects asks for it (README: "Suspect labels").
AUTO_MAX_ROWS = 100_000
SUSPECT_COLUMNS = ("row", "target", "label", "suggested", "score", "text")


@dataclass(frozen=True)
class OutOfFold:
    """One target's out-of-fold confidences: ``confidence[i, j]`` for row ``i`` and ``classes[j]``."""

    classes: np.ndarray
    confidence: np.ndarray
    judged: np.ndarray  # rows whose label some other fold holds (the others cannot be judged)


def suspect_folds(rows: int) -> int:
    """How many folds judge a file of ``rows`` usable rows."""
    return SUSPECT_FOLDS if rows <= THREE_FOLD_MAX_ROWS else 2


def item_folds(groups: np.ndarray, folds: int, random_state: int) -> np.ndarray:
    """Each row's fold (0..folds-1): whole items, shuffled, the folds as even in rows as the items allow."""
    from sklearn.model_selection import GroupKFold

    fold = np.zeros(len(groups), dtype=np.int64)
    splitter = GroupKFold(n_splits=min(folds, len(np.unique(groups))), shuffle=True, random_state=random_state)
    for k, (_, test) in enumerate(splitter.split(np.zeros(len(groups)), groups=groups)):
        fold[test] = k
    return fold


def out_of_fold(
    make_classifier: Callable[[int, np.ndarray], Any],
    features: Any,
    y: np.ndarray,
    fold: np.ndarray,
    scale: float,
    should_stop: Callable[[], bool] | None = None,
) -> OutOfFold:
    """Fit ``make_classifier(n_rows, y)`` on all folds but one and score that one, for every fold."""
    from nexusml.model.scoring import class_confidences

    classes, codes = np.unique(y, return_inverse=True)
    confidence = np.zeros((len(y), len(classes)))
    judged = np.zeros(len(y), dtype=bool)
    for k in np.unique(fold):
        if should_stop is not None and should_stop():
            raise Cancelled("suspects")
        train, test = np.flatnonzero(fold != k), np.flatnonzero(fold == k)
        seen = np.unique(codes[train])
        if len(seen) < 2:
            continue
        classifier = _quicker(make_classifier(len(train), y[train]), len(np.unique(fold)))
        classifier.fit(features[train], y[train])
        columns = np.searchsorted(classes, classifier.classes_)
        confidence[np.ix_(test, columns)] = class_confidences(classifier, features[test], scale)
        judged[test] = np.isin(codes[test], seen)
    return OutOfFold(classes, confidence, judged)


def _quicker(classifier: Any, folds: int) -> Any:
    """``classifier`` set to stop earlier (see :data:`FOLD_TOL`), or with fewer trees."""
    params = classifier.get_params()
    if "tol" in params:
        classifier.set_params(tol=max(params["tol"] or 0.0, FOLD_TOL))
    if "n_estimators" in params:
        classifier.set_params(n_estimators=max(10, params["n_estimators"] // folds))
    return classifier


def rank_suspects(labels: np.ndarray, oof: OutOfFold) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(rows, scores, suggested classes)`` of the judged rows whose out-of-fold best class is not their label,
    most suspect first (``score``: 1 minus the out-of-fold confidence of the label)."""
    rows = np.flatnonzero(oof.judged)
    codes = np.searchsorted(oof.classes, labels[rows])
    confidence = oof.confidence[rows]
    best = np.argmax(confidence, axis=1)
    scores = 1.0 - confidence[np.arange(len(rows)), codes]
    listed = np.flatnonzero(best != codes)
    listed = listed[np.argsort(-scores[listed], kind="stable")]
    return rows[listed], scores[listed], np.asarray(oof.classes[best[listed]], dtype=object)


def find_suspects(
    model: Any,
    X: Any,
    Y: pd.DataFrame,
    groups: np.ndarray,
    row_numbers: np.ndarray,
    text: np.ndarray,
    random_state: int,
    folds: int | None = None,
    transformed: bool = False,
    on_target: Callable[[int, int, str], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[pd.DataFrame, dict[str, dict[str, int]]]:
    """The flagged rows of every target (one table) and, per target, how many rows were judged and flagged.

    ``model`` is the run's fitted :class:`~nexusml.model.classifier.EquipmentClassifier`; a target that shares
    another's classifier (it groups the rows alike) is judged with that target.  ``transformed``: ``X`` is
    already the model's features of the rows (the refit computed them).
    """
    from nexusml.model.scoring import MARGIN_SOFTMAX_SCALE

    features = X if transformed else model.transform(X)
    if hasattr(features, "tocsr"):
        features = features.tocsr()
    fold = item_folds(groups, folds or suspect_folds(len(groups)), random_state)
    tables, counts = [], {}
    owners = [t for t in model.targets_ if t not in model.shared_with_]
    for i, target in enumerate(owners):
        y = Y[target].to_numpy()
        scale = model.confidence_scales.get(target, MARGIN_SOFTMAX_SCALE)
        oof = out_of_fold(partial(model.make_classifier, target), features, y, fold, scale, should_stop)
        rows, scores, suggested = rank_suspects(y, oof)
        counts[target] = {"judged": int(oof.judged.sum()), "flagged": len(rows)}
        tables.append(
            pd.DataFrame(
                {
                    "row": np.asarray(row_numbers)[rows],
                    "target": target,
                    "label": y[rows],
                    "suggested": suggested,
                    "score": np.round(scores, 4),
                    "text": np.asarray(text, dtype=object)[rows],
                }
            )
        )
        if on_target is not None:
            on_target(i + 1, len(owners), target)
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=list(SUSPECT_COLUMNS))
    return table.sort_values("score", ascending=False, kind="stable").reset_index(drop=True), counts
