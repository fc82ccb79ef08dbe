"""Training in a child process, so the wizard never waits on the GIL while the model fits.

scikit-learn holds the GIL while it converts a large feature matrix for a fit:
about 0.3 s per classifier at 100,000 rows, seconds at a million.  A training
thread in the wizard's own process would freeze the screen for that long.  The
child runs :func:`run_training` and streams its events and log records back
through a pipe; the wizard's worker thread waits on the pipe, which holds no
lock the screen needs.  Cancelling is a message to the child, which stops
between stages or inside the fits, exactly as a cancelled in-process run does.

Children are forked from a server process that has imported the libraries a run
needs (``forkserver``), so only the first run of a session waits for pandas and
scikit-learn to import.  Where ``forkserver`` does not exist (Windows) each run
starts a fresh interpreter.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import sys
import threading
from typing import Any, Callable, Iterator

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
    "nexusml.core.pipeline.runner",
    "nexusml.core.pipeline.stages",
    "nexusml.core.components.model",
    "nexusml.core.components.training",
)
POLL_SECONDS = 0.05


def _context():
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(PRELOAD))
        return context
    return multiprocessing.get_context("spawn")


def run_in_process(args: Any, on_event: OnEvent, on_log: OnLog, cancel: Any) -> Any:
    """Run ``run_training(args)`` in a child process and return its result.

    ``on_event`` gets every pipeline event and ``on_log`` every ``nexusml`` log
    record at or above ``args.log_level`` (as level, logger name, text).  Setting
    ``cancel`` asks the child to stop.  Raises ``TrainingCancelled`` or
    ``TrainingError`` as :func:`run_training` would; a child that dies without a
    word (killed, out of memory) is a ``TrainingError`` naming its last stage.
    """
    from nexusml.core.pipeline import StageStarted, TrainingCancelled, TrainingError

    context = _context()
    ours, theirs = context.Pipe()
    process = context.Process(target=_child_main, args=(theirs, args), name="nexusml-training", daemon=True)
    with _stderr_with_a_descriptor():
        process.start()
    theirs.close()
    stage, asked_to_stop = "setup", False
    try:
        while True:
            if cancel.cancelled and not asked_to_stop:
                asked_to_stop = True
                try:
                    ours.send(("cancel", cancel.reason))
                except OSError:
                    pass  # the child has just finished; its last message is still in the pipe
            try:
                if not ours.poll(POLL_SECONDS):
                    continue
                kind, *payload = ours.recv()
            except (EOFError, OSError):
                process.join(5)
                raise TrainingError(
                    stage, f"the training process stopped unexpectedly (exit code {process.exitcode})"
                ) from None
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
        process.join(5)
        if process.is_alive():
            process.terminate()
            process.join(5)


@contextlib.contextmanager
def _stderr_with_a_descriptor() -> Iterator[None]:
    """Give ``sys.stderr`` a file descriptor while multiprocessing starts its helper processes.

    They inherit the descriptor of ``sys.stderr``; while the wizard runs, that is
    Textual's capture object, which has none.  The null device stands in (the
    helpers must not write on the wizard's screen anyway).
    """
    try:
        usable = sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        usable = False
    if usable:
        yield
        return
    saved = sys.stderr
    with open(os.devnull, "w", encoding="utf-8") as null:
        sys.stderr = null
        try:
            yield
        finally:
            sys.stderr = saved


def run_in_thread(args: Any, on_event: OnEvent, on_log: OnLog, cancel: Any) -> Any:
    """The same contract as :func:`run_in_process`, running in the calling thread."""
    from nexusml.core.pipeline import run_training
    from nexusml.core.pipeline.runner import routed_logs

    with routed_logs(_RecordSender(getattr(logging, args.log_level, logging.INFO), on_log)):
        return run_training(args, on_event, cancel)


class _RecordSender(logging.Handler):
    """Hands each record to a callback as (level, name, text); lines narrating an event are left out."""

    def __init__(self, level: int, send: OnLog):
        super().__init__(level)
        self.send = send
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        from nexusml.core.pipeline.runner import EVENT_ECHO

        if getattr(record, EVENT_ECHO, False):  # the wizard shows the events themselves
            return
        try:
            text = self.format(record)
        except Exception:  # a bad format string in someone's log call
            text = str(record.msg)
        self.send(record.levelno, record.name, text)


def _child_main(conn: Any, args: Any) -> None:
    """The child: run the training, reporting through ``conn``; a "cancel" message stops it."""
    import traceback

    # The wizard owns the terminal: nothing this process prints may reach it.
    quiet = open(os.devnull, "w", encoding="utf-8")
    os.dup2(quiet.fileno(), 1)
    os.dup2(quiet.fileno(), 2)
    sys.stdout = sys.stderr = quiet

    from nexusml.core.pipeline import CancelToken, TrainingCancelled, TrainingError
    from nexusml.core.pipeline.orchestrator import describe_error

    lock = threading.Lock()

    def send(message: tuple) -> None:
        with lock:
            conn.send(message)

    token = CancelToken()

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
        result = run_in_thread(args, lambda event: send(("event", event)),
                               lambda *record: send(("log", *record)), token)
    except TrainingCancelled as exc:
        send(("cancelled", exc.stage, exc.message, exc.exit_code))
    except TrainingError as exc:
        send(("failed", exc.stage, exc.message, exc.traceback))
    except BaseException as exc:  # outside any stage, e.g. the output directory
        send(("failed", "setup", describe_error(exc), traceback.format_exc()))
    else:
        send(("done", result))
    finally:
        conn.close()
