"""The state one orchestrated run carries from stage to stage."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nexusml.options.arguments import TrainingArguments
from nexusml.pipeline.cancel import CancelToken
from nexusml.pipeline.result import TrainingResult

if TYPE_CHECKING:  # the stages import these; the context only names their types
    import numpy as np
    import pandas as pd

    from nexusml.config import FeatureConfig, ReferenceConfig
    from nexusml.features.engineering import FeatureSet
    from nexusml.features.held_out import HeldOutFeatures
    from nexusml.model.classifier import EquipmentClassifier
    from nexusml.model.distributed import DaskBackend
    from nexusml.model.search import SearchResult
    from nexusml.model.trained import TrainedModel
    from nexusml.store.serializer import SavedModel

Progress = Callable[[float, str], None]


@dataclass
class RunContext:
    """What one run carries from stage to stage.

    A field marked with its stage is set by that stage; read before it, it raises AttributeError (there is no
    placeholder value to mistake for a result).
    """

    args: TrainingArguments
    cancel: CancelToken
    stamp: str
    path: str = "orchestrator"
    current_stage: str = "load_data"
    log_path: Path | None = None
    feature_config: FeatureConfig = field(init=False, repr=False)  # load_data stage
    reference_config: ReferenceConfig = field(init=False, repr=False)  # load_reference stage
    frame: pd.DataFrame = field(init=False, repr=False)  # load_data stage
    data_sha256: str = ""
    rows_loaded: int = 0
    features: FeatureSet = field(init=False, repr=False)  # features stage
    groups: np.ndarray = field(init=False, repr=False)  # features stage; each usable row's item (split.item_groups)
    train_idx: np.ndarray = field(init=False, repr=False)  # split stage
    test_idx: np.ndarray = field(init=False, repr=False)  # split stage
    stratified: bool = False
    model: EquipmentClassifier = field(init=False, repr=False)  # build stage; unfitted
    search: SearchResult | None = None
    fitted: EquipmentClassifier = field(init=False, repr=False)  # train stage
    held_out_features: HeldOutFeatures | None = None  # started by the train stage, used by evaluate
    report: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    class_counts: dict[str, Any] = field(default_factory=dict)
    errors: pd.DataFrame | None = None  # the misclassified held-out rows (report.error_rows)
    final: TrainedModel = field(init=False, repr=False)  # refit stage
    all_features: Any = None  # every usable row transformed by the refit model (kept for the suspects stage)
    suspects: pd.DataFrame | None = None  # the training rows whose label looks wrong (evaluation.suspects)
    suspect_counts: dict[str, dict[str, int]] | None = None  # per target: rows judged and flagged
    saved: SavedModel | None = None  # set by the save stage; a failure after it still names the model
    charts: list[Path] = field(default_factory=list)
    sample: list[dict[str, Any]] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # What the run holds open until it ends (a Dask client): run_training closes it.
    resources: contextlib.ExitStack = field(default_factory=contextlib.ExitStack, repr=False)
    _cluster: tuple[DaskBackend | None, str, int] | None = field(default=None, init=False, repr=False)

    def cluster(self) -> tuple[DaskBackend | None, str, int]:
        """``(backend, where, workers)`` for the search and the fits: Dask is connected at first use, once a run."""
        if self._cluster is None:
            from nexusml.model.distributed import cluster_backend

            self._cluster = self.resources.enter_context(cluster_backend(self.args))
        return self._cluster

    def saved_model(self) -> SavedModel:
        """The model the save stage wrote (a stage after it asks; before it, there is none)."""
        if self.saved is None:
            raise RuntimeError(f"no model is saved yet (stage {self.current_stage})")
        return self.saved

    def train_frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        return self.features.X.iloc[self.train_idx], self.features.Y.iloc[self.train_idx]

    def test_frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
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
            suspects=self.suspect_counts,
            confidence_scales=self.final.estimator.confidence_scales,
            uncalibrated_targets=self.final.estimator.uncalibrated_targets(),
            text_encoder=self.final.estimator.text_encoder_info(),
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
        from nexusml.store.layout import ERRORS_REPORT, SUSPECTS_REPORT

        saved = self.saved_model()

        return TrainingResult(
            path=self.path,
            model_path=saved.model_path,
            metadata_path=saved.metadata_path,
            latest_model_path=saved.latest_model_path,
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
            model_sha256=saved.sha256,
            search=self.search.to_dict() if self.search is not None else None,
            warnings=tuple(self.warnings),
            charts=tuple(self.charts),
            sample_predictions=tuple(self.sample),
            log_path=self.log_path,
            metadata=saved.metadata,
            errors_path=saved.report_path(ERRORS_REPORT),
            suspects_path=saved.report_path(SUSPECTS_REPORT),
            suspect_counts=self.suspect_counts,
        )
