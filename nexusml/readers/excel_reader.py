"""An Excel workbook's bytes into a frame, and the scan for formula cells that hold no saved value.

A workbook written by a program that does not compute formulas (openpyxl, for one)
stores them without results, and a reader sees empty cells: after the sheet is
read, its XML is scanned and such columns are named in a warning.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from nexusml.errors import Cancelled, UsageError
from nexusml.readers.block_reader import DataLoadError, ProgressBytes, Reading


class SheetError(DataLoadError, UsageError):
    """No sheet, or more than one, fits the columns asked for: the user names one with --sheet."""


# A cell holding a formula and no saved result: no <v>, or an empty one that is not a text result.
_UNSAVED_FORMULA = re.compile(
    rb"<(?:\w+:)?c\b([^>]*)>"
    rb"(?:<(?:\w+:)?f\b[^>]*/>|<(?:\w+:)?f\b[^>]*>[^<]*</(?:\w+:)?f>)"
    rb"(<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?"
    rb"</(?:\w+:)?c>"
)
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_TEXT_RESULT = re.compile(rb'\bt="(?:str|s|inlineStr)"')
SHEET_SCAN_BYTES = 4 << 20


@dataclass(frozen=True)
class SheetChoice:
    """The sheet a workbook is read from, and why (empty when it is the one asked for or the only one)."""

    name: str
    reason: str = ""


def read_excel(
    path: Path,
    data: bytes,
    sheet: str | int | None,
    reading: Reading,
    targets: Sequence[str] = (),
    inputs: Sequence[str] = (),
) -> tuple[pd.DataFrame, SheetChoice]:
    """The sheet's rows, every cell as the text it holds, and which sheet they come from.

    Without ``sheet``, the first sheet is read unless it lacks one of the
    ``targets`` and another sheet has them all (:func:`choose_sheet`).
    """
    try:
        workbook = pd.ExcelFile(ProgressBytes(data, reading), engine="openpyxl")
    except Cancelled:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DataLoadError(f"{path} is not a valid Excel workbook ({type(exc).__name__}); save it as .xlsx") from None
    except Exception as exc:  # openpyxl raises its own InvalidFileException
        raise DataLoadError(f"{path} is not a valid Excel workbook ({exc}); save it as .xlsx") from None
    names = workbook.sheet_names
    if isinstance(sheet, int) and not 0 <= sheet < len(names):
        raise DataLoadError(f"{path} has no sheet number {sheet}; its sheets are {', '.join(names)} (0-based)")
    if isinstance(sheet, str) and sheet not in names:
        raise DataLoadError(f"{path} has no sheet '{sheet}'; its sheets are {', '.join(names)}")
    if sheet is None:
        choice = choose_sheet(path, workbook, targets, inputs)
    else:
        choice = SheetChoice(names[sheet] if isinstance(sheet, int) else sheet)
    name = choice.name
    # openpyxl knows which part of the package holds the sheet (a private attribute: without it, no check).
    part = str(getattr(workbook.book[name], "_worksheet_path", "")).lstrip("/")
    reading.progress(0.2, f"parsing sheet '{name}' of {path.name}")
    with workbook:
        # Cells as text: a code typed as 0606 stays 0606 (numbers are parsed where the model reads them).
        frame = pd.read_excel(workbook, sheet_name=name, dtype=str)
    if part:
        _report_unsaved_formulas(data, part, frame.columns, reading)
    return frame, choice


def sheet_headers(workbook: pd.ExcelFile) -> dict[str, list[str]]:
    """Each sheet's column names (its first row), in workbook order."""
    out = {}
    for name in workbook.sheet_names:
        try:
            header = pd.read_excel(workbook, sheet_name=name, nrows=0).columns
        except Exception:  # an empty or odd sheet is simply not a candidate
            header = pd.Index([])
        out[name] = [str(c).strip() for c in header]
    return out


