"""Cross-validated hyperparameter search, one small grid per target.

The feature transformer is fitted once on the training split and the search
runs over the classifier's parameters on those features, so each candidate
costs one classifier fit per fold.  Work is spread with joblib, which also
runs it on a Dask cluster when a Dask backend is active.
"""

from __future__ import annotations

import contextlib
import logging
import time
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.metrics import f1_score
from sklearn.model_selection import ParameterGrid

from nexusml.errors import Cancelled
from nexusml.features.split import group_folds
from nexusml.model.classifier import EquipmentClassifier
from nexusml.model.factory import SEARCH_GRIDS, build_classifier, quiet_expected_fit_warnings
from nexusml.model.shared_targets import partition_key
from nexusml.model.workers import worker_options

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
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "best_params": self.best_params,
            "cv_f1_macro": {k: round(v, 6) for k, v in self.best_scores.items()},
            "skipped": self.skipped,
            "candidates": self.candidates,
            "fits": self.fits,
            "where": self.where,
            "workers": self.workers,
            "seconds": round(self.seconds, 3),
        }


def _fit_and_score(model_type, random_state, params, features, y, train_idx, test_idx):
    quiet_expected_fit_warnings()  # in the worker process that runs it
    estimator = build_classifier(model_type, random_state, 1, params, y=y[train_idx])
    estimator.fit(features[train_idx], y[train_idx])
    predicted = estimator.predict(features[test_idx])
    return float(f1_score(y[test_idx], predicted, average="macro", zero_division=0))


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
    backend: Callable[..., AbstractContextManager] | None = None,
    groups: np.ndarray | None = None,
) -> SearchResult:
    """Search a grid per target; returns the best parameters and CV macro-F1 of each.

    ``backend(scatter=[...])``, when given, activates a joblib backend (Dask)
    and receives the arrays every task shares, so they travel to the workers
    once.  The outcome does not depend on the order in which fits finish.
    ``groups`` numbers each row's item (``split.item_groups``): an item's rows
    stay in one fold, so no candidate is scored on copies of its training rows.
    """
    started = time.perf_counter()
    grid = grid if grid is not None else SEARCH_GRIDS[model.model_type]
    candidates = list(ParameterGrid(grid))
    transformer = model.make_transformer(len(X))
    features = transformer.fit_transform(X)
    if hasattr(features, "tocsr"):
        features = features.tocsr()
    result = SearchResult()

    # One set of fold indices per target, shared by every candidate: the same
    # array objects appear in every task, so a Dask backend ships them once.
    shared: list[Any] = [features]
    plans: list[tuple[str, np.ndarray, list[tuple[np.ndarray, np.ndarray]]]] = []
    aliases: dict[str, str] = {}
    seen: dict[bytes, str] = {}
    for target in Y.columns:
        y = Y[target].to_numpy()
        key = partition_key(y)
        if key in seen:
            # Same grouping of rows under other names: same scores, so search it once.
            aliases[target] = seen[key]
            continue
        seen[key] = target
        splits = group_folds(y, groups, cv_folds, model.random_state)
        folds = len(splits)
        if folds < 2:
            reason = "a single class" if len(np.unique(y)) < 2 else "a class with only one item"
            result.skipped[target] = f"not enough rows per class for cross-validation ({reason})"
            log.warning("Search skipped for %s: %s; default parameters are used", target, result.skipped[target])
            continue
        if folds < cv_folds:
            log.warning(
                "Search for %s uses %d folds instead of %d (smallest class is too small)", target, folds, cv_folds
            )
        plans.append((target, y, splits))
        shared.append(y)
        for train_idx, test_idx in splits:
            shared.extend((train_idx, test_idx))

    result.candidates = len(plans) * len(candidates)
    result.fits = sum(len(splits) for _, _, splits in plans) * len(candidates)
    if not result.fits:
        result.seconds = time.perf_counter() - started
        for target, source in aliases.items():
            if source in result.skipped:
                result.skipped[target] = result.skipped[source]
        return result

    scores = {(target, c): np.full(len(splits), np.nan) for target, _, splits in plans for c in range(len(candidates))}
    remaining = {key: len(value) for key, value in scores.items()}
    stopped = (lambda: False) if should_stop is None else should_stop

    def jobs():
        # Candidate-major order, so early candidates finish (and report) early.
        for target, y, splits in plans:
            for c, params in enumerate(candidates):
                for fold, (train_idx, test_idx) in enumerate(splits):
                    if stopped():
                        return
                    yield delayed(_tagged)(
                        target, c, fold, model.model_type, model.random_state, params, features, y, train_idx, test_idx
                    )

    finished = 0
    cancelled = False
    context = backend(scatter=shared) if backend is not None else contextlib.nullcontext()
    # Local workers exit when the run is killed (kill -9 leaves no work, and no memory, behind).
    options = worker_options() if backend is None else {}
    with context:
        outputs = Parallel(n_jobs=n_jobs, return_as="generator_unordered", **options)(jobs())
        try:
            for target, c, fold, score in outputs:
                scores[(target, c)][fold] = score
                remaining[(target, c)] -= 1
                if remaining[(target, c)] == 0:
                    finished += 1
                    if on_candidate is not None:
                        on_candidate(finished, result.candidates, target)
                if stopped():
                    cancelled = True
                    break
            else:
                cancelled = stopped() and finished < result.candidates
        finally:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                close = getattr(outputs, "close", None)
                if close is not None:
                    close()
            if cancelled or finished < result.candidates:
                cancel_pending = getattr(backend, "cancel_pending", None)
                if cancel_pending is not None:
                    dropped = cancel_pending()
                    if dropped:
                        log.info("Cancelled %d pending search task(s)", dropped)
    result.seconds = time.perf_counter() - started
    if cancelled:
        raise Cancelled("search")

    for target, _, _ in plans:
        # Fold scores sit at their fold's position, so the mean is the same
        # whatever order the fits finished in; ties go to the earlier candidate.
        means = [float(np.mean(scores[(target, c)])) for c in range(len(candidates))]
        best = int(np.argmax(means))
        result.best_params[target] = dict(candidates[best])
        result.best_scores[target] = means[best]
        log.info("Best for %s: %s (CV macro-F1 %.4f)", target, result.best_params[target], means[best])
    for target, source in aliases.items():
        if source in result.best_params:
            result.best_params[target] = dict(result.best_params[source])
            result.best_scores[target] = result.best_scores[source]
        elif source in result.skipped:
            result.skipped[target] = result.skipped[source]
    if aliases:
        log.info(
            "Searched once for targets grouping rows alike: %s", ", ".join(f"{t} = {s}" for t, s in aliases.items())
        )
    log.info("Searched %d candidate(s), %d fit(s) in %.1fs", result.candidates, result.fits, result.seconds)
    return result


def _tagged(target, c, fold, model_type, random_state, params, features, y, train_idx, test_idx):
    return target, c, fold, _fit_and_score(model_type, random_state, params, features, y, train_idx, test_idx)
