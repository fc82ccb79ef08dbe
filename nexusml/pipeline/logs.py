"""Log plumbing of a run: events narrated on the ``nexusml.run`` logger, records routed to a handler, a log file."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from pathlib import Path

from nexusml.options.arguments import TrainingArguments
from nexusml.pipeline.events import (
    Event,
    RunFinished,
    RunStarted,
    StageFailed,
    StageFinished,
    StageProgress,
    StageStarted,
)

log = logging.getLogger("nexusml.run")

# Attributes on log records: EVENT_ECHO marks the lines that narrate an event (a sink that shows the
# events itself drops them); FINAL_LINE marks a failure the command line prints as its last line.
EVENT_ECHO = "nexusml_event_echo"
FINAL_LINE = "nexusml_final_line"
# A stage's progress is logged at most this often (a long fit says what it is doing; a search of
# hundreds of candidates does not print hundreds of lines).
PROGRESS_LOG_SECONDS = 2.0
_last_line: dict[str, float] = {}  # stage -> when its start or its last progress line was logged


def log_event(event: Event) -> None:
    """Write an event to the ``nexusml.run`` logger (the console and the run's log file)."""
    echo = {EVENT_ECHO: True}
    if isinstance(event, RunStarted):
        log.info("Training with the %s path: %d stages", event.path, len(event.stages), extra=echo)
    elif isinstance(event, StageStarted):
        _last_line[event.stage] = time.monotonic()
        log.info("[%d/%d] %s ...", event.index, event.total, event.title, extra=echo)
    elif isinstance(event, StageProgress):
        now = time.monotonic()
        if now - _last_line.get(event.stage, 0.0) >= PROGRESS_LOG_SECONDS:
            _last_line[event.stage] = now
            log.info("      %s %3.0f%%: %s", event.stage, 100 * event.fraction, event.message, extra=echo)
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
        from nexusml.store.io import claim_unique_path, release_claim
        from nexusml.store.layout import OutputLayout

        layout = OutputLayout(args.output_dir, args.model_name)
        layout.logs.mkdir(parents=True, exist_ok=True)
        path = claim_unique_path(layout.logs, layout.run_stem(stamp), ".log")
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
