"""Review the predictions of a file: the least sure rows first, correct or accept them, export, learn.

Rows the model reads the same are one line (a review group): one decision codes all of them, and
``u`` takes a decision back as one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import Header, Input, Select

from nexusml import coding
from nexusml.errors import NexusMLError
from tui.file_undo import FileUndo
from tui.messages import Retrain, UndoTrainingFile, WroteTrainingFile
from tui.widgets.footer import Footer
from tui.widgets.plain import DataTable, Static, plain
from tui.widgets.review_row import PathPromptScreen, ReviewRowScreen, known_classes
from tui.widgets.review_table import (
    SHOW_CHOICES,
    SHOWN_ROWS,
    Filters,
    ReviewModel,
    add_columns,
    fill_table,
    fits_all,
    redraw_row,
)

if TYPE_CHECKING:
    from textual.timer import Timer


class ReviewScreen(Screen):
    HELP_TITLE = "reviewing a coded file"
    HELP_KEYS = [
        ("enter", "open the row: every target's top classes and the whole row"),
        ("tab", "the filters: target, rows, predicted class, text"),
    ]

    @dataclass
    class Written(Message):
        what: str
        path: Path | None
        error: str
        undo: FileUndo | None = None

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("a", "accept", "Accept", tooltip="Accept the model's classes for the highlighted row"),
        Binding("u", "undo", "Undo", tooltip="Undo the last decision"),
        Binding("n", "next_pending", "Next", tooltip="The next row to review"),
        Binding("x", "export", "Export", tooltip="Export the coded file (.xlsx or .csv)"),
        Binding("t", "to_training", "To training", tooltip="Add the reviewed rows to training data"),
        Binding("s", "next_target", "Target", tooltip="Show the next target's columns (then all), sorted by it"),
        Binding("U", "undo_training", "Undo add", tooltip="Put the training file back as it was (until a run starts)"),
        Binding("ctrl+f", "focus_text", "Filter text"),
    ]

    def __init__(self, coded: coding.CodedRows, model: Any, state: coding.ReviewState, input_path: Path):
        super().__init__(classes="review")
        self.coded, self.model, self.state = coded, model, state
        self.input_path = Path(input_path)
        self.review = ReviewModel(coded, state)
        self.filters = Filters()
        self.order = np.zeros(0, dtype=np.int64)
        self.keys: list[Any] = []
        self.shown: list[str] = list(coded.targets)  # the targets whose columns the table shows
        self._width = 0
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        targets = [("All targets", "*")] + [(plain(t), t) for t in self.coded.targets]
        classes = sorted({c for t in self.coded.targets for c in known_classes(self.model, t)})
        yield Header()
        yield Static("", id="review-summary")
        with Horizontal(id="review-filters"):
            yield Select(targets, value="*", allow_blank=False, id="review-target", compact=True)
            yield Select(SHOW_CHOICES, value="all", allow_blank=False, id="review-show", compact=True)
            yield Input(
                placeholder="predicted class",
                id="review-class",
                compact=True,
                suggester=SuggestFromList(classes, case_sensitive=False),
            )
            yield Input(placeholder="text contains", id="review-text", compact=True)
        yield DataTable(id="review-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="review-count")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#review-table", DataTable)
        if not fits_all(self.review, self.app.size.width) and self.coded.targets:
            # Too narrow for every target's columns: one target at a time (s switches), sorted by its confidence.
            self.filters.target = self.coded.targets[0]
            with self.prevent(Select.Changed):
                self.query_one("#review-target", Select).value = self.coded.targets[0]
        self._width = self.app.size.width
        self.columns()
        self.refilter()
        table.focus()

    # -- the table ------------------------------------------------------------------------------

    def columns(self) -> None:
        """The columns of the shown targets, fitted to the table's width."""
        table = self.query_one("#review-table", DataTable)
        self.shown = self.review.targets_of(self.filters)
        table.clear(columns=True)
        self.keys = add_columns(table, self.review, self.shown, self._width)

    def on_resize(self, event: events.Resize) -> None:
        """The table spans the screen: its columns are fitted again to a new width."""
        if event.size.width and event.size.width != self._width:
            self._width = event.size.width
            table = self.query_one("#review-table", DataTable)
            place = table.cursor_row
            self.columns()
            self.refilter()
            if 0 <= place < table.row_count:
                table.move_cursor(row=place, animate=False)

    def refilter(self) -> None:
        self.order = self.review.select(self.filters)
        fill_table(self.query_one("#review-table", DataTable), self.review, self.order, self.shown)
        self.render_counts()

    def render_counts(self) -> None:
        self.query_one("#review-summary", Static).update(self.review.summary())
        n = len(self.order)
        shown = min(n, SHOWN_ROWS)
        rows = self.review.rows_in(self.order)
        target = self.filters.target
        first = f"lowest {target} confidence first" if target else "lowest confidence of any target first"
        if rows == n:
            note = f"showing {shown:,} of {n:,} rows ({first})"
        else:
            note = f"showing {shown:,} of {n:,} lines for {rows:,} rows (rows the model reads the same share a line; "
            note += f"{first})"
        if n > SHOWN_ROWS:
            note += "; filter to see the others"
        self.query_one("#review-count", Static).update(note)

    def highlighted(self) -> int | None:
        table = self.query_one("#review-table", DataTable)
        if not table.row_count:
            return None
        return int(self.order[table.cursor_row])

    def changed(self, *positions: int) -> None:
        for position in positions:
            redraw_row(self.query_one("#review-table", DataTable), self.review, position, self.keys, self.shown)
        self.render_counts()

    def lines_of(self, rows: list[int] | None) -> list[int]:
        """The lines (their first rows' positions) that show these spreadsheet rows."""
        firsts = {int(self.review.members(self.review.position[r])[0]) for r in rows or [] if r in self.review.position}
        return sorted(firsts)

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        value = event.select.value  # a Changed queued before a later change carries the older value
        if event.select.id == "review-target":
            self.filters.target = None if value in ("*", Select.NULL) else str(value)
            self.columns()
        elif event.select.id == "review-show":
            self.filters.show = str(value) if value != Select.NULL else "all"
        self.refilter()

    @on(Input.Changed, "#review-class, #review-text")
    def _typed(self, event: Input.Changed) -> None:
        if event.input.id == "review-class":
            self.filters.predicted = event.value
        else:
            self.filters.text = event.value
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(0.15, self.refilter)

    @on(Input.Submitted, "#review-class, #review-text")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#review-table", DataTable).focus()

    @on(DataTable.RowSelected, "#review-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        position = int(str(event.row_key.value))
        dialog = ReviewRowScreen(self.review, position, self.model)

        def closed(changed: bool | None) -> None:
            if changed:
                self.changed(*sorted({position, *self.lines_of(dialog.undone)}))

        self.app.push_screen(dialog, closed)

    # -- actions --------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_focus_text(self) -> None:
        self.query_one("#review-text", Input).focus()

    def action_next_target(self) -> None:
        """Show the next target's columns (then every target's), sorted by the shown confidence."""
        choices = ["*", *self.coded.targets]
        select = self.query_one("#review-target", Select)
        current = select.value if select.value in choices else "*"
        select.value = choices[(choices.index(str(current)) + 1) % len(choices)]

    def action_accept(self) -> None:
        position = self.highlighted()
        if position is None:
            return
        from nexusml.coding import ReviewNotSaved

        rows = self.review.rows_of(position)  # the line's group: one decision codes every row of it
        try:
            self.state.accept(rows, {t: str(self.coded.predicted[t][position]) for t in self.coded.targets})
        except ReviewNotSaved as exc:  # kept in memory: the table shows it, the notification says why
            self.notify(str(exc), title="Decision not saved", severity="error", timeout=15)
        self.changed(position)

    def action_undo(self) -> None:
        """Take the last decision back, on every row of its group."""
        from nexusml.coding import ReviewNotSaved

        if not self.state.history:
            self.notify("No decision to take back.")
            return
        rows = [row for row, _ in self.state.history[-1]]
        try:
            self.state.undo()
        except ReviewNotSaved as exc:
            self.notify(str(exc), title="Decision not saved", severity="error", timeout=15)
        self.changed(*self.lines_of(rows))

    def action_next_pending(self) -> None:
        table = self.query_one("#review-table", DataTable)
        place = self.review.next_pending(self.order, table.cursor_row if table.row_count else -1)
        if place is None:
            self.notify("No row left to review here.")
        elif place >= SHOWN_ROWS:
            self.notify("The next row to review is past the rows shown: choose 'Pending' to see it.")
        else:
            table.move_cursor(row=place)

    def action_export(self) -> None:
        default = self.input_path.with_name(f"{self.input_path.stem}.coded.xlsx")
        hint = ".xlsx: an Excel workbook; .csv: CSV. One line per input row. Columns: the input's, predicted_<target> "
        hint += "(the final code), confidence_<target>, review_status, out_of_range, review_group."
        self.app.push_screen(PathPromptScreen("Export the coded file", str(default), hint), self._export_to)

    def _export_to(self, raw: str | None) -> None:
        if raw:
            self.notify(f"Writing {raw} ...")
            self.write_file("export", Path(raw).expanduser())

    def training_source(self) -> Path | None:
        raw = ((self.model.metadata or {}).get("data") or {}).get("path")
        return Path(raw) if raw else None

    def action_to_training(self) -> None:
        source = self.training_source()
        if source is not None and source.is_file():
            default = coding.new_training_path(source)
            hint = f"A new name: a copy of {source.name} with the reviewed rows added. An existing file: "
        else:
            default = self.input_path.with_name(f"{self.input_path.stem}.training.csv")
            hint = "A new name: the reviewed rows alone. An existing training file: "
        hint += "the rows are appended to it (in its format)."
        self.app.push_screen(PathPromptScreen("Add reviewed rows to training data", str(default), hint), self._train_to)

    def _train_to(self, raw: str | None) -> None:
        if raw:
            self.write_file("training", Path(raw).expanduser())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo_training":  # shown while a training file written here can be put back
            return bool(getattr(self.app, "undo_writes", None))
        return True

    def action_undo_training(self) -> None:
        self.app.post_message(UndoTrainingFile())

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-write")
    def write_file(self, what: str, path: Path) -> None:
        undo: FileUndo | None = None
        try:
            if what == "export":
                coding.export_coded(self.coded, self.state, path)
            else:
                rows = coding.training_rows(self.coded, self.state, self.model)
                if not len(rows):
                    raise coding.CodingError("no row is accepted or corrected yet: review some rows first")
                source = self.training_source()
                undo = FileUndo.before(path, "reviewed rows added")
                if path.exists():
                    coding.add_training_rows(rows, path)
                elif source is not None and source.is_file():
                    coding.add_training_rows(rows, source, into=path)
                else:
                    coding.write_table(rows, path)
        except (OSError, ValueError, NexusMLError) as exc:
            if undo is not None:
                undo.discard()
            self.post_message(self.Written(what, None, str(exc)))
            return
        if undo is not None:
            undo.after_write()
        self.post_message(self.Written(what, path, "", undo))

    @on(Written)
    def _written(self, message: ReviewScreen.Written) -> None:
        if message.error:
            self.notify(message.error, title="Not written", severity="error")
            return
        if message.what == "export":
            self.notify(f"Coded file written: {message.path}")
            return
        from tui.screens.confirm import ConfirmScreen

        if message.undo is not None:
            self.app.post_message(WroteTrainingFile(message.undo))
        question = f"Reviewed rows added to {message.path}. Open the wizard with this file to retrain?"
        question += " Until a training run starts, U here (or Undo in the palette, ctrl+p) takes the write back."
        self.app.push_screen(
            ConfirmScreen(question, "Retrain", "Not now"), lambda yes: self._retrain(yes, message.path)
        )

    def _retrain(self, yes: bool | None, path: Path | None) -> None:
        if not yes or path is None:
            return
        self.app.post_message(retrain_with(self.model, path))


def retrain_with(model: Any, path: Path) -> Retrain:
    """The request to the app: fill the wizard with the new training file and the model's feature config."""
    arguments = (model.metadata or {}).get("arguments") or {}
    return Retrain(path, str(arguments.get("feature_config") or ""))
