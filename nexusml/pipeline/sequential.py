"""The legacy training path: the stage list run as plain function calls, reported by log lines.

This is what ``--legacy`` (and the settings switch) runs.  It calls the same
stage functions in the same order as the orchestrator, so it gives the same
split, metrics and saved model; it only reports differently: no per-stage
events, the log lines of the pre-orchestrator script instead.  Its run still
declares its plan (``RunStarted``) and ends with ``RunFinished`` or
``StageFailed``, like every run.
"""

from __future__ import annotations

import logging

from nexusml.pipeline.events import EventSink
from nexusml.pipeline.orchestrator import Runner
from nexusml.pipeline.stages import Stage

logger = logging.getLogger("nexusml.legacy")


class SequentialRunner(Runner):
    path = "legacy"

    def stage_started(self, stage: Stage, index: int, total: int, emit: EventSink) -> None:
        logger.info("%s", stage.title)

    def stage_finished(self, stage: Stage, seconds: float, summary: str, emit: EventSink) -> None:
        logger.info("%s: %s", stage.title, summary)
