"""The base of every error a user can cause and fix.

A :class:`NexusMLError`'s ``str()`` is one line that says what is wrong and how
to fix it; the command line prints it as it is, the wizard shows it in a
notification, and neither needs to know which component raised it.
"""

from __future__ import annotations


class NexusMLError(Exception):
    """A problem with the user's input (a file, a value, a config, a cluster), not a bug."""


class UsageError(NexusMLError):
    """The fix is another argument (``--sheet``, a column name): the command line exits 2 for it."""


class Cancelled(Exception):
    """Raised inside a long step (a fit, a search) when a cancel request is seen."""


def printable_lines(text: str) -> str:
    """``text`` safe to print: control characters (escapes, carriage returns) become ``?``; line breaks and tabs stay.

    One for one, so a styled text keeps its styles where they were.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch in "\n\t" else "?" for ch in text)


def printable(text: str) -> str:
    """``text`` safe to print on one terminal line: control characters (escapes, newlines) become ``?``."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(text))
