"""Runners of the stage list.

Both paths run the same :func:`~nexusml.pipeline.stages.training_stages`
with the same context, so their results are identical by construction; they
differ only in how they report (Kedro's pattern: one pipeline, interchangeable
runners).  :class:`Runner` holds what they share: the plan, timing, cancel
checks between stages and the one error mapping.  :class:`Orchestrator`
reports every stage as typed events with progress.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from nexusml.errors import Cancelled
from nexusml.pipeline.context import Progress, RunContext
from nexusml.pipeline.events import (
    EventSink,
    RunStarted,
    StageFinished,
    StageProgress,
    StageStarted,
)
from nexusml.pipeline.failures import failed_event, stage_failure
from nexusml.pipeline.stages import Stage, plan


def _no_progress(fraction: float, message: str) -> None:
    pass


class Runner:
    """Runs the enabled stages in order; a subclass says how each stage is reported."""

    path = ""

    def run(self, stages: Sequence[Stage], ctx: RunContext, emit: EventSink) -> RunContext:
        """Run ``stages`` on ``ctx``; raises ``TrainingError`` / ``TrainingCancelled`` naming the stage.

        Emits ``RunStarted`` with the plan first and ``StageFailed`` when a stage
        fails or the run is cancelled; the caller emits ``RunFinished``.
        """
        ctx.path = self.path
        steps = plan(stages, ctx.args)
        emit(RunStarted(tuple((s.name, s.title) for s in steps), self.path))
        for index, stage in enumerate(steps, start=1):
            ctx.current_stage = stage.name
            started = time.perf_counter()
            try:
                if ctx.cancel.cancelled:
                    raise Cancelled(stage.name)
                self.stage_started(stage, index, len(steps), emit)
                summary = stage.run(ctx, self.progress_for(stage, emit))
            except (Exception, KeyboardInterrupt) as exc:
                error = stage_failure(stage.name, exc, ctx.cancel)
                error.saved_model = ctx.saved.model_path if ctx.saved is not None else None
                error.latest_model = ctx.saved.latest_model_path if ctx.saved is not None else None
                emit(failed_event(error, type(exc).__name__))
                raise error from exc
            seconds = time.perf_counter() - started
            ctx.stage_seconds[stage.name] = seconds
            self.stage_finished(stage, seconds, summary, emit)
        return ctx

    def stage_started(self, stage: Stage, index: int, total: int, emit: EventSink) -> None:
        pass

    def stage_finished(self, stage: Stage, seconds: float, summary: str, emit: EventSink) -> None:
        pass

    def progress_for(self, stage: Stage, emit: EventSink) -> Progress:
        return _no_progress


class Orchestrator(Runner):
    """Reports each stage as ``StageStarted``, ``StageProgress`` and ``StageFinished`` events."""

    path = "orchestrator"

    def stage_started(self, stage: Stage, index: int, total: int, emit: EventSink) -> None:
        emit(StageStarted(stage.name, stage.title, index, total))

    def stage_finished(self, stage: Stage, seconds: float, summary: str, emit: EventSink) -> None:
        emit(StageFinished(stage.name, seconds, summary))

    def progress_for(self, stage: Stage, emit: EventSink) -> Progress:
        def progress(fraction: float, message: str) -> None:
            emit(StageProgress(stage.name, max(0.0, min(1.0, fraction)), message))

        return progress
