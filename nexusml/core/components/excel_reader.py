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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from nexusml.core.components.block_reader import DataLoadError, ProgressBytes, Reading
from nexusml.errors import Cancelled

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


def read_excel(path: Path, data: bytes, sheet: str | int | None, reading: Reading) -> pd.DataFrame:
    try:
        workbook = pd.ExcelFile(ProgressBytes(data, reading), engine="openpyxl")
    except Cancelled:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise DataLoadError(f"{path} is not a valid Excel workbook ({type(exc).__name__}); save it as .xlsx") from None
    except Exception as exc:  # openpyxl raises its own InvalidFileException
        raise DataLoadError(f"{path} is not a valid Excel workbook ({exc}); save it as .xlsx") from None
    names = workbook.sheet_names
    if sheet is None:
        sheet = 0
    if isinstance(sheet, int) and not 0 <= sheet < len(names):
        raise DataLoadError(f"{path} has no sheet number {sheet}; its sheets are {', '.join(names)} (0-based)")
    if isinstance(sheet, str) and sheet not in names:
        raise DataLoadError(f"{path} has no sheet '{sheet}'; its sheets are {', '.join(names)}")
    name = names[sheet] if isinstance(sheet, int) else sheet
    # openpyxl knows which part of the package holds the sheet (a private attribute: without it, no check).
    part = str(getattr(workbook.book[name], "_worksheet_path", "")).lstrip("/")
    reading.progress(0.2, f"parsing sheet '{name}' of {path.name}")
    with workbook:
        frame = pd.read_excel(workbook, sheet_name=sheet)
    if part:
        _report_unsaved_formulas(data, part, frame.columns, reading)
    return frame


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