def sheet_rows(path: Path | str) -> dict[str, int]:
    """Each sheet's number of rows below the header, as the workbook records it (for a sheet picker)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {ws.title: max(0, (ws.max_row or 1) - 1) for ws in book.worksheets}
    finally:
        book.close()


def choose_sheet(path: Path, workbook: pd.ExcelFile, targets: Sequence[str], inputs: Sequence[str] = ()) -> SheetChoice:
    """The sheet to read when none is named: the first one, unless it lacks a target another sheet has.

    A workbook often opens on a cover or instruction sheet (a COBie handover opens
    on "Instruction").  When the first sheet lacks one of ``targets``, the sheet
    that has every target (and, among several, the most of ``inputs``) is read,
    and the choice says why; when several sheets fit equally, or none does,
    :class:`SheetError` lists the sheets so the user can pass ``--sheet``.
    """
    names = workbook.sheet_names
    first = SheetChoice(names[0])
    if len(names) < 2 or not targets:
        return first
    headers = sheet_headers(workbook)
    if all(t in headers[names[0]] for t in targets):
        return first
    fitting = [n for n in names if all(t in headers[n] for t in targets)]
    wanted = [*targets, *(c for c in inputs if c not in targets)]
    if not fitting:
        from nexusml.features.validation import close_column

        guesses = [
            f"did you mean '{near}' (sheet '{n}')? "
            for t in targets
            for n in names
            if t not in headers[n] and (near := close_column(t, headers[n])) is not None
        ]
        listed = "; ".join(f"'{n}': {_columns_text(headers[n])}" for n in names[:6])
        more = f" (+{len(names) - 6} more sheets)" if len(names) > 6 else ""
        raise SheetError(
            f"no sheet of {path.name} has the target column(s) {', '.join(targets)}; {''.join(guesses[:1])}"
            f"its sheets' columns: {listed}{more}; pass --sheet NAME and name that sheet's columns with --target"
        )
    best = max(sum(c in headers[n] for c in inputs) for n in fitting)
    fitting = [n for n in fitting if sum(c in headers[n] for c in inputs) == best]
    if len(fitting) > 1:
        listed = "; ".join(
            f"the sheet '{n}' has {', '.join(c for c in wanted if c in headers[n])}" for n in fitting[:5]
        )
        raise SheetError(f"{path.name}: {listed}: pass --sheet {fitting[0]!r} (or another of them)")
    lacking = [t for t in targets if t not in headers[names[0]]]
    return SheetChoice(
        fitting[0],
        f"Read the sheet '{fitting[0]}' of {path.name}: the first sheet, '{names[0]}', has no column "
        f"{', '.join(lacking)} (pass --sheet to choose another)",
    )


def _columns_text(columns: list[str], shown: int = 5) -> str:
    named = [c for c in columns if c and not c.startswith("Unnamed")]
    if not named:
        return "no header"
    return ", ".join(named[:shown]) + (f" (+{len(named) - shown} more)" if len(named) > shown else "")


def unsaved_formulas(sheet_xml: Any, should_stop: Callable[[], bool] | None = None) -> Counter[int]:
    """Per 0-based column: the formula cells below the header row that hold no saved value.

    The sheet's XML (a binary file object) is scanned in blocks with a regular
    expression, cells never split across blocks: on 20,000 rows 2 % of what parsing
    the sheet costs (70 ms against 3-5 s), 5 % when every row holds a formula.
    """
    counts: Counter[int] = Counter()
    pending = b""
    while True:
        block = sheet_xml.read(SHEET_SCAN_BYTES)
        text = pending + block
        cut = len(text) if not block else _last_cell_end(text)
        scan, pending = text[:cut], text[cut:]
        if b"<f" in scan or b":f" in scan:
            for match in _UNSAVED_FORMULA.finditer(scan):
                attributes, value = match.group(1), match.group(2)
                ref = _CELL_REF.search(attributes)
                if ref is None or int(ref.group(2)) < 2:
                    continue
                if value is not None and _TEXT_RESULT.search(attributes):
                    continue  # an empty text result ("") is a saved value
                counts[_column_index(ref.group(1))] += 1
        if should_stop is not None and should_stop():
            raise Cancelled("load_data")
        if not block:
            return counts


def _last_cell_end(text: bytes) -> int:
    """The end of the last closing cell tag (``</c>`` or ``</x:c>``) in ``text``, or 0."""
    at = text.rfind(b"c>")
    while at > 0 and text[at - 1 : at] not in (b"/", b":"):
        at = text.rfind(b"c>", 0, at)
    return at + 2 if at > 0 else 0


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _report_unsaved_formulas(data: bytes, part: str, columns: pd.Index, reading: Reading) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package, package.open(part) as sheet_xml:
            counts = unsaved_formulas(sheet_xml, reading.should_stop)
    except (zipfile.BadZipFile, KeyError, OSError):
        return
    if not counts:
        return
    named = sorted(((str(columns[i]).strip() if i < len(columns) else f"#{i + 1}", n) for i, n in counts.items()))
    fix = "open and save the file in Excel to compute them"
    if len(named) == 1:
        where, n = named[0]
        found = f"column '{where}': {n:,} formula cell(s) have no saved value and were read as empty"
    else:
        listed = ", ".join(f"'{c}' ({n:,})" for c, n in named[:5]) + (" ..." if len(named) > 5 else "")
        found = f"{sum(counts.values()):,} formula cells have no saved value and were read as empty, in {listed}"
    reading.warn(f"{reading.name}: {found} ({fix})")
