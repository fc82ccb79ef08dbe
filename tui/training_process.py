"""Training in a child process, so the wizard never waits on the GIL while the model fits.

scikit-learn holds the GIL while it converts a large feature matrix for a fit:
about 0.3 s per classifier at 100,000 rows, seconds at a million.  A training
thread in the wizard's own process would freeze the screen for that long.  The
child runs :func:`run_training` and streams its events and log records back
through a pipe; the wizard's worker thread waits on the pipe, which holds no
lock the screen needs.  Cancelling is a message to the child, which stops
between stages or inside the fits, exactly as a cancelled in-process run does.

On Linux, children are forked from a server process that has imported the
libraries a run needs (``forkserver``), so only the first run of a session waits
for pandas and scikit-learn to import; elsewhere (macOS, Windows) each run
starts a fresh interpreter.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

OnEvent = Callable[[Any], None]
OnLog = Callable[[int, str, str], None]  # level, logger name, message

# Imported once by the fork server; each run's child starts with them loaded.
PRELOAD = (
    "numpy",
    "pandas",
    "scipy.sparse",
    "sklearn.compose",
    "sklearn.feature_extraction.text",
    "sklearn.linear_model",
    "sklearn.svm",
    "nexusml.pipeline.runner",
    "nexusml.pipeline.orchestrator",
    "nexusml.pipeline.sequential",
    "nexusml.pipeline.stages",
    "nexusml.model.classifier",
    "nexusml.model.builder",
    "nexusml.features.split",
    "skops.io",  # about a second to import: saving a model needs it
)
POLL_SECONDS = 0.05
CHILD_NAME = "nexusml-training"
# After a cancel, the child gets this long to stop at its next check (a single fit on a big file can
# run for minutes without one); then it is terminated.  Only the fits run that long, and they write
# no file, so nothing is left half-written.
CANCEL_GRACE_SECONDS = 5.0

_helpers_lock = threading.Lock()
_helpers_started = False


def _context():
    # forkserver on Linux only: on macOS, forking once system frameworks are loaded is unsafe.
    if sys.platform.startswith("linux") and "forkserver" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


def start_helpers() -> None:
    """Start multiprocessing's helper processes, once, with the null device as their output.

    The fork server (which imports ``PRELOAD`` in the background) and the
    resource tracker live as long as the wizard and inherit its standard output
    and error: pointed at the terminal, a warning one of them printed would land
    on the wizard's screen.  The wizard calls this before it takes over the
    terminal; a run started without it (the tests) calls it on the way.
    """
    global _helpers_started
    with _helpers_lock:
        if _helpers_started:
            return
        context = _context()
        saved = [os.dup(1), os.dup(2)]
        saved_stderr = sys.stderr
        with open(os.devnull, "w", encoding="utf-8") as null:
            try:
                os.dup2(null.fileno(), 1)
                os.dup2(null.fileno(), 2)
                sys.stderr = null  # the resource tracker is handed sys.stderr's descriptor
                if context.get_start_method() == "forkserver":
                    from multiprocessing import forkserver

                    context.set_forkserver_preload(list(PRELOAD))
                    forkserver.ensure_running()  # starts the resource tracker too
                else:
                    from multiprocessing import resource_tracker

                    resource_tracker.ensure_running()
            finally:
                sys.stderr = saved_stderr
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)
                for fd in saved:
                    os.close(fd)
        _helpers_started = True


def run_in_process(args: Any, on_event: OnEvent, on_log: OnLog, cancel: Any) -> Any:
    """Run ``run_training(args)`` in a child process and return its result.

    ``on_event`` gets every pipeline event and ``on_log`` every ``nexusml`` log
    record at or above ``args.log_level`` (as level, logger name, text).  Setting
    ``cancel`` asks the child to stop; one that has not stopped
    ``CANCEL_GRACE_SECONDS`` later is terminated.  Raises ``TrainingCancelled``
    or ``TrainingError`` as :func:`run_training` would; a child that dies
    without a word (killed, out of memory) is a ``TrainingError`` naming its
    last stage.
    """
    import time

    from nexusml.pipeline import StageStarted, TrainingCancelled, TrainingError

    start_helpers()
    context = _context()
    ours, theirs = context.Pipe()
    # Not a daemon: the run may start processes of its own (a parallel search, a local Dask cluster).
    process = context.Process(
        target=_child_main, args=(theirs, args, cancel.reason if cancel.cancelled else ""), name=CHILD_NAME
    )
    stage, asked_at = "setup", None
    try:
        process.start()
        theirs.close()
        while True:
            if cancel.cancelled and asked_at is None:
                asked_at = time.monotonic()
                # OSError: the child has just finished; its last message is still in the pipe.
                with contextlib.suppress(OSError):
                    ours.send(("cancel", cancel.reason))
            if asked_at is not None and time.monotonic() - asked_at > CANCEL_GRACE_SECONDS:
                process.terminate()
                process.join(5)
                raise TrainingCancelled(stage, f"{cancel.reason} during stage '{stage}' (the run was stopped)")
            try:
                if not ours.poll(POLL_SECONDS):
                    continue
                kind, *payload = ours.recv()
            except (EOFError, OSError):
                process.join(5)
                raise TrainingError(stage, _death_notice(process.exitcode)) from None
            if kind == "event":
                if isinstance(payload[0], StageStarted):
                    stage = payload[0].stage
                on_event(payload[0])
            elif kind == "log":
                on_log(*payload)
            elif kind == "done":
                return payload[0]
            elif kind == "cancelled":
                raise TrainingCancelled(*payload)
            elif kind == "failed":
                raise TrainingError(*payload)
    finally:
        ours.close()
        theirs.close()
        if process.pid is not None:
            process.join(5)
            if process.is_alive():
                process.terminate()
                process.join(5)


def stop_training_processes() -> None:
    """Terminate any training child still running (the wizard is closing)."""
    for child in multiprocessing.active_children():
        if child.name == CHILD_NAME:
            child.terminate()
            child.join(5)


def _death_notice(exit_code: int | None) -> str:
    if exit_code is not None and exit_code < 0:
        import signal

        try:
            name = signal.Signals(-exit_code).name
        except ValueError:
            name = f"signal {-exit_code}"
        hint = "; the machine may have run out of memory" if name == "SIGKILL" else ""
        return f"the training process was killed by {name}{hint}"
    return f"the training process stopped unexpectedly (exit code {exit_code})"


def run_in_thread(args: Any, on_event: OnEvent, on_log: OnLog, cancel: Any) -> Any:
    """The same contract as :func:`run_in_process`, running in the calling thread."""
    from nexusml.pipeline import run_training
    from nexusml.pipeline.logs import routed_logs

    with routed_logs(_RecordSender(getattr(logging, args.log_level, logging.INFO), on_log)):
        return run_training(args, on_event, cancel)


class _RecordSender(logging.Handler):
    """Hands each record to a callback as (level, name, text); lines narrating an event are left out."""

    def __init__(self, level: int, send: OnLog):
        super().__init__(level)
        self.send = send
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        from nexusml.pipeline.logs import EVENT_ECHO

        if getattr(record, EVENT_ECHO, False):  # the wizard shows the events themselves
            return
        try:
            text = self.format(record)
        except Exception:  # a bad format string in someone's log call
            text = str(record.msg)
        self.send(record.levelno, record.name, text)


def _child_main(conn: Any, args: Any, cancelled_already: str = "") -> None:
    """The child: run the training, reporting through ``conn``; a "cancel" message stops it."""
    import traceback

    # The wizard owns the terminal: nothing this process prints may reach it.
    quiet = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - kept open for the process
    os.dup2(quiet.fileno(), 1)
    os.dup2(quiet.fileno(), 2)
    sys.stdout = sys.stderr = quiet

    from nexusml.pipeline import CancelToken, TrainingCancelled, TrainingError
    from nexusml.pipeline.failures import describe_error

    lock = threading.Lock()

    def send(message: tuple) -> None:
        with lock:
            conn.send(message)

    token = CancelToken()
    if cancelled_already:
        token.cancel(cancelled_already)

    def listen() -> None:
        try:
            while True:
                kind, *payload = conn.recv()
                if kind == "cancel":
                    token.cancel(*payload)
        except (EOFError, OSError):  # the wizard has gone: stop rather than train for no one
            token.cancel("the wizard closed")

    threading.Thread(target=listen, name="nexusml-cancel-listener", daemon=True).start()
    try:
        result = run_in_thread(
            args, lambda event: send(("event", event)), lambda *record: send(("log", *record)), token
        )
    except TrainingCancelled as exc:
        send(("cancelled", exc.stage, exc.message, exc.exit_code, exc.saved_model))
    except TrainingError as exc:
        send(("failed", exc.stage, exc.message, exc.traceback, exc.saved_model))
    except BaseException as exc:  # outside any stage, e.g. the output directory
        send(("failed", "setup", describe_error(exc), traceback.format_exc()))
    else:
        send(("done", result))
    finally:
        conn.close()
        _stop_worker_pool()


def _stop_worker_pool() -> None:
    """Stop joblib's worker pool, if the run started one: a multiprocessing child skips the exit handlers that
    would, and its exit would then wait for the idle workers (the wizard kills it after its grace period)."""
    module = sys.modules.get("joblib.externals.loky.reusable_executor")
    executor = getattr(module, "_executor", None)  # the pool joblib started, if any (none is started here)
    if executor is not None:
        with contextlib.suppress(Exception):  # already stopping
            executor.shutdown(wait=True)
