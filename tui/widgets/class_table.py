"""One target's per-class figures (F1, precision, recall, support): sortable, filtered by name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from tui.widgets.plain import DataTable, Static
from tui.widgets.table_fit import CRAMPED, ClassName, FittedPanel, Names, fit_widths

FIGURES = ("f1", "precision", "recall", "support")
LABELS = {"class": "class", "f1": "F1", "precision": "precision", "recall": "recall", "support": "support"}
SHORT = {"precision": "prec", "recall": "rec", "support": "n"}
ORDER_WORDS = {
    "class": ("name A→Z", "name Z→A"),
    "f1": ("worst F1 first", "best F1 first"),
    "precision": ("lowest precision first", "highest precision first"),
    "recall": ("lowest recall first", "highest recall first"),
    "support": ("fewest held-out rows first", "most held-out rows first"),
}
MAX_ROWS = 500  # rows put in the table at once; the filter narrows the rest
NARROW = 64  # below this width the figure columns get short labels


def sort_rows(rows: list[tuple[str, dict[str, Any]]], key: str, descending: bool) -> list[tuple[str, dict[str, Any]]]:
    """Classes in the chosen order; ties go to the worse F1, then the more frequent class, then the name."""
    if key == "class":
        return sorted(rows, key=lambda r: r[0].casefold(), reverse=descending)
    ordered = sorted(rows, key=lambda r: (r[1]["f1"], -r[1]["support"], r[0]))
    return sorted(ordered, key=lambda r: r[1][key], reverse=descending)  # stable: ties keep the order above


class ClassTable(FittedPanel):
    """Per-class table of the chosen target; ``f``/``s`` (or a header click) sort, the box filters."""

    BINDINGS = [
        Binding("f", "sort('f1')", "Sort by F1"),
        Binding("s", "sort('support')", "Sort by support"),
    ]

    @dataclass
    class ClassChosen(Message):
        """Enter on a class: show its error rows."""

        target: str
        name: str

    def __init__(self, metrics: dict[str, dict[str, Any]], *, narrow_hint: str = "", id: str | None = None):
        super().__init__(id=id)
        self.narrow_hint = narrow_hint  # added to the count line when the table is cramped
        self.metrics = metrics
        self.target: str | None = None
        self.sort_key = "f1"
        self.descending = False
        self._width = 0

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter classes (type part of a name)", id="class-filter", compact=True)
        yield Static("", id="class-count", classes="table-count")
        yield DataTable(id="class-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="class-detail", classes="table-detail")

    @property
    def table(self) -> DataTable:
        return self.query_one("#class-table", DataTable)

    @property
    def per_class(self) -> dict[str, dict[str, Any]]:
        if self.target is None:
            return {}
        return (self.metrics.get(self.target) or {}).get("per_class") or {}

    def show(self, target: str | None) -> None:
        """Show the classes of ``target`` (the filter and the order stay)."""
        self.target = target
        self._fill(keep_cursor=False)

    def action_sort(self, key: str) -> None:
        if key == self.sort_key:
            self.descending = not self.descending
        else:
            self.sort_key, self.descending = key, key == "support"
        self._fill(keep_cursor=False)

    @on(DataTable.HeaderSelected, "#class-table")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        self.action_sort(str(event.column_key.value))

    @on(Input.Changed, "#class-filter")
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(keep_cursor=False)

    @on(Input.Submitted, "#class-filter")
    def _to_table(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

    @on(DataTable.RowHighlighted, "#class-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._detail(None if event.row_key is None else event.row_key.value)

    @on(DataTable.RowSelected, "#class-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.target and event.row_key.value is not None:
            self.post_message(self.ClassChosen(self.target, event.row_key.value))

    # -- drawing ----------------------------------------------------------------------------------

    def _fill(self, keep_cursor: bool = True) -> None:
        table = self.table
        current = None
        if keep_cursor and 0 <= table.cursor_row < table.row_count:
            current = table.ordered_rows[table.cursor_row].key.value
        needle = self.query_one("#class-filter", Input).value.strip().casefold()
        rows = [(name, f) for name, f in self.per_class.items() if needle in name.casefold()]
        rows = sort_rows(rows, self.sort_key, self.descending)
        table.clear(columns=True)
        names = Names(self.per_class)  # a name cut to its column keeps what tells it from the others
        narrow = 0 < self._width < NARROW
        labels = {key: SHORT.get(key, LABELS[key]) if narrow else LABELS[key] for key in ("class", *FIGURES)}
        labels[self.sort_key] += " ▼" if self.descending else " ▲"
        values = {key: 5 for key in FIGURES} | {"support": len(str(_most_rows(rows)))}
        figures_width = {key: max(values[key], len(labels[key])) for key in FIGURES}
        natural = max((len(name) for name, _ in rows), default=0)
        widths = fit_widths(self._width or 200, figures_width, {"class": (max(natural, len(labels["class"])), 1.0)})
        for key in ("class", *FIGURES):
            table.add_column(labels[key], key=key, width=widths[key])
        for name, f in rows[:MAX_ROWS]:
            style = "dim" if not f["support"] else ""
            table.add_row(
                ClassName(name, style, names),
                *(Text(f"{f[k]:.3f}", style=style, justify="right") for k in FIGURES[:3]),
                Text(str(f["support"]), style=style, justify="right"),
                key=name,
            )
        if current is not None and current in table.rows:
            table.move_cursor(row=table.get_row_index(current), animate=False)
        self._count(len(rows))
        self._detail(current if current in table.rows else (rows[0][0] if rows else None))

    def _count(self, shown: int) -> None:
        count = self.query_one("#class-count", Static)
        if self.target is None:
            count.update("no target")
            return
        if not self.per_class:
            m = self.metrics.get(self.target) or {}
            why = "it has no held-out rows" if m.get("support") == 0 else "the run saved no per-class figures"
            count.update(Text(f"{self.target}: {why}", style="yellow"))
            return
        present = sum(1 for f in self.per_class.values() if f["support"])
        only = len(self.per_class) - present
        text = Text(f"{present} classes")
        if only:
            text.append(f" + {only} only predicted", "dim")
        text.append(f", {shown} shown" if shown <= MAX_ROWS else f", {shown} match, the first {MAX_ROWS} shown")
        text.append(f" · {ORDER_WORDS[self.sort_key][self.descending]}", "dim")
        if self.narrow_hint and 0 < self._width < CRAMPED:
            text.append(f" · {self.narrow_hint}", "bold")
        count.update(text)

    def _detail(self, name: str | None) -> None:
        detail = self.query_one("#class-detail", Static)
        f = self.per_class.get(name) if name else None
        if f is None:
            detail.update("")
            return
        text = Text()
        text.append(name or "", "bold")
        text.append(
            f"\nF1 {f['f1']:.3f} · precision {f['precision']:.3f} · recall {f['recall']:.3f} · "
            f"{f['support']} held-out row{'' if f['support'] == 1 else 's'}",
            "dim",
        )
        if not f["support"]:
            text.append(" (only predicted)", "dim")
        detail.update(text)


def _most_rows(rows: list[tuple[str, dict[str, Any]]]) -> int:
    return max((f["support"] for _, f in rows), default=0)
