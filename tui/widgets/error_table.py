"""The misclassified held-out rows of one target, read from the run's errors CSV, filtered by class."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from tui.widgets.plain import DataTable, Static
from tui.widgets.table_fit import CRAMPED, ClassName, FittedPanel, cut, fit_widths

COLUMNS = ("row", "target", "text", "true", "predicted", "confidence", "second_best")
SHOWN = ("row", "text", "true", "predicted", "confidence", "second_best")
LABELS = {"second_best": "second best"}
WEIGHTS = {"text": 3.0, "true": 2.0, "predicted": 2.0, "second_best": 1.5}
MAX_ROWS = 500  # rows put in the table at once; the filter narrows the rest
NARROW = 80  # below this width: "conf" for "confidence", no "second best" column


def read_errors(path: Path) -> list[dict[str, str]]:
    """The rows of an errors CSV; raises ``ValueError`` when it lacks a column the table needs."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
        if missing:
            raise ValueError(f"not an errors file (no {', '.join(missing)} column)")
        return [{c: row.get(c) or "" for c in COLUMNS} for row in reader]


def matches(row: dict[str, str], query: str) -> bool:
    """``query`` in the true or the predicted class (case-insensitive); ``true:``/``pred:`` picks one side."""
    query = query.strip().casefold()
    sides: tuple[str, ...] = ("true", "predicted")
    for prefix, side in (("true:", "true"), ("predicted:", "predicted"), ("pred:", "predicted")):
        if query.startswith(prefix):
            query, sides = query[len(prefix) :].strip(), (side,)
            break
    return not query or any(query in row[side].casefold() for side in sides)


def confidence_text(value: str) -> str:
    try:
        number = float(value)
    except ValueError:
        return ""
    return "" if number != number else f"{number:.3f}"  # NaN: the model gave no confidence


def row_number(row: dict[str, str]) -> int:
    try:
        return int(row["row"])
    except ValueError:
        return 0


def confidence_of(row: dict[str, str]) -> float:
    try:
        number = float(row["confidence"])
    except ValueError:
        return -1.0
    return -1.0 if number != number else number


