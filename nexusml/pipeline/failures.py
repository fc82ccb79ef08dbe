"""One mapping from whatever a stage raised to what the user is told: a failure or a cancel."""

from __future__ import annotations

import traceback

from nexusml.errors import Cancelled, NexusMLError, UsageError, printable
from nexusml.pipeline.cancel import CancelToken
from nexusml.pipeline.events import StageFailed
from nexusml.pipeline.result import TrainingCancelled, TrainingError


def describe_error(exc: BaseException) -> str:
    """One line a user can act on (bytes from a broken file cannot reach the terminal through it)."""
    return printable(_describe(exc))


def _describe(exc: BaseException) -> str:
    if isinstance(exc, NexusMLError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "out of memory; train on fewer rows or use --model-type linear"
    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return f"cannot access{where}: {exc.strerror or exc}; check free disk space and permissions"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def cancelled(stage: str, reason: str, exit_code: int = 130) -> TrainingCancelled:
    return TrainingCancelled(stage, f"{reason} during stage '{stage}'", exit_code)


def stage_failure(stage: str, exc: BaseException, cancel: CancelToken) -> TrainingError:
    """The error a run raises when ``stage`` raised ``exc``.

    ctrl+c and SIGTERM (a ``KeyboardInterrupt`` carrying ``exit_code``), a cancel
    seen inside a long step (``Cancelled``) and any error raised after a cancel
    was asked for are a cancel; everything else is a failure with a one-line
    cause and the traceback (shown only at DEBUG).
    """
    if isinstance(exc, KeyboardInterrupt):
        return cancelled(stage, "interrupted", getattr(exc, "exit_code", 130))
    if isinstance(exc, Cancelled) or cancel.cancelled:
        return cancelled(stage, cancel.reason, cancel.exit_code)
    exit_code = 2 if isinstance(exc, UsageError) else 1
    return TrainingError(stage, describe_error(exc), "".join(traceback.format_exception(exc)), exit_code=exit_code)


def failed_event(error: TrainingError, error_type: str) -> StageFailed:
    """The event that ends a run which raised ``error``."""
    if isinstance(error, TrainingCancelled):
        return StageFailed(error.stage, error.message, "Cancelled", "", cancelled=True)
    return StageFailed(error.stage, error.message, error_type, error.traceback)
