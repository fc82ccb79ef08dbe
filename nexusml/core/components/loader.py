"""Load a training or prediction file: CSV (any common encoding and delimiter), Excel, Parquet.

A file is read once, in blocks: the sha256 recorded in the metadata is of the
bytes that were parsed, and between blocks (and between the blocks pandas reads
while it parses a CSV) the reader reports its progress and checks whether it was
asked to stop, so a large file shows how far it got and a cancel stops it
within a fraction of a second.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from nexusml.errors import Cancelled, NexusMLError

log = logging.getLogger(__name__)

DELIMITERS = ",;\t|"
MAX_COLUMNS = 10_000  # a wider "table" is not an inventory (and pandas would take minutes to read it)
READ_BLOCK_BYTES = 8 << 20  # the file is read, hashed and decoded in blocks of this size
# A file this large gets progress lines ("parsed 40% ...") besides the progress bar.
PROGRESS_LINES_BYTES = 32 << 20
# Where each step of reading a CSV ends on the load's progress bar (pandas then builds the columns).
READ_END, DECODE_END, PARSE_END = 0.15, 0.2, 0.75
BOM = codecs.BOM_UTF8

OnProgress = Callable[[float, str], None]


class DataLoadError(NexusMLError):
    """The data file cannot be used; the message says why and what to do."""


@dataclass
class _Reading:
    """One read of a file: where it reports progress, how it learns of a cancel, what it noticed."""

    name: str
    size: int
    on_progress: OnProgress | None = None
    should_stop: Callable[[], bool] | None = None
    warnings: list[str] = field(default_factory=list)
    _shown: float = -1.0

    def check(self) -> None:
        if self.should_stop is not None and self.should_stop():
            raise Cancelled("load_data")

    def progress(self, fraction: float, message: str = "") -> None:
        # The bar moves in steps of a percent; lines are for large files only.
        if self.on_progress is None or (not message and fraction < self._shown + 0.01):
            return
        self._shown = fraction
        self.on_progress(fraction, message if self.size >= PROGRESS_LINES_BYTES else "")

    def warn(self, message: str) -> None:
        log.warning(message)
        self.warnings.append(message)


class _ProgressBytes(io.BytesIO):
    """The bytes pandas or openpyxl parse; every read checks for a cancel and moves the progress bar.

    pandas reads a CSV 256 KiB at a time while it splits it into fields, then builds
    the columns: the bar runs from ``start`` to ``end`` over the reads, with a line
    at each quarter and one when the columns are being built.
    """

    def __init__(self, data: bytes, reading: _Reading, start: float = 0.0, end: float = 0.0):
        super().__init__(data)
        self._reading, self._start, self._end, self._total = reading, start, end, max(1, len(data))
        self._quarter = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self._reading.check()
        if self._end <= self._start:
            return chunk
        done = self.tell() / self._total
        fraction = self._start + (self._end - self._start) * done
        message = ""
        if not chunk and self._quarter < 4:
            message = f"building the columns of {self._reading.name}"
            self._quarter = 4
        elif int(done * 4) > self._quarter and done < 1:
            self._quarter = int(done * 4)
            message = f"parsed {25 * self._quarter}% of {self._reading.name} ({_megabytes(self.tell())} MB)"
        self._reading.progress(fraction, message)
        return chunk


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.0f}"


def _sniff_delimiter(sample: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    lines = [line for line in sample.splitlines() if line.strip()][:20]
    if not lines:
        return ","
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = lines[0]
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=counts.__getitem__)
        return best if counts[best] else ","


def _utf8_body(data: bytes, reading: _Reading) -> bytes | None:
    """``data`` without its BOM when it is all UTF-8 (checked block by block), else None."""
    body = data[len(BOM) :] if data.startswith(BOM) else data
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(body)
    try:
        for start in range(0, len(body), READ_BLOCK_BYTES):
            decoder.decode(view[start : start + READ_BLOCK_BYTES])
            reading.check()
            reading.progress(READ_END + (DECODE_END - READ_END) * min(1.0, start / max(1, len(body))))
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return body


def decode_text(data: bytes, name: str, reading: _Reading | None = None) -> str:
    """The file's text: UTF-8 (with or without a BOM), line by line where only some lines are not.

    Exports edited in several tools can mix encodings; a line that is not UTF-8
    is read as Windows-1252 and the lines are named in a warning, instead of
    reading the whole file as Windows-1252 (which turns every UTF-8 accent into
    two wrong characters).
    """
    reading = reading if reading is not None else _Reading(name, len(data))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    out, other = [], []
    for number, line in enumerate(lines, start=1):
        if number % 100_000 == 0:
            reading.check()
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(line.decode("cp1252", errors="replace"))
            other.append(number)
    text = "\n".join(out).removeprefix("\ufeff")
    if len(other) >= sum(1 for line in lines if line.strip()):
        log.info("Read %s as Windows-1252 (not UTF-8)", name)
    else:
        listed = ", ".join(map(str, other[:5])) + (f" (+{len(other) - 5} more)" if len(other) > 5 else "")
        reading.warn(f"{name}: line(s) {listed} are not UTF-8; they were read as Windows-1252")
    return text


def _read_csv(path: Path, data: bytes, reading: _Reading) -> pd.DataFrame:
    if not data:
        raise DataLoadError(f"{path} is empty; export the data again with a header row and data rows")
    if b"\x00" in data[:65536]:
        raise DataLoadError(f"{path} is not a text CSV file (it holds binary data); export it as CSV")
    # pandas parses UTF-8 bytes; a file that is not all UTF-8 is decoded line by line and parsed as UTF-8.
    body = _utf8_body(data, reading)
    if body is None:
        body = decode_text(data, path.name, reading).encode("utf-8")
    # The delimiter is sniffed from the first 65,536 characters (at most 4 bytes each).
    delimiter = _sniff_delimiter(body[: 4 * 65536].decode("utf-8", errors="ignore")[:65536], path.suffix.lower())
    end = body.find(b"\n")
    header = body[: end if end >= 0 else len(body)]
    if header.count(delimiter.encode()) >= MAX_COLUMNS:
        raise DataLoadError(
            f"{path} has {header.count(delimiter.encode()) + 1:,} columns in its first line "
            f"(at most {MAX_COLUMNS:,} are read); is it a table with a header row?"
        )
    # Blank lines are read (as empty rows, dropped later) so that a row's index is its place in the file.
    options: dict[str, Any] = dict(sep=delimiter, skip_blank_lines=False, low_memory=False, encoding="utf-8")

    def source(end: float = PARSE_END) -> _ProgressBytes:
        return _ProgressBytes(body, reading, DECODE_END, end)

    try:
        try:
            frame = pd.read_csv(source(), **options)
        except pd.errors.ParserError:
            # Ragged exports: rows with more (usually empty) fields than the header.
            width = len(pd.read_csv(source(DECODE_END), nrows=0, **options).columns)
            frame = pd.read_csv(source(), usecols=range(width), **options)
            reading.warn(f"{path.name}: some rows have more fields than the header; the extra fields were ignored")
    except pd.errors.EmptyDataError:
        raise DataLoadError(f"{path} has no header row; the first line must name the columns") from None
    except pd.errors.ParserError as exc:
        detail = str(exc).strip().splitlines()[-1]
        raise DataLoadError(f"{path} is not a well-formed CSV file ({detail})") from None
    return frame


def _read_excel(path: Path, data: bytes, sheet: str | int | None, reading: _Reading) -> pd.DataFrame:
    import zipfile

    try:
        workbook = pd.ExcelFile(_ProgressBytes(data, reading), engine="openpyxl")
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


def unsaved_formulas(sheet_xml: Any, should_stop: Callable[[], bool] | None = None) -> Counter[int]:
    """Per 0-based column: the formula cells below the header row that hold no saved value.

    A workbook written by a program that does not compute formulas (openpyxl, for
    one) stores them without results, and a reader sees empty cells.  The sheet's
    XML (a binary file object) is scanned in blocks with a regular expression, cells
    never split across blocks: on 20,000 rows 2 % of what parsing the sheet costs
    (70 ms against 3-5 s), 5 % when every row holds a formula.
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


