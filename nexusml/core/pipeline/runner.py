"""``run_training``: the one function the command line and the wizard both call."""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections.abc import Iterator
from pathlib import Path

from nexusml.core.cli.training_args import TrainingArguments
from nexusml.core.pipeline.cancel import CancelToken
from nexusml.core.pipeline.events import (
    Event,
    EventSink,
    RunFinished,
    RunStarted,
    StageFailed,
    StageFinished,
    StageStarted,
    fan_out,
)
from nexusml.core.pipeline.result import TrainingCancelled, TrainingError, TrainingResult

log = logging.getLogger("nexusml.run")

# Attributes on log records: EVENT_ECHO marks the lines that narrate an event (a sink that shows the
# events itself drops them); FINAL_LINE marks a failure the command line prints as its last line.
EVENT_ECHO = "nexusml_event_echo"
FINAL_LINE = "nexusml_final_line"


def log_event(event: Event) -> None:
    """Write an event to the ``nexusml.run`` logger (the console and the run's log file)."""
    echo = {EVENT_ECHO: True}
    if isinstance(event, RunStarted):
        log.info("Training with the %s path: %d stages", event.path, len(event.stages), extra=echo)
    elif isinstance(event, StageStarted):
        log.info("[%d/%d] %s ...", event.index, event.total, event.title, extra=echo)
    elif isinstance(event, StageFinished):
        log.info("      %s done in %.2fs: %s", event.stage, event.seconds, event.summary, extra=echo)
    elif isinstance(event, StageFailed):
        level = logging.WARNING if event.cancelled else logging.ERROR
        log.log(
            level,
            "Stage '%s' %s: %s",
            event.stage,
            "stopped" if event.cancelled else "failed",
            event.error,
            extra={**echo, FINAL_LINE: True},
        )
        if event.traceback:
            log.debug("%s", event.traceback.rstrip(), extra=echo)
    elif isinstance(event, RunFinished):
        log.info("Model saved: %s", event.result.model_path, extra=echo)


@contextlib.contextmanager
def routed_logs(handler: logging.Handler) -> Iterator[None]:
    """Send every ``nexusml`` record to ``handler`` (and only there) for the duration of a run."""
    root = logging.getLogger("nexusml")
    saved = root.level, root.propagate
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    root.propagate = False
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        root.propagate = saved[1]


@contextlib.contextmanager
def run_log_file(args: TrainingArguments, stamp: str) -> Iterator[Path | None]:
    """Copy every ``nexusml`` log record of this run into ``OUTPUT_DIR/logs/{model_name}_{stamp}.log``."""
    root = logging.getLogger("nexusml")
    try:
        directory = args.output_dir / "logs"
        directory.mkdir(parents=True, exist_ok=True)
        from nexusml.core.components.io import claim_unique_path, release_claim

        path = claim_unique_path(directory, f"{args.model_name}_{stamp}", ".log")
        handler: logging.Handler | None = logging.FileHandler(path, encoding="utf-8")
        release_claim(path)
    except OSError as exc:
        log.warning("No log file for this run (%s)", exc.strerror or exc)
        handler, path = None, None
    if handler is not None:
        handler.setLevel(logging.DEBUG)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
        root.addHandler(handler)
        if root.level == logging.NOTSET or root.level > logging.DEBUG:
            previous = root.level
            root.setLevel(logging.DEBUG)
        else:
            previous = None
    try:
        yield path
    finally:
        if handler is not None:
            root.removeHandler(handler)
            handler.close()
            if previous is not None:
                root.setLevel(previous)


def run_training(
    args: TrainingArguments,
    on_event: EventSink | None = None,
    cancel: CancelToken | None = None,
) -> TrainingResult:
    """Train, evaluate and save a model as ``args`` says.

    Picks the orchestrator or, with ``args.legacy``, the legacy path.  Events go to
    ``on_event`` (and to the ``nexusml.run`` logger).  ``cancel`` stops the run
    between stages and inside the search and the per-target fits.

    Returns the :class:`TrainingResult`; raises ``TrainingError`` (with the failing
    stage and a one-line cause) or ``TrainingCancelled``.  A failed or cancelled
    run leaves no model file behind.
    """
    from nexusml.core.components.serializer import timestamp
    from nexusml.core.pipeline.context import RunContext

    cancel = CancelToken() if cancel is None else cancel
    emit = fan_out(log_event, on_event)
    if args.dask_scheduler and not args.optimize:
        log.warning("--dask-scheduler only moves the --optimize search; without --optimize it is not used")
    if args.optimize and args.dask_scheduler:
        # Fail in a second, before any data is loaded, when the cluster cannot be used.
        from nexusml.core.distributed import DaskUnavailable, check_scheduler

        try:
            check_scheduler(args.dask_scheduler)
        except DaskUnavailable as exc:
            emit(StageFailed("optimize", str(exc), type(exc).__name__, ""))
            raise TrainingError("optimize", str(exc)) from None
    stamp = timestamp()
    with run_log_file(args, stamp) as log_path:
        ctx = RunContext(args=args, cancel=cancel, stamp=stamp, log_path=log_path)
        if args.legacy:
            from nexusml.train_model_pipeline import run_legacy

            ctx.path = "legacy"
            emit(RunStarted((), "legacy"))
            try:
                run_legacy(ctx)
            except TrainingError as exc:
                emit(StageFailed(exc.stage, exc.message, type(exc).__name__, "", isinstance(exc, TrainingCancelled)))
                raise
            except KeyboardInterrupt as exc:
                stage = ctx.current_stage
                emit(StageFailed(stage, f"interrupted during step '{stage}'", "Cancelled", "", cancelled=True))
                raise TrainingCancelled(
                    stage, f"interrupted during step '{stage}'", getattr(exc, "exit_code", 130)
                ) from None
            except Exception as exc:
                from nexusml.core.pipeline.orchestrator import describe_error

                stage, message, tb = ctx.current_stage, describe_error(exc), traceback.format_exc()
                emit(StageFailed(stage, message, type(exc).__name__, tb))
                raise TrainingError(stage, message, tb) from exc
        else:
            from nexusml.core.pipeline.orchestrator import Orchestrator
            from nexusml.core.pipeline.stages import training_stages

            try:
                Orchestrator(training_stages()).run(ctx, emit)
            finally:
                if ctx.held_out_features is not None:  # the run stopped during train or before evaluate
                    ctx.held_out_features.cancel()
        result = ctx.result()
        emit(RunFinished(result))
    return result
