"""A CSV file's bytes into a frame: any common encoding (line by line where they are mixed) and delimiter.

pandas parses UTF-8 bytes; the bytes are checked block by block, and a file that is
not all UTF-8 is decoded line by line first.  While pandas parses, each of its reads
moves the progress bar and checks for a cancel (see ``block_reader``).
"""

from __future__ import annotations

import codecs
import csv
from pathlib import Path
from typing import Any

import pandas as pd

from nexusml.readers import block_reader
from nexusml.readers.block_reader import DECODE_END, PARSE_END, READ_END, DataLoadError, ProgressBytes, Reading
from nexusml.store.tables import restore_frame

log = block_reader.log

DELIMITERS = ",;\t|"
MAX_COLUMNS = 10_000  # a wider "table" is not an inventory (and pandas would take minutes to read it)
BOM = codecs.BOM_UTF8


def sniff_delimiter(sample: str, suffix: str) -> str:
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


def _utf8_body(data: bytes, reading: Reading) -> bytes | None:
    """``data`` without its BOM when it is all UTF-8 (checked block by block), else None."""
    body = data[len(BOM) :] if data.startswith(BOM) else data
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(body)
    size = block_reader.READ_BLOCK_BYTES
    try:
        for start in range(0, len(body), size):
            decoder.decode(view[start : start + size])
            reading.check()
            reading.progress(READ_END + (DECODE_END - READ_END) * min(1.0, start / max(1, len(body))))
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return body


def decode_text(data: bytes, name: str, reading: Reading | None = None) -> str:
    """The file's text: UTF-8 (with or without a BOM), line by line where only some lines are not.

    Exports edited in several tools can mix encodings; a line that is not UTF-8
    is read as Windows-1252 and the lines are named in a warning, instead of
    reading the whole file as Windows-1252 (which turns every UTF-8 accent into
    two wrong characters).
    """
    reading = reading if reading is not None else Reading(name, len(data))
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


def read_csv(path: Path, data: bytes, reading: Reading) -> pd.DataFrame:
    if not data:
        raise DataLoadError(f"{path} is empty; export the data again with a header row and data rows")
    if b"\x00" in data[:65536]:
        raise DataLoadError(f"{path} is not a text CSV file (it holds binary data); export it as CSV")
    # pandas parses UTF-8 bytes; a file that is not all UTF-8 is decoded line by line and parsed as UTF-8.
    body = _utf8_body(data, reading)
    if body is None:
        body = decode_text(data, path.name, reading).encode("utf-8")
    # The delimiter is sniffed from the first 65,536 characters (at most 4 bytes each).
    delimiter = sniff_delimiter(body[: 4 * 65536].decode("utf-8", errors="ignore")[:65536], path.suffix.lower())
    end = body.find(b"\n")
    header = body[: end if end >= 0 else len(body)]
    if header.count(delimiter.encode()) >= MAX_COLUMNS:
        raise DataLoadError(
            f"{path} has {header.count(delimiter.encode()) + 1:,} columns in its first line "
            f"(at most {MAX_COLUMNS:,} are read); is it a table with a header row?"
        )
    # Blank lines are read (as empty rows, dropped later) so that a row's index is its place in the file.
    # Every cell is read as the text it holds: a code such as 0606, 23.05 or 1e3 is the user's key into
    # another system and must come back as written (numeric inputs are parsed where the model reads them).
    options: dict[str, Any] = dict(sep=delimiter, skip_blank_lines=False, low_memory=False, encoding="utf-8", dtype=str)

    def source(end: float = PARSE_END) -> ProgressBytes:
        return ProgressBytes(body, reading, DECODE_END, end)

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
    # A cell NexusML wrote with a ' before a formula character (tables.inert_cell) reads as its text.
    return restore_frame(frame)