def _report_unsaved_formulas(data: bytes, part: str, columns: pd.Index, reading: _Reading) -> None:
    import zipfile

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


def _read_parquet(path: Path, data: bytes) -> pd.DataFrame:
    try:
        import pyarrow.parquet as pq

        source = pq.ParquetFile(io.BytesIO(data))
        schema = source.schema_arrow
    except Exception as exc:
        raise DataLoadError(f"{path} is not a readable Parquet file ({type(exc).__name__}: {exc})") from None
    names = schema.names
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise DataLoadError(f"{path} has duplicate column names ({', '.join(twice[:5])}); give each column one name")
    nested = [f.name for f in schema if _is_nested(f.type)]
    if nested:
        raise DataLoadError(
            f"{path} has nested columns ({', '.join(nested[:5])}: lists or structs); "
            "flatten them to plain text or numbers"
        )
    try:
        return source.read().to_pandas()
    except Exception as exc:
        raise DataLoadError(f"{path} is not a readable Parquet file ({type(exc).__name__}: {exc})") from None


def _is_nested(kind: Any) -> bool:
    import pyarrow.types as types

    return bool(types.is_nested(kind))


def tidy_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Strip header names, drop empty 'Unnamed' columns and fully empty rows.

    The rows keep their index: the 0-based place of the row among the file's
    data rows, so ``index + 2`` is its row number as a spreadsheet shows it.
    """
    frame = frame.rename(columns=lambda c: str(c).strip())
    empty_unnamed = [c for c in frame.columns if c.startswith("Unnamed") and frame[c].isna().all()]
    frame = frame.drop(columns=empty_unnamed)
    frame.index = pd.RangeIndex(len(frame))
    return frame.dropna(how="all")


@dataclass(frozen=True)
class LoadedData:
    frame: pd.DataFrame
    sha256: str  # of the bytes that were parsed
    warnings: tuple[str, ...] = ()  # what reading noticed (also logged): mixed encodings, ragged rows, formulas


def read_data(
    path: Path | str,
    sheet: str | int | None = None,
    *,
    on_progress: OnProgress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> LoadedData:
    """Read ``path`` into a DataFrame, or raise :class:`DataLoadError` with a one-line reason.

    The file is read once: the frame and the sha256 recorded in the metadata come
    from the same bytes, even if the file changes meanwhile.  ``on_progress(fraction,
    message)`` hears how far reading got (the message is empty for most calls);
    ``should_stop()`` is asked between blocks, and :class:`~nexusml.errors.Cancelled`
    is raised once it says yes.
    """
    path = Path(path)
    if not path.exists():
        raise DataLoadError(f"{path} not found; check the path")
    if path.is_dir():
        raise DataLoadError(f"{path} is a directory; give a data file")
    if not path.is_file():  # a FIFO or a device would block or never end
        raise DataLoadError(f"{path} is not a regular file; give a CSV, Excel or Parquet file")
    reading = _Reading(path.name, path.stat().st_size, on_progress, should_stop)
    data, sha256 = _read_bytes(path, reading)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        frame = _read_excel(path, data, sheet, reading)
    elif suffix in (".parquet", ".pq"):
        frame = _read_parquet(path, data)
    else:
        frame = _read_csv(path, data, reading)
    reading.check()
    frame = tidy_frame(frame)
    if frame.shape[1] == 0:
        raise DataLoadError(f"{path} has no columns; the first line must name the columns")
    if len(frame) == 0:
        raise DataLoadError(f"{path} has a header but no data rows")
    reading.progress(1.0)
    return LoadedData(frame, sha256, tuple(reading.warnings))


def _read_bytes(path: Path, reading: _Reading) -> tuple[bytes, str]:
    """The file's bytes and their sha256, read in blocks (a cancel is seen between them)."""
    digest = hashlib.sha256()
    blocks: list[bytes] = []
    done = 0
    try:
        with open(path, "rb") as handle:
            while block := handle.read(READ_BLOCK_BYTES):
                digest.update(block)
                blocks.append(block)
                done += len(block)
                reading.check()
                reading.progress(READ_END * min(1.0, done / max(1, reading.size)))
    except PermissionError:
        raise DataLoadError(f"{path} is not readable; check its permissions") from None
    return (blocks[0] if len(blocks) == 1 else b"".join(blocks)), digest.hexdigest()


def load_data(path: Path | str, sheet: str | int | None = None) -> pd.DataFrame:
    """:func:`read_data`'s frame."""
    return read_data(path, sheet).frame
