"""The rows of a run's report on one target, read from its CSV, filtered by class and sorted.

Two reports: the misclassified held-out rows (the errors file) and the training rows whose label looks
wrong (the suspects file), where a row can be corrected (the suggested class, or one typed) or kept (it
leaves the list), and the corrections applied to a copy of the training file (see ``tui.suspects``).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from tui.reports import ERRORS, SUSPECTS, Kind, matches, number_of, number_text, read_rows, row_number
from tui.suspects import Correction, Decisions
from tui.widgets.plain import DataTable, Static
from tui.widgets.table_fit import CRAMPED, ClassName, FittedPanel, Names, cut, fit_widths

LABELS = {"second_best": "second best"}
CLASSES = ("true", "predicted", "label", "suggested", "decision")
WEIGHTS = {"text": 3.0, "second_best": 1.5} | dict.fromkeys(CLASSES, 2.0)
MAX_ROWS = 500  # rows put in the table at once; the filter narrows the rest
NARROW = 80  # below this width: "conf" for "confidence", no "second best" column


class ErrorTable(FittedPanel):
    """The report's rows of the chosen target; the box filters by class, ``r`` and ``c`` (``s``) sort.

    On the suspects file (``kind=SUSPECTS``) ``y`` (or enter) corrects the row to the suggested class,
    ``t`` to a typed one, ``k`` keeps the label, ``u`` takes the last decision back, ``a`` applies them.
    """

    BINDINGS = [
        Binding("r", "sort('row')", "Sort by row"),
        Binding("c", "sort('confidence')", "Sort by confidence"),
        Binding("s", "sort('score')", "Sort by score"),
        Binding("y", "use_suggested", "Use suggested"),
        Binding("t", "type_class", "Type a class"),
        Binding("k", "keep", "Keep label"),
        Binding("u", "undo", "Undo"),
        Binding("a", "apply", "Apply"),
    ]
    DEFAULT_CSS = """
    ErrorTable.-suspects { padding: 0 1; }
    ErrorTable.-suspects Input { width: 1fr; }
    ErrorTable.-suspects DataTable { height: 1fr; min-height: 4; }
    """
    DECIDING = ("use_suggested", "type_class", "keep", "undo", "apply")

    @dataclass
    class Loaded(Message):
        rows: list[dict[str, str]] | None
        note: str

    @dataclass
    class ApplyRequested(Message):
        """``a`` on the suspects: write the training file's corrected copy (the results screen asks where)."""

        corrections: list[Correction]

    def __init__(
        self,
        path: Path | None,
        *,
        kind: Kind = ERRORS,
        note: str = "",
        known: Callable[[str], list[str]] | None = None,
        narrow_hint: str = "",
        id: str | None = None,
    ):
        super().__init__(id=id, classes=f"-{kind.report}")
        self.kind = kind
        self.narrow_hint = narrow_hint  # added to the count line when the table is cramped
        self.path = path
        self.target: str | None = None
        self.rows: list[dict[str, str]] | None = None
        self.note = f"reading the {kind.report} file…" if path is not None else note
        self.loading = path is not None
        self.sort_key = kind.ranked if kind is SUSPECTS else "row"
        self.decisions = Decisions()
        self.known = known  # the classes the model knows for a target (a typed class outside them asks first)
        self._width = 0

    def compose(self) -> ComposeResult:
        prefix = self.kind.prefix
        yield Input(placeholder=self.kind.placeholder, id=f"{prefix}-filter", compact=True)
        yield Static("", id=f"{prefix}-count", classes="table-count")
        yield DataTable(id=f"{prefix}-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id=f"{prefix}-detail", classes="table-detail")

    def on_mount(self) -> None:
        if self.path is None:
            self.note = self.note or f"this run saved no {self.kind.report} file"
        else:
            self.load(self.path)
        self._fill()

    @property
    def table(self) -> DataTable:
        return self.query_one(f"#{self.kind.prefix}-table", DataTable)

    @property
    def filter_box(self) -> Input:
        return self.query_one(f"#{self.kind.prefix}-filter", Input)

    @property
    def filter_text(self) -> str:
        return self.filter_box.value

    @filter_text.setter
    def filter_text(self, value: str) -> None:
        self.filter_box.value = value

    def show(self, target: str | None) -> None:
        self.target = target
        self._fill()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "sort":
            return parameters[0] in ("row", self.kind.ranked)
        return self.kind is SUSPECTS or action not in self.DECIDING

    def action_sort(self, key: str) -> None:
        self.sort_key = key
        self._fill(keep_cursor=True)

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        if event.column_key.value in ("row", self.kind.ranked):
            self.action_sort(str(event.column_key.value))

    @work(thread=True, exclusive=True, exit_on_error=False, group="report-file")
    def load(self, path: Path) -> None:
        try:
            rows = read_rows(path, self.kind)
        except FileNotFoundError:
            self.post_message(self.Loaded(None, f"the {self.kind.report} file is missing: {path}"))
        except (OSError, ValueError, UnicodeDecodeError, csv.Error) as exc:
            self.post_message(self.Loaded(None, f"cannot read {path.name}: {exc}"))
        else:
            self.post_message(self.Loaded(rows, ""))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.rows, self.note, self.loading = message.rows, message.note, False
        self._fill()

    @on(Input.Changed)
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        self._fill()

    @on(Input.Submitted)
    def _to_table(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._detail(None if event.row_key is None else event.row_key.value)

    # -- decisions on the suspects ------------------------------------------------------------------

    def highlighted(self) -> int | None:
        """The index (in ``rows``) of the row under the cursor."""
        table = self.table
        if self.rows is None or not 0 <= table.cursor_row < table.row_count:
            return None
        return int(str(table.ordered_rows[table.cursor_row].key.value))

    def decide(self, index: int, value: str | None) -> None:
        """Correct the row to ``value`` (None, or its own label: keep it); the cursor moves on."""
        assert self.rows is not None
        self.decisions.decide(index, None if value == self.rows[index]["label"] else value)
        self._fill(keep_cursor=True, step=1)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.kind is SUSPECTS:
            self.action_use_suggested()

    def action_use_suggested(self) -> None:
        index = self.highlighted()
        if index is not None and self.rows is not None:
            self.decide(index, self.rows[index]["suggested"])

    def action_keep(self) -> None:
        index = self.highlighted()
        if index is not None:
            self.decide(index, None)

    def action_type_class(self) -> None:
        index = self.highlighted()
        if index is None or self.rows is None:
            return
        from tui.corrections import ClassPromptScreen

        row = self.rows[index]
        known = self.known(row["target"]) if self.known is not None else []

        def typed(value: str | None) -> None:
            if value:
                self.decide(index, value)

        self.app.push_screen(ClassPromptScreen(row, known), typed)

    def action_undo(self) -> None:
        index = self.decisions.undo()
        if index is None:
            self.notify("No decision to take back.")
            return
        if self.rows is not None and self.rows[index]["target"] != self.target:
            self.notify(f"Took back a decision on {self.rows[index]['target']} (row {self.rows[index]['row']}).")
        self._fill(keep_cursor=True, focus=str(index))

    def action_apply(self) -> None:
        self.post_message(self.ApplyRequested(self.decisions.corrections(self.rows or [])))

    # -- drawing ----------------------------------------------------------------------------------

    def _fill(self, keep_cursor: bool = False, step: int = 0, focus: str | None = None) -> None:
        table = self.table
        current, place = focus, table.cursor_row
        if current is None and keep_cursor and 0 <= place < table.row_count:
            current = table.ordered_rows[place].key.value
        table.clear(columns=True)
        count = self.query_one(f"#{self.kind.prefix}-count", Static)
        if self.rows is None:
            style = "yellow" if self.path is None else ("dim" if self.loading else "red")
            count.update(Text(self.note, style=style))
            self._detail(None)
            return
        mine = [(i, row) for i, row in enumerate(self.rows) if row["target"] == self.target]
        listed = [(i, row) for i, row in mine if not self.decisions.kept(i)]
        query = self.filter_text
        shown = [(i, row) for i, row in listed if matches(row, query, self.kind.sides)] if query.strip() else listed
        ranked = self.sort_key == self.kind.ranked
        if ranked:
            shown.sort(key=lambda item: -number_of(item[1], self.kind.ranked))
        else:
            shown.sort(key=lambda item: row_number(item[1]))
        self._columns(shown[:MAX_ROWS])
        names = Names(row.get(c) or "" for _, row in mine for c in (*CLASSES, "second_best"))
        for i, row in shown[:MAX_ROWS]:
            table.add_row(*self._cells(i, row, names), key=str(i))
        count.update(self._count_line(len(mine), len(shown), [i for i, _ in mine], ranked))
        keys = [str(i) for i, _ in shown[:MAX_ROWS]]
        if current is not None and current in keys:
            table.move_cursor(row=min(keys.index(current) + step, len(keys) - 1), animate=False)
        elif keep_cursor and keys:
            table.move_cursor(row=min(place, len(keys) - 1), animate=False)  # a kept row left: the next one
        self._detail(keys[table.cursor_row] if 0 <= table.cursor_row < len(keys) else None)

    def _columns(self, shown: list[tuple[int, dict[str, str]]]) -> None:
        narrow = 0 < self._width < NARROW
        columns = [c for c in self.kind.shown if not (narrow and c == "second_best")]  # the detail line shows it
        natural = {c: max((len(self._value(i, row, c)) for i, row in shown), default=0) for c in columns}
        labels = {c: LABELS.get(c, c) for c in columns} | ({"confidence": "conf"} if narrow else {})
        labels[self.sort_key] += " ▼" if self.sort_key == self.kind.ranked else " ▲"
        ranked = self.kind.ranked
        fixed = {"row": max(natural["row"], len(labels["row"])), ranked: max(5, len(labels[ranked]))}
        flexible = {c: (max(natural[c], len(labels[c])), w) for c, w in WEIGHTS.items() if c in columns}
        widths = fit_widths(self._width or 200, fixed, flexible)
        for c in columns:
            self.table.add_column(labels[c], key=c, width=widths[c])

    def _value(self, index: int, row: dict[str, str], column: str) -> str:
        if column == "decision":
            new = self.decisions.new_class(index)
            return f"→ {new}" if new is not None else ""
        return row[column]

    def _cells(self, index: int, row: dict[str, str], names: Names) -> list[object]:
        decision = self.decisions.new_class(index)
        cells: dict[str, object] = {
            "row": Text(row["row"], justify="right"),
            "text": cut(row["text"]),
            "true": ClassName(row.get("true", ""), "", names),
            "predicted": ClassName(row.get("predicted", ""), "yellow", names),
            "second_best": ClassName(row.get("second_best", ""), "dim", names),
            "label": ClassName(row.get("label", ""), "", names),
            "suggested": ClassName(row.get("suggested", ""), "yellow", names),
            "decision": ClassName(f"→ {decision}" if decision is not None else "", "bold cyan"),
        }
        ranked = self.kind.ranked
        cells[ranked] = Text(number_text(row[ranked]), justify="right")
        return [cells[str(key.value)] for key in self.table.columns]

    def _count_line(self, mine: int, shown: int, indexes: list[int], ranked: bool) -> Text | str:
        target, (one, many) = self.target, self.kind.nouns
        if target is None:
            return "no target"
        if not mine:
            nothing = f"no misclassified held-out rows for {target}"
            return Text(f"no training label of {target} looks wrong" if self.kind is SUSPECTS else nothing, "green")
        listed = f"{shown} shown" if shown <= MAX_ROWS else f"{shown} match, the first {MAX_ROWS} shown"
        if self.kind is SUSPECTS:
            listed = listed.replace("shown", "listed")
            order = "most suspect first" if ranked else "in file order"
        else:
            order = "most confident first" if ranked else "in file order"
        text = Text.assemble(f"{mine} {one if mine == 1 else many} for {target}, {listed}")
        if self.kind is SUSPECTS:
            corrected, kept = self.decisions.counts(indexes)
            total = len(self.decisions.corrections(self.rows or []))
            decided = [f"{n} {what}" for n, what in ((corrected, "corrected"), (kept, "kept")) if n]
            if decided:
                text.append(f" · {', '.join(decided)}", "cyan")
            if total:
                text.append(f" · a: apply {total} correction{'s' if total != 1 else ''}", "bold")
        text.append(f" · {order}", "dim")
        if self.narrow_hint and 0 < self._width < CRAMPED:
            text.append(f" · {self.narrow_hint}", "bold")
        return text

    def _detail(self, key: str | None) -> None:
        detail = self.query_one(f"#{self.kind.prefix}-detail", Static)
        if key is None or self.rows is None:
            detail.update("")
            return
        index = int(key)
        row = self.rows[index]
        text = Text()
        text.append(f"row {row['row']}  ", "dim")
        text.append(row["text"], "bold")
        text.append("\n")
        old, new = self.kind.sides
        text.append(row[old])
        text.append(" → ", "dim")
        text.append(row[new], "yellow")
        figure = number_text(row[self.kind.ranked])
        if figure:
            text.append(f" ({figure})" if self.kind is ERRORS else f" (score {figure})", "dim")
        if row.get("second_best"):
            text.append("\nsecond best: ", "dim")
            text.append(row["second_best"])
        if self.kind is SUSPECTS and self.decisions.new_class(index) is not None:
            text.append("\ncorrected to: ", "dim")
            text.append(str(self.decisions.new_class(index)), "bold cyan")
        detail.update(text)
