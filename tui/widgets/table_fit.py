"""Column widths that fit a DataTable into the width it has, cells cut with an ellipsis, and the panel that refits."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual import events
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


class ClassName:
    """A cell holding a class name; drawn cut in the middle when its column is too narrow."""

    def __init__(self, value: str, style: str = ""):
        self.plain = printable_lines(value).replace("\n", " ")  # shown as text (see tui.widgets.plain)
        self.style = style

    def __str__(self) -> str:
        return self.plain

    def __repr__(self) -> str:
        return f"ClassName({self.plain!r})"

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text(squeeze(self.plain, options.max_width), style=self.style, no_wrap=True)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, len(self.plain))


class FittedPanel(Vertical):
    """A panel whose table is laid out again whenever its width changes (``_fill`` draws it)."""

    _width = 0

    def on_resize(self, event: events.Resize) -> None:
        self.fit_to_width(event.size.width)

    def fit_to_width(self, width: int | None = None) -> None:
        """Lay the columns out for ``width`` (default: the panel's width now), if it changed."""
        width = self.size.width if width is None else width
        if width != self._width:
            self._width = width
            self._fill(keep_cursor=True)

    def _fill(self, keep_cursor: bool = False) -> None:
        raise NotImplementedError
