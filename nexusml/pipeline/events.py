"""Typed, immutable events emitted while a training run progresses.

Any callable taking an event is a sink: the headless logger and the wizard are
two of them.  Every run emits ``RunStarted``, then per stage ``StageStarted``,
any number of ``StageProgress`` and ``StageFinished`` (or ``StageFailed``, which
ends the run), and finally ``RunFinished`` with the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nexusml.pipeline.result import TrainingResult


@dataclass(frozen=True)
class RunStarted:
    stages: tuple[tuple[str, str], ...]  # (name, title) in run order
    path: str  # "orchestrator" or "legacy"


@dataclass(frozen=True)
class StageStarted:
    stage: str
    title: str
    index: int  # 1-based
    total: int


@dataclass(frozen=True)
class StageProgress:
    stage: str
    fraction: float  # 0..1 within the stage
    message: str


@dataclass(frozen=True)
class StageFinished:
    stage: str
    seconds: float
    summary: str


@dataclass(frozen=True)
class StageFailed:
    stage: str
    error: str  # one line: what went wrong and how to fix it
    error_type: str
    traceback: str
    cancelled: bool = False


@dataclass(frozen=True)
class RunFinished:
    result: TrainingResult


Event = RunStarted | StageStarted | StageProgress | StageFinished | StageFailed | RunFinished
EventSink = Callable[[Event], None]


def fan_out(*sinks: EventSink | None) -> EventSink:
    """One sink that forwards each event to every given sink."""
    active = [s for s in sinks if s is not None]

    def emit(event: Event) -> None:
        for sink in active:
            sink(event)

    return emit
