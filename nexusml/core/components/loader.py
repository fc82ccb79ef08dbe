"""Load a training or prediction file: CSV (any common encoding and delimiter), Excel, Parquet."""

from __future__ import annotations

import csv
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from nexusml.errors import NexusMLError

log = logging.getLogger(__name__)

DELIMITERS = ",;\t|"
MAX_COLUMNS = 10_000  # a wider "table" is not an inventory (and pandas would take minutes to read it)


class DataLoadError(NexusMLError):
    """The data file cannot be used; the message says why and what to do."""


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


def decode_text(data: bytes, name: str) -> str:
    """The file's text: UTF-8 (with or without a BOM), line by line where only some lines are not.

    Exports edited in several tools can mix encodings; a line that is not UTF-8
    is read as Windows-1252 and the lines are named in a warning, instead of
    reading the whole file as Windows-1252 (which turns every UTF-8 accent into
    two wrong characters).
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    out, other = [], []
    for number, line in enumerate(lines, start=1):
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
        log.warning("%s: line(s) %s are not UTF-8; they were read as Windows-1252", name, listed)
    return text


def _read_csv(path: Path, data: bytes) -> pd.DataFrame:
    import io

    if not data:
        raise DataLoadError(f"{path} is empty; export the data again with a header row and data rows")
    if b"\x00" in data[:65536]:
        raise DataLoadError(f"{path} is not a text CSV file (it holds binary data); export it as CSV")
    text = decode_text(data, path.name)
    delimiter = _sniff_delimiter(text[:65536], path.suffix.lower())
    header = text.split("\n", 1)[0]
    if header.count(delimiter) >= MAX_COLUMNS:
        raise DataLoadError(
            f"{path} has {header.count(delimiter) + 1:,} columns in its first line (at most {MAX_COLUMNS:,} are read); "
            "is it a table with a header row?"
        )
    # Blank lines are read (as empty rows, dropped later) so that a row's index is its place in the file.
    options: dict[str, Any] = dict(sep=delimiter, skip_blank_lines=False, low_memory=False)
    try:
        try:
            return pd.read_csv(io.StringIO(text), **options)
        except pd.errors.ParserError:
            # Ragged exports: rows with more (usually empty) fields than the header.
            width = len(pd.read_csv(io.StringIO(text), nrows=0, **options).columns)
            frame = pd.read_csv(io.StringIO(text), usecols=range(width), **options)
            log.warning("%s: some rows have more fields than the header; the extra fields were ignored", path.name)
            return frame
    except pd.errors.EmptyDataError:
        raise DataLoadError(f"{path} has no header row; the first line must name the columns") from None
    except pd.errors.ParserError as exc:
        detail = str(exc).strip().splitlines()[-1]
        raise DataLoadError(f"{path} is not a well-formed CSV file ({detail})") from None


def _read_excel(path: Path, data: bytes, sheet: str | int | None) -> pd.DataFrame:
    import io
    import zipfile

    try:
        workbook = pd.ExcelFile(io.BytesIO(data), engine="openpyxl")
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
    with workbook:
        return pd.read_excel(workbook, sheet_name=sheet)


def _read_parquet(path: Path, data: bytes) -> pd.DataFrame:
    import io

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


def read_data(path: Path | str, sheet: str | int | None = None) -> LoadedData:
    """Read ``path`` into a DataFrame, or raise :class:`DataLoadError` with a one-line reason.

    The file is read once: the frame and the sha256 recorded in the metadata come
    from the same bytes, even if the file changes meanwhile.
    """
    path = Path(path)
    if not path.exists():
        raise DataLoadError(f"{path} not found; check the path")
    if path.is_dir():
        raise DataLoadError(f"{path} is a directory; give a data file")
    if not path.is_file():  # a FIFO or a device would block or never end
        raise DataLoadError(f"{path} is not a regular file; give a CSV, Excel or Parquet file")
    try:
        data = path.read_bytes()
    except PermissionError:
        raise DataLoadError(f"{path} is not readable; check its permissions") from None
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        frame = _read_excel(path, data, sheet)
    elif suffix in (".parquet", ".pq"):
        frame = _read_parquet(path, data)
    else:
        frame = _read_csv(path, data)
    frame = tidy_frame(frame)
    if frame.shape[1] == 0:
        raise DataLoadError(f"{path} has no columns; the first line must name the columns")
    if len(frame) == 0:
        raise DataLoadError(f"{path} has a header but no data rows")
    return LoadedData(frame, hashlib.sha256(data).hexdigest())


def load_data(path: Path | str, sheet: str | int | None = None) -> pd.DataFrame:
    """:func:`read_data`'s frame."""
    return read_data(path, sheet).frame
