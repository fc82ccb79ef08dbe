"""The model builder: the unfitted classifier a run's arguments and feature config ask for."""

from __future__ import annotations

from typing import Any

from nexusml.config import FeatureConfig
from nexusml.model.classifier import EquipmentClassifier
from nexusml.options.arguments import TrainingArguments


def new_model(
    args: TrainingArguments, config: FeatureConfig, target_params: dict[str, dict[str, Any]] | None = None
) -> EquipmentClassifier:
    """``target_params``: per-target classifier parameters (the best ones a search found)."""
    return EquipmentClassifier(
        model_type=args.model_type,
        text_column=config.text_feature,
        numeric_columns=config.numeric_features,
        random_state=args.random_state,
        n_jobs=args.n_jobs,
        target_params=target_params,
        text_encoder=args.text_encoder,
    )
