"""The training orchestrator: named stages, typed events, cancellation, ``run_training``."""

from nexusml.pipeline.cancel import CancelToken
from nexusml.pipeline.events import (
    Event,
    RunFinished,
    RunStarted,
    StageFailed,
    StageFinished,
    StageProgress,
    StageStarted,
)
from nexusml.pipeline.result import TrainingCancelled, TrainingError, TrainingResult
from nexusml.pipeline.runner import run_training

__all__ = [
    "CancelToken",
    "Event",
    "RunFinished",
    "RunStarted",
    "StageFailed",
    "StageFinished",
    "StageProgress",
    "StageStarted",
    "TrainingCancelled",
    "TrainingError",
    "TrainingResult",
    "run_training",
]
