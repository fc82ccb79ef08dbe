"""Tables written for people and spreadsheets, with every cell inert: the one place exports go through.

A cell is data, never a command.  A spreadsheet program runs a CSV cell that
begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before one) as a
formula: ``=HYPERLINK(...)`` or ``=cmd|' /C calc'!A0`` in an inventory's text would act
when the coded file is opened.  Following OWASP's CSV-injection guidance:

* **CSV**: such a cell is written with a single quote before it (``'=1+1``); a cell that
  already begins with quotes before such a character gets one more, so that
  :func:`restored_cell` gives back exactly what was written.  Numbers (``-3.5``,
  ``+1e3``) are never formulas and stay as they are.  ``raw=True`` (``--raw-cells``)
  writes the text unchanged, for a file fed to another program.
* **XLSX**: text is written as text cells, never as formulas, whatever it begins with.

The readers call :func:`restore_frame` on the cells of a CSV, so a file written here
(the coded rows, the training rows from a review) reads back as the original text.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nexusml.store.io import atomic_path, atomic_write_text, clean_leftovers

# A cell a spreadsheet would run: optional quotes, then a formula character.
_ACTIVE = re.compile(r"'*[=+\-@\t\r]")
# ... unless it is a plain number.
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
# What inert_cell added: one quote before quotes and a formula character.
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")


def inert_cell(value: Any) -> Any:
    """``value`` as a CSV cell that no spreadsheet runs (non-text values unchanged)."""
    if isinstance(value, str) and _ACTIVE.match(value) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def restored_cell(value: Any) -> Any:
    """The text :func:`inert_cell` was given."""
    if isinstance(value, str) and _NEUTRALISED.match(value) and not _NUMBER.fullmatch(value[1:]):
        return value[1:]
    return value


def _text_columns(frame: pd.DataFrame) -> list[Any]:
    return [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c].dtype)]


def _matching(values: pd.Series, pattern: str) -> bool:
    """Whether any cell of a text column begins with ``pattern`` (one vectorised pass)."""
    if not pd.api.types.is_string_dtype(values.dtype) or values.dtype == object:
        values = values.map(lambda v: v if isinstance(v, str) else "").astype("string")
    return bool(values.str.match(pattern, na=False).any())


def _mapped(frame: pd.DataFrame, pattern: str, change: Any) -> pd.DataFrame:
    out = frame
    for column in _text_columns(frame):
        if _matching(frame[column], pattern):
            if out is frame:
                out = frame.copy()
            out[column] = frame[column].map(change)
    names = [change(str(c)) for c in out.columns]
    if names != [str(c) for c in out.columns]:
        out = out.set_axis(names, axis=1)
    return out


def inert_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its text cells (and column names) inert; a column holding no active cell is not copied."""
    return _mapped(frame, _ACTIVE.pattern, inert_cell)


def restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the quote :func:`inert_cell` added taken off again (the column names too)."""
    return _mapped(frame, _NEUTRALISED.pattern, restored_cell)


def csv_text(frame: pd.DataFrame, raw: bool = False) -> str:
    """The frame as CSV text, every cell inert unless ``raw``.

    Lines end in CRLF (as RFC 4180 and spreadsheet exports do), so a cell holding a
    carriage return is quoted: unquoted, the text after it would start a new line
    of its own, where a spreadsheet would run ``=...`` as a formula.
    """
    from nexusml.store.csv_format import csv_text as fast_csv_text

    if raw:
        return fast_csv_text(frame, os.linesep)
    return fast_csv_text(inert_frame(frame), "\r\n")


def write_table(frame: pd.DataFrame, path: Path | str, raw: bool = False, clean: bool = True) -> Path:
    """CSV, an ``.xlsx`` workbook or Parquet, by the extension; atomically, every cell inert.

    ``raw`` writes a CSV's cells unchanged (an XLSX never holds formulas, and
    Parquet has no formulas).  ``clean`` first removes the temporary files of a write
    to that folder that was killed (not where other machines write at the same time).
    """
    path = Path(path)
    if clean:
        clean_leftovers(path.parent, ours_only=True)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        with atomic_path(path) as tmp:
            _write_xlsx(frame, tmp)
    elif suffix in (".parquet", ".pq"):
        with atomic_path(path) as tmp:
            frame.to_parquet(tmp, index=False)
    else:
        atomic_write_text(path, csv_text(frame, raw))
    return path


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """One sheet: the header, then the rows; text as text cells (never formulas), numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet()

    def cell(value: Any) -> Any:
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return None
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, str):
            text = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            text.data_type = "s"  # a string that begins with "=" stays a string
            return text
        if isinstance(value, bool | int | float):
            return value
        return cell(str(value))

    sheet.append([cell(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        sheet.append([cell(v) for v in row])
    book.save(path)
