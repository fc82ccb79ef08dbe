"""Step 1: the data file, with a preview of its size, columns and first rows."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button
from textual.worker import get_current_worker

from nexusml.data import bundled_data_path
from nexusml.options.validators import listed_columns
from tui.form import FormState, is_blank
from tui.messages import PreviewLoaded, PreviewProgress
from tui.steps.base import Step
from tui.widgets.plain import DataTable, Static

PREVIEW_ROWS = 8
CELL_WIDTH = 28
NUMERIC_SAMPLE_ROWS = 20_000
PROGRESS_SECONDS = 0.2  # the preview's "Reading … 37 %" is updated at most this often
NUMERIC_SHARE = 0.9
"""A column is offered as numeric when at least this share of its non-empty values are numbers."""


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    if text in {"nan", "None", "<NA>"}:
        return ""
    return text if len(text) <= CELL_WIDTH else text[: CELL_WIDTH - 1] + "…"


def numeric_columns_of(frame: Any) -> tuple[str, ...]:
    """The columns of a DataFrame whose non-empty values are mostly numbers (``1,200`` counts).

    A column holding codes written with a leading zero (``0606``) is a column of codes,
    not numbers: it is not offered as a numeric input.
    Above ``NUMERIC_SAMPLE_ROWS`` rows, evenly spaced rows decide (checking every
    row of a million-row file took 12 s, against a read of 1 s).
    """
    import pandas as pd

    out = []
    step = max(1, len(frame) // NUMERIC_SAMPLE_ROWS)
    for name in frame.columns:
        series = frame[name].iloc[::step]
        if series.dtype.kind == "b":
            continue
        values = series.dropna()
        if series.dtype.kind in "iuf":
            if len(values):
                out.append(str(name))
            continue
        text = values.astype(str).str.strip()
        text = text[text != ""]
        if not len(text) or bool(text.str.match(r"0\d").any()):
            continue
        numbers = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
        if numbers.notna().mean() >= NUMERIC_SHARE:
            out.append(str(name))
    return tuple(out)


def sheets_line(sheets: tuple[tuple[str, int], ...], chosen: str) -> Text:
    """``Sheets: Instruction (1 row), Type (250 rows) ◀ read`` on a line of its own."""
    line = Text("\nSheets: ", "dim")
    for i, (name, rows) in enumerate(sheets):
        if i:
            line.append(", ")
        line.append(name, "bold" if name == chosen else "")
        line.append(f" ({rows:,} row{'s' if rows != 1 else ''})")
        if name == chosen:
            line.append(" ◀ read", "green")
    return line


class DataStep(Step):
    step_name = "data"

    def __init__(self, state: FormState, *, id: str | None = None):
        super().__init__(state, id=id, built=True)  # the wizard opens on it
        self.columns: tuple[str, ...] = ()
        self.loaded_path: Path | None = None
        self._reading: tuple[Path, Any] | None = None  # the file and sheet the preview reads or has read

    def content(self) -> ComposeResult:
        yield Static("Pick the inventory file to train on (CSV, Excel or Parquet).", classes="step-intro")
        with Horizontal(id="data-path-row"):
            yield self.new_field("data_path")
            yield Button("Browse…", id="browse", compact=True)
        yield self.new_field("sheet")
        yield Static("", id="preview-summary")
        yield DataTable(id="preview-table", zebra_stripes=True, cursor_type="row")

    def on_mount(self) -> None:
        self.reload()

    def current_path(self) -> tuple[Path | None, Any]:
        field = self.field("data_path")
        raw = field.raw_value
        sheet = self.field("sheet").raw_value
        if field.error:  # the validator's verdict on the current value
            return None, sheet
        path = bundled_data_path() if is_blank(raw) else Path(str(raw).strip()).expanduser()
        return path, sheet

    def reload(self) -> None:
        path, sheet = self.current_path()
        summary = self.query_one("#preview-summary", Static)
        if path is None:
            self.columns = ()
            self.loaded_path = None
            self._reading = None
            self.state.reading_failed()
            self.query_one("#preview-table", DataTable).clear(columns=True)
            summary.update(Text("No preview: fix the data file above.", style="dim"))
            return
        sheet = None if is_blank(sheet) else str(sheet).strip()
        if self._reading == (path, sheet):  # mounting and the field's first value both ask for the same file
            return
        self._reading = (path, sheet)
        summary.update(Text(f"Reading {path.name} …", style="dim"))
        self.loaded_path = None
        self.state.begin_reading()
        # A workbook's sheet is chosen as a run chooses it, from the targets the user named (a feature
        # config's own targets are not asked of an unknown workbook: its first sheet is shown).
        self.load_preview(path, sheet, self.state.named_columns("targets"))

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def load_preview(self, path: Path, sheet: Any, targets: tuple[str, ...] = ()) -> None:
        from nexusml.errors import Cancelled
        from nexusml.options.validators import validate_sheet
        from nexusml.readers.excel_reader import sheet_rows
        from nexusml.readers.loader import DataLoadError, read_data

        sheet_value = validate_sheet(sheet)
        sheets: tuple[tuple[str, int], ...] = ()
        if path.suffix.lower() in (".xlsx", ".xlsm") and path.is_file():
            try:
                sheets = tuple(sheet_rows(path).items())
            except Exception:  # an unreadable workbook: the read below says why
                sheets = ()
        worker = get_current_worker()
        shown_at = [time.monotonic()]

        def progress(fraction: float, _message: str) -> None:
            if time.monotonic() - shown_at[0] >= PROGRESS_SECONDS:
                shown_at[0] = time.monotonic()
                self.post_message(PreviewProgress(path, fraction))

        try:
            # a newer path (exclusive worker) cancels this read between blocks
            loaded = read_data(
                path, sheet_value, on_progress=progress, should_stop=lambda: worker.is_cancelled, targets=targets
            )
        except Cancelled:
            return
        except DataLoadError as exc:
            self.post_message(PreviewLoaded(path, error=str(exc), sheets=sheets))
            return
        except Exception as exc:  # anything else the reader raises is still shown inline
            self.post_message(PreviewLoaded(path, error=f"{type(exc).__name__}: {exc}"))
            return
        frame = loaded.frame
        head = tuple(tuple(_cell(v) for v in row) for row in frame.head(PREVIEW_ROWS).itertuples(index=False))
        numeric = numeric_columns_of(frame)
        self.post_message(
            PreviewLoaded(
                path,
                len(frame),
                tuple(map(str, frame.columns)),
                head,
                numeric=numeric,
                sheets=sheets,
                sheet=loaded.sheet or "",
                sheet_reason=loaded.sheet_reason,
            )
        )

    @on(PreviewProgress)
    def show_progress(self, message: PreviewProgress) -> None:
        current, _ = self.current_path()
        if current == message.path and self.loaded_path != message.path:
            text = Text(f"Reading {message.path.name} … {message.fraction:.0%}", style="dim")
            self.query_one("#preview-summary", Static).update(text)

    @on(PreviewLoaded)
    def show_preview(self, message: PreviewLoaded) -> None:
        current, _ = self.current_path()
        if current is not None and current != message.path:
            message.stop()
            return
        summary = self.query_one("#preview-summary", Static)
        table = self.query_one("#preview-table", DataTable)
        table.clear(columns=True)
        if message.error:
            self.columns = ()
            self.loaded_path = None
            text = Text(f"✗ Cannot read {message.path.name}: {message.error}", style="bold red")
            summary.update(text + sheets_line(message.sheets, "") if message.sheets else text)
            return
        self.columns = message.columns
        self.loaded_path = message.path
        text = Text()
        text.append(f"{message.path.name}", "bold")
        text.append(f"  {message.rows:,} rows × {len(message.columns)} columns\n")
        text.append("Columns: ", "dim")
        text.append(listed_columns(message.columns))
        if len(message.sheets) > 1:
            text.append_text(sheets_line(message.sheets, message.sheet))
            if message.sheet_reason:
                text.append(f"\n{message.sheet_reason}", "dim")
        summary.update(text)
        for i, name in enumerate(message.columns):
            widest = max([len(name)] + [len(row[i]) for row in message.head if i < len(row)])
            table.add_column(name, width=min(widest, CELL_WIDTH), key=f"c{i}")
        for row in message.head:
            table.add_row(*row)
