"""The command line's one boundary to the terminal: what a file holds is printed, never run.

Labels, column names and cells reach the summary, the log lines and the error
messages; an ESC sequence among them would clear the screen or set the window
title.  :func:`safe_terminal` puts a filter on ``sys.stdout`` and ``sys.stderr``
for the run of a command: control characters other than line breaks and tabs
are written as ``?``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TextIO

from nexusml.errors import printable_lines


class SafeStream:
    """A text stream that writes control characters as ``?``."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(printable_lines(text))

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


def printed_safely(main: Callable[..., int]) -> Callable[..., int]:
    """``main`` run inside :func:`safe_terminal`."""

    @wraps(main)
    def run(*args: Any, **kwargs: Any) -> int:
        with safe_terminal():
            return main(*args, **kwargs)

    return run
