"""Column widths that fit a DataTable into the width it has, cells cut with an ellipsis, and the panel that refits.

A class name too long for its column shows its start, or, where that would look like another class's, the
part that tells it from the other classes (:class:`Names`): ``services and process source products`` beside
``services and process outlet products`` is ``…source products``, not ``services and proc…`` for both.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual.containers import Vertical

from tui.widgets.plain import printable_lines

CELL_PADDING = 2  # a DataTable pads each cell by one column on either side
SCROLLBAR = 2
MIN_FLEX = 4
CRAMPED = 60  # a table narrower than this says how to widen it


def fit_widths(available: int, fixed: dict[str, int], flexible: dict[str, tuple[int, float]]) -> dict[str, int]:
    """Widths for ``fixed`` columns (as given) and ``flexible`` ones (natural width, weight).

    Flexible columns get their natural width when everything fits; otherwise
    the room left is shared by weight, a column never getting more than it
    needs nor less than ``MIN_FLEX``.
    """
    widths = dict(fixed)
    room = available - SCROLLBAR - sum(fixed.values()) - CELL_PADDING * (len(fixed) + len(flexible))
    pending = dict(flexible)
    while pending:
        weight = sum(w for _, w in pending.values())
        share = {key: max(room, 0) * w / weight for key, (_, w) in pending.items()}
        small = {key: natural for key, (natural, _) in pending.items() if natural <= share[key]}
        if not small:
            for key in pending:
                widths[key] = max(MIN_FLEX, int(share[key]))
            break
        for key, natural in small.items():
            widths[key] = max(natural, 1)
            room -= natural
            del pending[key]
    return widths


def cut(value: str, style: str = "") -> Text:
    """A one-line cell: text too long for its column ends in an ellipsis."""
    return Text(value, style=style, no_wrap=True, overflow="ellipsis")


def squeeze(value: str, width: int) -> str:
    """``value`` in ``width`` columns, cut in the middle: class names differ at their start and at their end."""
    if len(value) <= width:
        return value
    if width <= 1:
        return "…"[:width]
    tail = (width - 1) // 2
    return value[: width - 1 - tail] + "…" + (value[-tail:] if tail else "")


BOUNDARY = re.compile(r"[\s._:/,;()\-]")  # a word ends before one of these
SHOWN_PART = 4  # a shared part is shown cut only if this much of it fits; else it is only "…"


def _shared(a: str, b: str) -> int:
    """How many leading characters of ``a`` are whole words ``b`` starts with too (up to a boundary, never all of a)."""
    n = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    n = min(n, len(a) - 1)
    while n > 0 and not BOUNDARY.match(a[n - 1]):
        n -= 1
    return max(n, 0)


def _cut_end(text: str, width: int) -> str:
    return text if len(text) <= width else (text[: width - 1] + "…" if width > 0 else "")


class Names:
    """The class names of one column: a name too long for its width shows its start, or, where another name's
    would look the same, its distinctive part (:meth:`short`).

    The distinctive part is what is left of a name without the leading and trailing words it shares with
    its closest neighbours (in alphabetical order, and in the order of the reversed names); the shared
    words are shown as far as the width allows, or as "…".
    """

    def __init__(self, names: Iterable[str]):
        self.names = sorted({str(n) for n in names if n})
        self.head = self._shared_parts(self.names, reverse=False)
        self.tail = self._shared_parts(self.names, reverse=True)
        self._at: dict[int, dict[str, str]] = {}

    @staticmethod
    def _shared_parts(names: list[str], reverse: bool) -> dict[str, int]:
        keyed = sorted((n[::-1] if reverse else n) for n in names)
        out: dict[str, int] = {}
        for k, name in enumerate(keyed):
            around = [keyed[j] for j in (k - 1, k + 1) if 0 <= j < len(keyed)]
            out[name[::-1] if reverse else name] = max((_shared(name, other) for other in around), default=0)
        return out

    def short(self, name: str, width: int) -> str:
        """``name`` in at most ``width`` columns: its start, unless another name would look the same; then its
        distinctive part; if that is shared too, its start and its end."""
        if len(name) <= width:
            return name
        if width not in self._at:
            shown = {n: _cut_end(n, width) for n in self.names}
            for stage in (self.distinctive, squeeze):
                counts = Counter(shown.values())
                clash = [n for n in self.names if counts[shown[n]] > 1]
                for n in clash:
                    shown[n] = stage(n, width)
            self._at[width] = shown
        return self._at[width].get(name) or self.distinctive(name, width)

    def distinctive(self, name: str, width: int) -> str:
        """``name`` in at most ``width`` columns, keeping its distinctive part."""
        if len(name) <= width:
            return name
        head, tail = self.head.get(name, 0), self.tail.get(name, 0)
        if not name[head : len(name) - tail].strip():  # every word is shared with one neighbour or another
            tail = 0  # the leading words go (a code table's names share their start: "Air terminal: ...")
        middle = name[head : len(name) - tail]
        if not middle.strip() or not (head or tail):
            return squeeze(name, width)
        marks = bool(head) + bool(tail)
        if len(middle) + marks > width:  # the distinctive part alone is too long: its start
            return ("…" if head else "") + _cut_end(middle, width - bool(head))
        room = width - len(middle)
        end = name[len(name) - tail :]
        if tail:
            keep = len(end) if len(end) <= room - bool(head) else room - bool(head) - 1
            end = end if keep == len(end) else (end[:keep] + "…" if keep >= SHOWN_PART else "…")
            room -= len(end)
        start = name[:head]
        if head:
            start = start if len(start) <= room else (start[: room - 1] + "…" if room - 1 >= SHOWN_PART else "…")
        return start + middle + end


class ClassName:
    """A cell holding a class name; when its column is too narrow, drawn by its distinctive part (``names``)
    or cut in the middle."""

    def __init__(self, value: str, style: str = "", names: Names | None = None):
        self.plain = printable_lines(value).replace("\n", " ")  # shown as text (see tui.widgets.plain)
        self.style = style
        self.names = names

    def __str__(self) -> str:
        return self.plain

    def __repr__(self) -> str:
        return f"ClassName({self.plain!r})"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        shown = self.names.short(self.plain, width) if self.names is not None else squeeze(self.plain, width)
        yield Text(shown, style=self.style, no_wrap=True)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, len(self.plain))


class FittedPanel(Vertical):
    """A panel whose table is laid out again whenever its width changes (``_fill`` draws it)."""

    _width = 0

    def on_resize(self) -> None:
        # The event's size is the panel's outside (its border included), and may be older than the panel's layout
        # now: the table is laid out in the content width, the one measure every refit uses.
        self.fit_to_width()

    def fit_to_width(self) -> None:
        """Lay the columns out for the panel's content width now, if it changed (a hidden panel, of no width,
        keeps its columns)."""
        width = self.size.width
        if width and width != self._width:
            self._width = width
            self._fill(keep_cursor=True)

    def _fill(self, keep_cursor: bool = False) -> None:
        raise NotImplementedError
