"""Load a training or prediction file: CSV (any common encoding and delimiter), Excel, Parquet."""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import pandas as pd

from nexusml.errors import NexusMLError

log = logging.getLogger(__name__)

ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
DELIMITERS = ",;\t|"


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


def _read_csv(path: Path) -> pd.DataFrame:
    size = path.stat().st_size
    if size == 0:
        raise DataLoadError(f"{path} is empty; export the data again with a header row and data rows")
    with open(path, "rb") as handle:
        head = handle.read(65536)
    if b"\x00" in head:
        raise DataLoadError(f"{path} is not a text CSV file (it holds binary data); export it as CSV")
    last_error: Exception | None = None
    for encoding in ENCODINGS:
        try:
            sample = head.decode(encoding, errors="strict" if len(head) < 65536 else "ignore")
        except UnicodeDecodeError as exc:
            last_error = exc
            continue
        delimiter = _sniff_delimiter(sample, path.suffix.lower())
        # Blank lines are read (as empty rows, dropped later) so that a row's index is its place in the file.
        options = dict(sep=delimiter, encoding=encoding, skip_blank_lines=False, low_memory=False)
        try:
            try:
                frame = pd.read_csv(path, **options)
            except pd.errors.ParserError:
                # Ragged exports: rows with more (usually empty) fields than the header.
                width = len(pd.read_csv(path, nrows=0, **options).columns)
                frame = pd.read_csv(path, usecols=range(width), **options)
                log.warning("%s: some rows have more fields than the header; the extra fields were ignored", path.name)
        except UnicodeDecodeError as exc:
            last_error = exc
            continue
        except pd.errors.EmptyDataError:
            raise DataLoadError(f"{path} has no header row; the first line must name the columns") from None
        except pd.errors.ParserError as exc:
            detail = str(exc).strip().splitlines()[-1]
            raise DataLoadError(f"{path} is not a well-formed CSV file ({detail})") from None
        if encoding != "utf-8-sig":
            log.info("Read %s as %s (not UTF-8)", path.name, encoding)
        return frame
    raise DataLoadError(f"{path} cannot be decoded as text ({last_error}); save it as UTF-8 CSV")


def _read_excel(path: Path, sheet: str | int | None) -> pd.DataFrame:
    import zipfile

    try:
        workbook = pd.ExcelFile(path, engine="openpyxl")
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


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:
        raise DataLoadError(f"{path} is not a readable Parquet file ({type(exc).__name__}: {exc})") from None


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


def load_data(path: Path | str, sheet: str | int | None = None) -> pd.DataFrame:
    """Read ``path`` into a DataFrame, or raise :class:`DataLoadError` with a one-line reason."""
    path = Path(path)
    if not path.exists():
        raise DataLoadError(f"{path} not found; check the path")
    if path.is_dir():
        raise DataLoadError(f"{path} is a directory; give a data file")
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            frame = _read_excel(path, sheet)
        elif suffix in (".parquet", ".pq"):
            frame = _read_parquet(path)
        else:
            frame = _read_csv(path)
    except PermissionError:
        raise DataLoadError(f"{path} is not readable; check its permissions") from None
    frame = tidy_frame(frame)
    if frame.shape[1] == 0:
        raise DataLoadError(f"{path} has no columns; the first line must name the columns")
    if len(frame) == 0:
        raise DataLoadError(f"{path} has a header but no data rows")
    return frame
