"""Load a training or prediction file: CSV (any common encoding and delimiter), Excel, Parquet.

A file is read once, in blocks: the sha256 recorded in the metadata is of the
bytes that were parsed, and between blocks (and between the blocks pandas reads
while it parses a CSV) the reader reports its progress and checks whether it was
asked to stop, so a large file shows how far it got and a cancel stops it
within a fraction of a second.

The jobs live in their own modules: ``block_reader`` (the bytes, their sha256,
progress and cancel), ``csv_reader`` (encodings, delimiter, parsing) and
``excel_reader`` (workbooks and their formula cells without saved values).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from nexusml.readers.block_reader import (
    DECODE_END,
    PARSE_END,
    READ_END,
    DataLoadError,
    OnProgress,
    Reading,
    read_bytes,
)
from nexusml.readers.csv_reader import decode_text, read_csv
from nexusml.readers.excel_reader import read_excel, unsaved_formulas

log = logging.getLogger(__name__)

__all__ = [
    "DECODE_END",
    "PARSE_END",
    "READ_END",
    "DataLoadError",
    "LoadedData",
    "OnProgress",
    "decode_text",
    "load_data",
    "read_data",
    "tidy_frame",
    "unsaved_formulas",
]


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
    sheet: str | None = None  # the workbook sheet the rows come from (None for other files)
    sheet_reason: str = ""  # why that sheet, when it is not the first one and none was named


def read_data(
    path: Path | str,
    sheet: str | int | None = None,
    *,
    on_progress: OnProgress | None = None,
    should_stop: Callable[[], bool] | None = None,
    targets: Sequence[str] = (),
    inputs: Sequence[str] = (),
) -> LoadedData:
    """Read ``path`` into a DataFrame, or raise :class:`DataLoadError` with a one-line reason.

    The file is read once: the frame and the sha256 recorded in the metadata come
    from the same bytes, even if the file changes meanwhile.  ``on_progress(fraction,
    message)`` hears how far reading got (the message is empty for most calls);
    ``should_stop()`` is asked between blocks, and :class:`~nexusml.errors.Cancelled`
    is raised once it says yes.  Every cell of a CSV or a workbook is read as the
    text it holds (``0606`` stays ``0606``); Parquet columns keep their types.

    ``targets`` and ``inputs``, the columns a run will read, choose the sheet of a
    workbook when ``sheet`` is None (see ``excel_reader.choose_sheet``).
    """
    path = Path(path)
    if not path.exists():
        raise DataLoadError(f"{path} not found; check the path")
    if path.is_dir():
        raise DataLoadError(f"{path} is a directory; give a data file")
    if not path.is_file():  # a FIFO or a device would block or never end
        raise DataLoadError(f"{path} is not a regular file; give a CSV, Excel or Parquet file")
    reading = Reading(path.name, path.stat().st_size, on_progress, should_stop)
    data, sha256 = read_bytes(path, reading)
    suffix = path.suffix.lower()
    choice = None
    if suffix in (".xlsx", ".xlsm"):
        frame, choice = read_excel(path, data, sheet, reading, targets, inputs)
    elif suffix in (".parquet", ".pq"):
        frame = _read_parquet(path, data)
    else:
        frame = read_csv(path, data, reading)
    reading.check()
    frame = tidy_frame(frame)
    if frame.shape[1] == 0:
        raise DataLoadError(f"{path} has no columns; the first line must name the columns")
    if len(frame) == 0:
        raise DataLoadError(f"{path} has a header but no data rows")
    reading.progress(1.0)
    if choice is None:
        return LoadedData(frame, sha256, tuple(reading.warnings))
    return LoadedData(frame, sha256, tuple(reading.warnings), choice.name, choice.reason)


def load_data(path: Path | str, sheet: str | int | None = None) -> pd.DataFrame:
    """:func:`read_data`'s frame."""
    return read_data(path, sheet).frame


HEAD_BYTES = 1 << 20  # what read_head parses of a CSV file: its first MB, cut at a line end


def read_head(
    path: Path | str, sheet: str | int | None = None, targets: Sequence[str] = (), inputs: Sequence[str] = ()
) -> pd.DataFrame | None:
    """The file's first rows, read as :func:`read_data` reads them (same columns, cells as text), without
    reading the whole file; ``None`` when they cannot be read (the run's load then says why).

    For checking the columns a run names before it starts.
    """
    path = Path(path)
    try:
        suffix = path.suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            from nexusml.readers.excel_reader import choose_sheet

            with pd.ExcelFile(path) as workbook:
                name = sheet if sheet is not None else choose_sheet(path, workbook, targets, inputs).name
                frame = pd.read_excel(workbook, sheet_name=name, nrows=200, dtype=str)
        elif suffix in (".parquet", ".pq"):
            import pyarrow.parquet as pq

            parquet = pq.ParquetFile(path)
            schema = parquet.schema_arrow
            if len(set(schema.names)) < len(schema.names) or any(_is_nested(f.type) for f in schema):
                return None  # the load refuses these, saying why
            batch = next(parquet.iter_batches(batch_size=200), None)
            if batch is None:
                return None
            frame = batch.to_pandas()
        else:
            with open(path, "rb") as handle:
                data = handle.read(HEAD_BYTES)
                if len(data) == HEAD_BYTES:
                    data = data[: data.rfind(b"\n") + 1] or data
            frame = read_csv(path, data, Reading(path.name, len(data), None, None))
        return tidy_frame(frame)
    except Exception:  # anything: the check is skipped and the run's load reports the file's problem
        log.debug("Could not read the first rows of %s", path, exc_info=True)
        return None