class ErrorTable(FittedPanel):
    """Error rows of the chosen target; the box filters by true or predicted class, ``r``/``c`` sort."""

    BINDINGS = [
        Binding("r", "sort('row')", "Sort by row"),
        Binding("c", "sort('confidence')", "Sort by confidence"),
    ]

    @dataclass
    class Loaded(Message):
        rows: list[dict[str, str]] | None
        note: str

    def __init__(self, path: Path | None, *, narrow_hint: str = "", id: str | None = None):
        super().__init__(id=id)
        self.narrow_hint = narrow_hint  # added to the count line when the table is cramped
        self.path = path
        self.target: str | None = None
        self.rows: list[dict[str, str]] | None = None
        self.note = "reading the errors file…"
        self.loading = path is not None
        self.sort_key = "row"
        self._width = 0

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="filter by class, true or predicted (true:… / pred:… for one side)",
            id="error-filter",
            compact=True,
        )
        yield Static("", id="error-count", classes="table-count")
        yield DataTable(id="error-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="error-detail", classes="table-detail")

    def on_mount(self) -> None:
        if self.path is None:
            self.note = "this run saved no errors file"
        else:
            self.load(self.path)
        self._fill()

    @property
    def table(self) -> DataTable:
        return self.query_one("#error-table", DataTable)

    @property
    def filter_text(self) -> str:
        return self.query_one("#error-filter", Input).value

    @filter_text.setter
    def filter_text(self, value: str) -> None:
        self.query_one("#error-filter", Input).value = value

    def show(self, target: str | None) -> None:
        self.target = target
        self._fill()

    def action_sort(self, key: str) -> None:
        self.sort_key = key
        self._fill()

    @on(DataTable.HeaderSelected, "#error-table")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        if event.column_key.value in ("row", "confidence"):
            self.action_sort(str(event.column_key.value))

    @work(thread=True, exclusive=True, exit_on_error=False, group="errors-file")
    def load(self, path: Path) -> None:
        try:
            rows = read_errors(path)
        except FileNotFoundError:
            self.post_message(self.Loaded(None, f"the errors file is missing: {path}"))
        except (OSError, ValueError, UnicodeDecodeError, csv.Error) as exc:
            self.post_message(self.Loaded(None, f"cannot read {path.name}: {exc}"))
        else:
            self.post_message(self.Loaded(rows, ""))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.rows, self.note, self.loading = message.rows, message.note, False
        self._fill()

    @on(Input.Changed, "#error-filter")
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        self._fill()

    @on(Input.Submitted, "#error-filter")
    def _to_table(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

    @on(DataTable.RowHighlighted, "#error-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._detail(None if event.row_key is None else event.row_key.value)

    # -- drawing ----------------------------------------------------------------------------------

    def _fill(self, keep_cursor: bool = False) -> None:
        table = self.table
        current = None
        if keep_cursor and 0 <= table.cursor_row < table.row_count:
            current = table.ordered_rows[table.cursor_row].key.value
        table.clear(columns=True)
        count = self.query_one("#error-count", Static)
        if self.rows is None:
            style = "yellow" if self.path is None else ("dim" if self.loading else "red")
            count.update(Text(self.note, style=style))
            self._detail(None)
            return
        mine = [(i, row) for i, row in enumerate(self.rows) if row["target"] == self.target]
        query = self.filter_text
        shown = [(i, row) for i, row in mine if matches(row, query)] if query.strip() else list(mine)
        if self.sort_key == "confidence":
            shown.sort(key=lambda item: -confidence_of(item[1]))
        else:
            shown.sort(key=lambda item: row_number(item[1]))
        narrow = 0 < self._width < NARROW
        columns = [c for c in SHOWN if not (narrow and c == "second_best")]  # the detail line still shows it
        natural = {c: max((len(row[c]) for _, row in shown[:MAX_ROWS]), default=0) for c in columns}
        labels = {c: LABELS.get(c, c) for c in columns} | ({"confidence": "conf"} if narrow else {})
        labels[self.sort_key] += " ▼" if self.sort_key == "confidence" else " ▲"
        fixed = {"row": max(natural["row"], len(labels["row"])), "confidence": max(5, len(labels["confidence"]))}
        flexible = {c: (max(natural[c], len(labels[c])), w) for c, w in WEIGHTS.items() if c in columns}
        widths = fit_widths(self._width or 200, fixed, flexible)
        for c in columns:
            table.add_column(labels[c], key=c, width=widths[c])
        for i, row in shown[:MAX_ROWS]:
            cells = {
                "row": Text(row["row"], justify="right"),
                "text": cut(row["text"]),
                "true": ClassName(row["true"]),
                "predicted": ClassName(row["predicted"], "yellow"),
                "confidence": Text(confidence_text(row["confidence"]), justify="right"),
                "second_best": ClassName(row["second_best"], "dim"),
            }
            table.add_row(*(cells[c] for c in columns), key=str(i))
        if self.target is None:
            count.update("no target")
        elif not mine:
            count.update(Text(f"no misclassified held-out rows for {self.target}", style="green"))
        else:
            noun = "error" if len(mine) == 1 else "errors"
            order = "most confident first" if self.sort_key == "confidence" else "in file order"
            listed = (
                f"{len(shown)} shown" if len(shown) <= MAX_ROWS else f"{len(shown)} match, the first {MAX_ROWS} shown"
            )
            text = Text.assemble(f"{len(mine)} {noun} for {self.target}, {listed}", (f" · {order}", "dim"))
            if self.narrow_hint and 0 < self._width < CRAMPED:
                text.append(f" · {self.narrow_hint}", "bold")
            count.update(text)
        if current is not None and current in table.rows:
            table.move_cursor(row=table.get_row_index(current), animate=False)
        else:
            current = str(shown[0][0]) if shown else None
        self._detail(current)

    def _detail(self, key: str | None) -> None:
        detail = self.query_one("#error-detail", Static)
        if key is None or self.rows is None:
            detail.update("")
            return
        row = self.rows[int(key)]
        text = Text()
        text.append(f"row {row['row']}  ", "dim")
        text.append(row["text"], "bold")
        text.append("\n")
        text.append(row["true"])
        text.append(" → ", "dim")
        text.append(row["predicted"], "yellow")
        conf = confidence_text(row["confidence"])
        if conf:
            text.append(f" ({conf})", "dim")
        if row["second_best"]:
            text.append("\nsecond best: ", "dim")
            text.append(row["second_best"])
        detail.update(text)
