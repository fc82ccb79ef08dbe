"""Runs named stages in order: times them, emits events, honours cancellation, names the failing stage."""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Sequence

from nexusml.core.pipeline.context import RunContext
from nexusml.core.pipeline.events import (
    EventSink,
    RunStarted,
    StageFailed,
    StageFinished,
    StageProgress,
    StageStarted,
)
from nexusml.core.pipeline.result import TrainingCancelled, TrainingError
from nexusml.core.pipeline.stages import Stage

log = logging.getLogger("nexusml.run")


def describe_error(exc: BaseException) -> str:
    """One line a user can act on."""
    from nexusml.errors import NexusMLError

    if isinstance(exc, NexusMLError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "out of memory; train on fewer rows or use --model-type linear"
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return f"cannot access{where}: {exc.strerror or exc}; check free disk space and permissions"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class Orchestrator:
    """Runs ``stages`` whose ``enabled(args)`` is true, in order."""

    def __init__(self, stages: Sequence[Stage]):
        self.stages = list(stages)

    def plan(self, ctx: RunContext) -> list[Stage]:
        return [stage for stage in self.stages if stage.enabled(ctx.args)]

    def run(self, ctx: RunContext, emit: EventSink) -> RunContext:
        plan = self.plan(ctx)
        emit(RunStarted(tuple((s.name, s.title) for s in plan), ctx.path))
        for index, stage in enumerate(plan, start=1):
            if ctx.cancel.cancelled:
                self._cancelled(emit, stage.name, ctx.cancel.reason, 130)
            emit(StageStarted(stage.name, stage.title, index, len(plan)))

            def progress(fraction: float, message: str, _stage: str = stage.name) -> None:
                emit(StageProgress(_stage, max(0.0, min(1.0, fraction)), message))

            started = time.perf_counter()
            try:
                summary = stage.run(ctx, progress)
            except KeyboardInterrupt as exc:
                self._cancelled(emit, stage.name, "interrupted", getattr(exc, "exit_code", 130))
            except Exception as exc:
                from nexusml.core.components.model import Cancelled

                if isinstance(exc, Cancelled) or ctx.cancel.cancelled:
                    self._cancelled(emit, stage.name, ctx.cancel.reason, 130)
                message = describe_error(exc)
                emit(StageFailed(stage.name, message, type(exc).__name__, traceback.format_exc()))
                raise TrainingError(stage.name, message, traceback.format_exc()) from exc
            seconds = time.perf_counter() - started
            ctx.stage_seconds[stage.name] = seconds
            emit(StageFinished(stage.name, seconds, summary))
        return ctx

    @staticmethod
    def _cancelled(emit: EventSink, stage: str, reason: str, exit_code: int) -> None:
        emit(StageFailed(stage, f"{reason} during stage '{stage}'", "Cancelled", "", cancelled=True))
        raise TrainingCancelled(stage, f"{reason} during stage '{stage}'", exit_code)
