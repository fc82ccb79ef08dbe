"""The metadata saved beside a model: what it was trained on, how, and how well it did."""

from __future__ import annotations

import platform
from datetime import UTC, datetime
from typing import Any

from nexusml.config import FeatureConfig
from nexusml.evaluation.suspects import suspect_folds
from nexusml.model.scoring import MARGIN_SOFTMAX_SCALE
from nexusml.options.arguments import TrainingArguments


def build_metadata(
    *,
    args: TrainingArguments,
    config: FeatureConfig,
    path: str,
    data_sha256: str,
    versions: dict[str, str],
    rows_loaded: int,
    rows_used: int,
    refitted: bool = True,
    rows_dropped: int,
    n_train: int,
    n_test: int,
    split_fingerprint: str,
    stratified: bool,
    items: dict[str, Any] | None = None,
    class_counts: dict[str, dict[str, int]],
    metrics: dict[str, Any],
    stage_seconds: dict[str, float],
    search: dict[str, Any] | None,
    confidence_scales: dict[str, float] | None = None,
    uncalibrated_targets: list[str] | None = None,
    suspects: dict[str, dict[str, int]] | None = None,
    text_encoder: dict[str, Any] | None = None,
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
            **(items or {}),
        },
        "refit": (
            f"the saved model was refit on all {rows_used} usable rows after evaluation; "
            f"metrics are from the {n_test} held-out rows"
            if refitted
            else f"the saved model is the evaluated one, trained on {n_train} rows; "
            f"metrics are from the {n_test} held-out rows"
        ),
        "feature_config": config.to_dict(),
        "feature_config_source": config.source,
        "targets": list(config.targets),
        "class_counts": class_counts,
        "metrics": metrics,
        "hyperparameter_search": search,
        # --text-encoder: its name, the sha256 of its weights (a model refuses other weights), size and weight
        "text_encoder": text_encoder,
        "confidence": {
            "margin_scales": {t: round(v, 4) for t, v in (confidence_scales or {}).items()},
            "default_scale_targets": list(uncalibrated_targets or []),
            "method": "margin classifiers: softmax of the decision scores times a scale fitted on the held-out "
            f"rows (temperature scaling; {MARGIN_SOFTMAX_SCALE} for the default_scale_targets); "
            "probability models: the predicted class's probability",
        },
        "suspects": (
            None
            if suspects is None
            else {
                "per_target": suspects,
                "method": f"{suspect_folds(rows_used)} folds of whole items; a row is flagged when the classifier "
                "fitted on the other folds gives another class; ranked by 1 - its confidence in the label",
            }
        ),
        "stage_seconds": {k: round(v, 4) for k, v in stage_seconds.items()},
        "warnings": warnings,
        "versions": versions,
        "python": platform.python_version(),
    }
