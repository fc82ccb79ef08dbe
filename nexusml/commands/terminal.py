"""The command line's one boundary to the terminal: what a file holds is printed, never run.

Labels, column names and cells reach the summary, the log lines and the error
messages; an ESC sequence among them would clear the screen or set the window
title.  :func:`safe_terminal` puts a filter on ``sys.stdout`` and ``sys.stderr``
for the run of a command: control characters other than line breaks and tabs
are written as ``?``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, NoReturn, TextIO

from nexusml.errors import printable_lines


class SafeStream:
    """A text stream that writes control characters as ``?``.

    When its reader has gone (``nexusml-predict ... | head -1``), the rest of the text goes nowhere and the
    command carries on: its work is the files it writes, not the lines it prints.
    """

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(printable_lines(text))
        except BrokenPipeError:
            self._drop_the_rest()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._drop_the_rest()

    def _drop_the_rest(self) -> None:
        # Python flushes stdout again at exit and would report the pipe there: point the descriptor at nothing.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def safe_terminal() -> Iterator[None]:
    """``sys.stdout`` and ``sys.stderr`` filtered for the duration (see the module's docstring)."""
    saved = sys.stdout, sys.stderr
    if sys.stdout is not None and not isinstance(sys.stdout, SafeStream):
        sys.stdout = SafeStream(sys.stdout)
    if sys.stderr is not None and not isinstance(sys.stderr, SafeStream):
        sys.stderr = SafeStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


class Stopped(KeyboardInterrupt):
    """SIGINT or SIGTERM during a command; carries the exit code (128 + the signal's number)."""

    def __init__(self, signum: int):
        import signal

        super().__init__(signal.Signals(signum).name)
        self.exit_code = 128 + signum


def command_main(prog: str) -> Callable[[Callable[..., int]], Callable[..., int]]:
    """A command's ``main``: printed through :func:`safe_terminal`, stopped by ctrl+c or SIGTERM with one line.

    The exit code is 130 (ctrl+c) or 143 (SIGTERM); the commands write their files
    atomically, so a stop leaves no partial file.
    """

    def decorate(main: Callable[..., int]) -> Callable[..., int]:
        @wraps(main)
        def run(*args: Any, **kwargs: Any) -> int:
            import signal

            def stop(signum: int, frame: Any) -> None:
                raise Stopped(signum)

            previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                for sig in previous:
                    signal.signal(sig, stop)
            except ValueError:  # not the main thread: no handlers, ctrl+c still stops it
                previous = {}
            with safe_terminal():
                try:
                    return main(*args, **kwargs)
                except KeyboardInterrupt as exc:
                    code = getattr(exc, "exit_code", 130)
                    name = "SIGTERM" if code == 143 else "ctrl+c"
                    print(f"{prog}: stopped by {name}; no partial file was left", file=sys.stderr)
                    return code

                finally:
                    for sig, handler in previous.items():
                        signal.signal(sig, handler)

        return run

    return decorate


def exit_now(code: int) -> NoReturn:
    """End the process with ``code`` once the output is flushed, without freeing every object first.

    For the console scripts only: a loaded model is millions of Python objects (its vocabularies), and the
    interpreter's teardown would spend half a second freeing them one by one.  Every file the commands
    write is complete and closed (written atomically) before they return.
    """
    import logging

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    logging.shutdown()
    os._exit(code)
