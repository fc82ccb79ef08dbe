"""The text every chart is made of: styled segments laid out in exactly ``width`` x ``height`` cells.

A chart is a list of lines, each a list of (text, SGR parameters) segments; :func:`render` cuts or
pads them to the chart's size and writes the ANSI colours.  The palette of every chart is here.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence
from typing import Any

from nexusml.errors import printable

Segment = tuple[str, str]  # (text, SGR parameters such as "1;32"; "" for none)
Line = list[Segment]

BOLD = "1"
DIM = "2"
ACCURACY = "38;5;12"  # bright blue
F1 = "38;5;10"  # bright green
BAR = "38;5;14"  # bright cyan
RIGHT = "1;38;5;10"
WRONG_STRONG = "1;38;5;9"  # at least a tenth of the row
WRONG = "38;5;11"
EIGHTHS = " ▏▎▍▌▋▊▉"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def fit_name(name: Any, width: int) -> str:
    """``name`` in at most ``width`` cells; a long one keeps its start and its end around "…".

    Control characters (a label's terminal escapes) become ``?``: a chart shows data, never runs it.
    """
    name = printable(str(name))
    if len(name) <= width:
        return name
    if width <= 1:
        return "…"[:width]
    head = math.ceil((width - 1) * 0.6)
    tail = width - 1 - head
    return name[:head] + "…" + (name[-tail:] if tail else "")


def render(lines: Sequence[Line], width: int, height: int) -> str:
    """The lines cut or padded to ``width`` cells, and blank lines up to ``height``, as ANSI text."""
    out = []
    for line in list(lines)[:height]:
        parts, used = [], 0
        for text, style in line:
            text = printable(text)[: max(width - used, 0)]
            if not text:
                continue
            used += len(text)
            parts.append(f"\x1b[{style}m{text}\x1b[0m" if style else text)
        parts.append(" " * (width - used))
        out.append("".join(parts))
    out += [" " * width] * (height - len(out))
    return "\n".join(out)


def message_chart(title: str, message: str, width: int, height: int) -> str:
    """A chart with nothing to draw: its title and why."""
    lines: list[Line] = [[(fit_name(title, width), BOLD)], []]
    lines += [[(row, DIM)] for row in textwrap.wrap(message, max(width, 10))]
    return render(lines, width, height)


def title_line(text: str, width: int) -> Line:
    """A bold title in ``width`` cells; "Kind: name" keeps its kind and shortens the name."""
    kind, sep, name = text.partition(": ")
    if sep and len(text) > width and len(kind) + 2 < width - 8:
        text = kind + sep + fit_name(name, width - len(kind) - 2)
    return [(fit_name(text, width), BOLD)]


def note_lines(text: str, width: int, rows: int) -> list[Line]:
    wrapped = textwrap.wrap(text, max(width, 10))
    if len(wrapped) > rows > 0:
        wrapped = wrapped[:rows]
        wrapped[-1] = wrapped[-1][: max(width - 2, 0)] + " …"
    return [[(row, DIM)] for row in wrapped[: max(rows, 0)]]


def bar_of(fraction: float, cells: int) -> str:
    """A bar ``fraction`` of ``cells`` long, to an eighth of a cell."""
    eighths = round(min(max(fraction, 0.0), 1.0) * cells * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")


def slug(name: str) -> str:
    """A file-name part for a target: letters, digits, "-" and "_" only."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", str(name)).strip("_") or "target"
