"""Worker processes that do not outlive the run that started them.

joblib's loky workers wait for tasks from their parent and stop only when told
to, or after five idle minutes: a run killed with SIGKILL (by a person, or by
the kernel when memory runs out) leaves them computing the queued search fits
and then waiting, 200+ MB each.  :func:`exit_with_parent` is the workers'
initializer: a thread in each worker notices within half a second that its
parent is gone (the worker is handed to another parent) and ends the worker.

A thread rather than ``prctl(PR_SET_PDEATHSIG)``: Linux sends that signal when
the *thread* that started the worker ends, and loky starts replacement workers
from its own management threads, so a worker could be killed while the run is
alive.  The fits the workers run release the GIL, so the thread gets its turn.
"""

from __future__ import annotations

import os
import threading
import time

from nexusml.store.io import process_alive

POLL_SECONDS = 0.5
EXIT_CODE = 3  # an orphaned worker's exit status (a run never waits for it)


def exit_with_parent(parent: int, poll_seconds: float = POLL_SECONDS) -> None:
    """Initializer of a worker process: it exits soon after process ``parent`` (the run) is gone."""
    if os.name != "posix":  # a Windows process keeps its parent's pid and cannot be tested without killing it
        return
    started_under = os.getppid()
    if not process_alive(parent):
        os._exit(EXIT_CODE)
    thread = threading.Thread(
        target=_watch, args=(parent, started_under, poll_seconds), name="nexusml-parent-watch", daemon=True
    )
    thread.start()


def _watch(parent: int, started_under: int, poll_seconds: float) -> None:
    while True:
        time.sleep(poll_seconds)
        # An orphan is handed to init (or a subreaper); when the run is not the direct parent, ask after it.
        if os.getppid() != started_under or (started_under != parent and not process_alive(parent)):
            os._exit(EXIT_CODE)


def worker_options(parent: int | None = None) -> dict[str, object]:
    """The ``joblib.Parallel`` arguments that make local (loky) workers exit with this process."""
    return {"initializer": exit_with_parent, "initargs": (os.getpid() if parent is None else parent,)}
