"""Cross-validated hyperparameter search, one small grid per target.

The feature transformer is fitted once on the training split and the search
runs over the classifier's parameters on those features, so each candidate
costs one classifier fit per fold.  Work is spread with joblib, which also
runs it on a Dask cluster when a Dask backend is active.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any, Callable, ContextManager

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.metrics import f1_score
from sklearn.model_selection import ParameterGrid, StratifiedKFold

from nexusml.core.components.model import SEARCH_GRIDS, Cancelled, EquipmentClassifier, build_classifier

log = logging.getLogger(__name__)


@dataclass
class SearchResult:
    best_params: dict[str, dict[str, Any]] = field(default_factory=dict)
    best_scores: dict[str, float] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    candidates: int = 0
    fits: int = 0
    where: str = "local joblib"
    workers: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "best_params": self.best_params,
            "cv_f1_macro": {k: round(v, 6) for k, v in self.best_scores.items()},
            "skipped": self.skipped,
            "candidates": self.candidates,
            "fits": self.fits,
            "where": self.where,
            "workers": self.workers,
        }


def _fit_and_score(model_type, random_state, params, features, y, train_idx, test_idx):
    estimator = build_classifier(model_type, random_state, 1, params)
    estimator.fit(features[train_idx], y[train_idx])
    predicted = estimator.predict(features[test_idx])
    return float(f1_score(y[test_idx], predicted, average="macro", zero_division=0))


def folds_for(y: np.ndarray, requested: int) -> int:
    """How many stratified folds ``y`` allows (at most ``requested``)."""
    _, counts = np.unique(y, return_counts=True)
    return int(min(requested, counts.min())) if len(counts) > 1 else 0


def search_hyperparameters(
    model: EquipmentClassifier,
    X: pd.DataFrame,
    Y: pd.DataFrame,
    *,
    cv_folds: int = 3,
    n_jobs: int = 1,
    grid: dict[str, list[Any]] | None = None,
    on_candidate: Callable[[int, int, str], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    backend: Callable[[], ContextManager] | None = None,
) -> SearchResult:
    """Search a grid per target; returns the best parameters and CV macro-F1 of each."""
    grid = grid if grid is not None else SEARCH_GRIDS[model.model_type]
    candidates = list(ParameterGrid(grid))
    transformer = model.make_transformer(len(X))
    features = transformer.fit_transform(X)
    if hasattr(features, "tocsr"):
        features = features.tocsr()
    result = SearchResult()

    tasks = []
    per_candidate: dict[tuple[str, int], int] = {}
    for target in Y.columns:
        y = Y[target].to_numpy()
        folds = folds_for(y, cv_folds)
        if folds < 2:
            reason = "a single class" if len(np.unique(y)) < 2 else "a class with only one row"
            result.skipped[target] = f"not enough rows per class for cross-validation ({reason})"
            log.warning("Search skipped for %s: %s; default parameters are used", target, result.skipped[target])
            continue
        if folds < cv_folds:
            log.warning("Search for %s uses %d folds instead of %d (smallest class is too small)", target, folds, cv_folds)
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=model.random_state)
        for c, params in enumerate(candidates):
            per_candidate[(target, c)] = folds
            for train_idx, test_idx in splitter.split(np.zeros(len(y)), y):
                tasks.append((target, c, params, y, train_idx, test_idx))

    result.candidates = len(per_candidate)
    result.fits = len(tasks)
    if not tasks:
        return result

    scores: dict[tuple[str, int], list[float]] = {key: [] for key in per_candidate}
    finished = 0
    context = backend() if backend is not None else contextlib.nullcontext()
    with context:
        parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
        jobs = (
            delayed(_tagged)(target, c, model.model_type, model.random_state, params, features, y, tr, te)
            for target, c, params, y, tr, te in tasks
        )
        outputs = parallel(jobs)
        try:
            for target, c, score in outputs:
                scores[(target, c)].append(score)
                if len(scores[(target, c)]) == per_candidate[(target, c)]:
                    finished += 1
                    if on_candidate is not None:
                        on_candidate(finished, result.candidates, target)
                if should_stop is not None and should_stop():
                    raise Cancelled("search")
        finally:
            close = getattr(outputs, "close", None)
            if close is not None:
                close()

    for target in Y.columns:
        keyed = [(float(np.mean(sorted(scores[(target, c)]))), -c) for c in range(len(candidates)) if (target, c) in scores]
        if not keyed:
            continue
        best_score, neg_index = max(keyed)
        result.best_params[target] = dict(candidates[-neg_index])
        result.best_scores[target] = float(best_score)
        log.info("Best for %s: %s (CV macro-F1 %.4f)", target, result.best_params[target], best_score)
    return result


def _tagged(target, c, model_type, random_state, params, features, y, train_idx, test_idx):
    return target, c, _fit_and_score(model_type, random_state, params, features, y, train_idx, test_idx)
