"""Training steps shared by the orchestrator's stages and the legacy path."""

from __future__ import annotations

import hashlib
import logging
import math
import platform
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from nexusml.config import FeatureConfig
from nexusml.core.cli.training_args import TrainingArguments
from nexusml.core.components.model import MARGIN_SOFTMAX_SCALE, EquipmentClassifier
from nexusml.errors import NexusMLError

log = logging.getLogger(__name__)


class SplitError(NexusMLError):
    """The data is too small for the requested split."""


def split_indices(Y: pd.DataFrame, test_size: float, random_state: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """Train/test row positions, stratified on the first target when every class allows it."""
    n = len(Y)
    n_test = math.ceil(test_size * n)
    if n < 2 or n_test < 1 or n - n_test < 1:
        minimum = max(2, math.ceil(1 / min(test_size, 1 - test_size)))
        raise SplitError(
            f"{n} usable row(s) is too few for --test-size {test_size}; at least {minimum} rows are needed"
        )
    positions = np.arange(n)
    codes, _ = pd.factorize(Y.iloc[:, 0], sort=True)  # integer classes: fast at a million rows
    counts = np.bincount(codes)
    stratify = codes if counts.min() >= 2 and n_test >= len(counts) and n - n_test >= len(counts) else None
    if stratify is None and len(counts) > 1:
        log.warning("Split is not stratified: some '%s' classes have a single row", Y.columns[0])
    train, test = train_test_split(positions, test_size=test_size, random_state=random_state, stratify=stratify)
    return np.sort(train), np.sort(test), stratify is not None


def fingerprint(positions: np.ndarray) -> str:
    return hashlib.sha256(np.asarray(positions, dtype=np.int64).tobytes()).hexdigest()[:16]


def new_model(args: TrainingArguments, config: FeatureConfig, target_params: dict | None = None) -> EquipmentClassifier:
    return EquipmentClassifier(
        model_type=args.model_type,
        text_column=config.text_feature,
        numeric_columns=config.numeric_features,
        random_state=args.random_state,
        n_jobs=args.n_jobs,
        target_params=target_params,
    )


def single_class_warnings(Y: pd.DataFrame) -> list[str]:
    out = []
    for target in Y.columns:
        counts = Y[target].value_counts()
        if len(counts) < 2:
            out.append(f"target '{target}' has a single class ({counts.index[0]}); it will always be predicted")
        elif (counts == 1).any():
            out.append(
                f"target '{target}' has {int((counts == 1).sum())} class(es) with one row; they may never be learned"
            )
    for message in out:
        log.warning(message)
    return out


def sample_predictions(model: Any, frame: pd.DataFrame, n: int = 3) -> list[dict[str, Any]]:
    """Predict a few rows of the training file, to show what the model does."""
    predicted = model.predict(frame.head(n), include_text=True)
    texts = predicted["model_text"].tolist()
    out = []
    for i, text in enumerate(texts):
        item: dict[str, Any] = {"text": text}
        for target in model.targets:
            item[target] = str(predicted[f"predicted_{target}"].iloc[i])
            if f"confidence_{target}" in predicted:
                item[f"{target}_confidence"] = float(predicted[f"confidence_{target}"].iloc[i])
        out.append(item)
    return out


def build_metadata(
    *,
    args: TrainingArguments,
    config: FeatureConfig,
    path: str,
    data_sha256: str,
    versions: dict[str, str],
    rows_loaded: int,
    rows_used: int,
    rows_dropped: int,
    n_train: int,
    n_test: int,
    split_fingerprint: str,
    stratified: bool,
    class_counts: dict[str, dict[str, int]],
    metrics: dict[str, Any],
    stage_seconds: dict[str, float],
    search: dict[str, Any] | None,
    confidence_scales: dict[str, float] | None = None,
    uncalibrated_targets: list[str] | None = None,
    warnings: list[str],
) -> dict[str, Any]:
    return {
        "nexusml_metadata_version": 1,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "training_path": path,
        "arguments": args.to_dict(),
        "data": {
            "path": str(args.resolved_data_path),
            "sha256": data_sha256,
            "rows_loaded": rows_loaded,
            "rows_used": rows_used,
            "rows_dropped_empty_target": rows_dropped,
        },
        "split": {
            "train_rows": n_train,
            "test_rows": n_test,
            "stratified": stratified,
            "test_fingerprint": split_fingerprint,
        },
        "refit": (
            f"the saved model was refit on all {rows_used} usable rows after evaluation; "
            f"metrics are from the {n_test} held-out rows"
        ),
        "feature_config": config.to_dict(),
        "feature_config_source": config.source,
        "targets": list(config.targets),
        "class_counts": class_counts,
        "metrics": metrics,
        "hyperparameter_search": search,
        "confidence": {
            "margin_scales": {t: round(v, 4) for t, v in (confidence_scales or {}).items()},
            "default_scale_targets": list(uncalibrated_targets or []),
            "method": "margin classifiers: softmax of the decision scores times a scale fitted on the held-out "
            f"rows (temperature scaling; {MARGIN_SOFTMAX_SCALE} for the default_scale_targets); "
            "probability models: the predicted class's probability",
        },
        "stage_seconds": {k: round(v, 4) for k, v in stage_seconds.items()},
        "warnings": warnings,
        "versions": versions,
        "python": platform.python_version(),
    }
