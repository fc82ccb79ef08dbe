"""The state one orchestrated run carries from stage to stage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nexusml.options.arguments import TrainingArguments
from nexusml.pipeline.cancel import CancelToken
from nexusml.pipeline.result import TrainingResult

Progress = Callable[[float, str], None]


@dataclass
class RunContext:
    args: TrainingArguments
    cancel: CancelToken
    stamp: str
    path: str = "orchestrator"
    current_stage: str = "load_data"
    log_path: Path | None = None
    feature_config: Any = None
    reference_config: Any = None
    frame: Any = None
    data_sha256: str = ""
    rows_loaded: int = 0
    features: Any = None
    groups: Any = None  # each usable row's item (split.item_groups): an item's rows stay on one side
    train_idx: Any = None
    test_idx: Any = None
    stratified: bool = False
    model: Any = None
    search: Any = None
    fitted: Any = None
    held_out_features: Any = None  # HeldOutFeatures started by the train stage, used by evaluate
    report: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    class_counts: dict[str, Any] = field(default_factory=dict)
    errors: Any = None  # the misclassified held-out rows (report.error_rows)
    final: Any = None
    saved: Any = None
    charts: list[Path] = field(default_factory=list)
    sample: list[dict[str, Any]] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def train_frames(self):
        return self.features.X.iloc[self.train_idx], self.features.Y.iloc[self.train_idx]

    def test_frames(self):
        return self.features.X.iloc[self.test_idx], self.features.Y.iloc[self.test_idx]

    def metadata(self) -> dict[str, Any]:
        from nexusml.features.split import fingerprint
        from nexusml.store.metadata import build_metadata

        return build_metadata(
            args=self.args,
            config=self.feature_config,
            path=self.path,
            data_sha256=self.data_sha256,
            versions=self.final.versions,
            rows_loaded=self.rows_loaded,
            rows_used=len(self.features.X),
            refitted=self.final.estimator is not self.fitted,  # see stages.refit
            rows_dropped=self.features.dropped_rows,
            n_train=len(self.train_idx),
            n_test=len(self.test_idx),
            split_fingerprint=fingerprint(self.test_idx),
            stratified=self.stratified,
            items=self.items(),
            class_counts=self.class_counts,
            metrics=self.metrics,
            stage_seconds=self.stage_seconds,
            search=self.search.to_dict() if self.search is not None else None,
            warnings=self.warnings,
            confidence_scales=self.final.estimator.confidence_scales,
            uncalibrated_targets=self.final.estimator.uncalibrated_targets(),
        )

    def items(self) -> dict[str, Any]:
        """How the rows were grouped into items for the split (``split.item_groups``)."""
        import numpy as np

        return {
            "items": len(np.unique(self.groups)),
            "test_items": len(np.unique(self.groups[self.test_idx])),
            "grouped_by": self.args.group_column or "text",
        }

    def result(self) -> TrainingResult:
        from nexusml.features.split import fingerprint

        return TrainingResult(
            path=self.path,
            model_path=self.saved.model_path,
            metadata_path=self.saved.metadata_path,
            latest_model_path=self.saved.latest_model_path,
            targets=tuple(self.feature_config.targets),
            metrics=self.metrics,
            report=self.report,
            class_counts=self.class_counts,
            stage_seconds=dict(self.stage_seconds),
            rows_loaded=self.rows_loaded,
            rows_used=len(self.features.X),
            rows_dropped=self.features.dropped_rows,
            n_train=len(self.train_idx),
            n_test=len(self.test_idx),
            split_fingerprint=fingerprint(self.test_idx),
            model_sha256=self.saved.sha256,
            search=self.search.to_dict() if self.search is not None else None,
            warnings=tuple(self.warnings),
            charts=tuple(self.charts),
            sample_predictions=tuple(self.sample),
            log_path=self.log_path,
            metadata=self.saved.metadata,
            errors_path=self.saved.report_path("errors.csv"),
        )
