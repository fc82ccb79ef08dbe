"""Scoring a fitted model on labelled rows: metrics, per-class figures, auto-coding and the error rows.

The training run's evaluate stage and ``nexusml-evaluate`` both call
:func:`assess`, so a model checked on a new site's file is reported exactly as
it was at training time.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from nexusml.evaluation.metrics import evaluate_predictions, summary_metrics
from nexusml.evaluation.report import diagnose, error_rows


def assess(
    estimator: Any,
    features: Any,
    Y: pd.DataFrame,
    predicted: pd.DataFrame,
    confidence: pd.DataFrame,
    rows: np.ndarray,
    text: np.ndarray,
    precision_target: float,
    items: np.ndarray | None = None,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]], pd.DataFrame]:
    """``(report, metrics, errors)`` for labelled rows ``Y`` and the model's ``predicted`` / ``confidence``.

    ``features`` are the rows as the estimator's transformer gives them (used
    to rank the runner-up class of each error); ``rows`` numbers them as the
    user finds them in the input file and ``text`` is what the model read;
    ``items`` numbers each row's item (``split.item_groups``), which the
    auto-coding threshold counts its evidence in.
    """
    report = evaluate_predictions(Y, predicted)
    metrics = summary_metrics(report)
    for target, figures in metrics.items():
        figures.update(diagnose(Y[target], predicted[target], confidence.get(target), precision_target, items))
    wrong = np.flatnonzero((Y.astype(str).to_numpy() != predicted[Y.columns].astype(str).to_numpy()).any(axis=1))
    runner_up: dict[str, np.ndarray] = {}
    if len(wrong):
        _, _, ranked = estimator.predict_features(features[wrong], confidence=False, runners_up=1)
        for target, classes in ranked.items():
            runner_up[target] = np.full(len(Y), "", dtype=object)
            runner_up[target][wrong] = classes.labels[:, 0]
    return report, metrics, error_rows(rows, text, Y, predicted, confidence, runner_up)
