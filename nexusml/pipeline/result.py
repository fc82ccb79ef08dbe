"""What a finished training run returns (and the wizard shows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class TrainingError(Exception):
    """A run failed in ``stage``; ``str()`` is the one-line cause.

    ``saved_model`` is the model the run had saved before it stopped (a failure
    or a cancel in the stages after ``save``), else ``None``.  ``exit_code`` is
    what the command line exits with: 1 (the run failed), or 2 when the fix is
    another argument (a workbook whose sheet must be named, say).
    """

    def __init__(
        self, stage: str, message: str, traceback: str = "", saved_model: Path | None = None, exit_code: int = 1
    ):
        self.stage = stage
        self.exit_code = exit_code
        self.message = message
        self.traceback = traceback
        self.saved_model = saved_model
        self.latest_model: Path | None = None  # the _latest name that points to ``saved_model``
        super().__init__(message)

    @property
    def outcome(self) -> str:
        """What became of the model, as the user is told."""
        if not self.saved_model:
            return "no model was saved"
        latest = f"; {self.latest_model.name} points to it" if self.latest_model else ""
        return f"the model was saved before the stop: {self.saved_model}{latest}"


class TrainingCancelled(TrainingError):
    """The run was cancelled (ctrl+c, SIGTERM or the wizard) during ``stage``."""

    def __init__(self, stage: str, message: str = "cancelled", exit_code: int = 130, saved_model: Path | None = None):
        super().__init__(stage, message, saved_model=saved_model)
        self.exit_code = exit_code


@dataclass(frozen=True)
class TrainingResult:
    path: str  # "orchestrator" or "legacy"
    model_path: Path
    metadata_path: Path
    latest_model_path: Path
    targets: tuple[str, ...]
    metrics: dict[str, dict[str, Any]]  # target -> accuracy, f1_macro, support, per_class, top_confusions, auto_coding
    report: dict[str, Any]  # target -> full evaluation (confusion matrix, classes)
    class_counts: dict[str, dict[str, int]]
    stage_seconds: dict[str, float]
    rows_loaded: int
    rows_used: int
    rows_dropped: int
    n_train: int
    n_test: int
    split_fingerprint: str
    model_sha256: str
    search: dict[str, Any] | None = None
    warnings: tuple[str, ...] = ()
    charts: tuple[Path, ...] = ()
    sample_predictions: tuple[dict[str, Any], ...] = ()
    log_path: Path | None = None
    errors_path: Path | None = None  # the misclassified held-out rows, one line per (row, target)
    suspects_path: Path | None = None  # the training rows whose label looks wrong (None: not looked for)
    suspect_counts: dict[str, dict[str, int]] | None = None  # per target: rows judged and flagged
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
