"""A data file read once, in blocks: its bytes and their sha256, with progress and a cancel between blocks.

The format readers (``csv_reader``, ``excel_reader``, Parquet in ``loader``) parse
the bytes read here; :class:`ProgressBytes` hands them over so that each read the
parser makes also moves the progress bar and checks for a cancel.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nexusml.errors import Cancelled, NexusMLError

# What reading a file notices is logged as the loader's, the name the run's log file shows.
log = logging.getLogger("nexusml.readers.loader")

READ_BLOCK_BYTES = 8 << 20  # the file is read, hashed and decoded in blocks of this size
# A file this large gets progress lines ("parsed 40% ...") besides the progress bar.
PROGRESS_LINES_BYTES = 32 << 20
# Where each step of reading a CSV ends on the load's progress bar (pandas then builds the columns).
READ_END, DECODE_END, PARSE_END = 0.15, 0.2, 0.75

OnProgress = Callable[[float, str], None]


class DataLoadError(NexusMLError):
    """The data file cannot be used; the message says why and what to do."""


@dataclass
class Reading:
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


class ProgressBytes(io.BytesIO):
    """The bytes pandas or openpyxl parse; every read checks for a cancel and moves the progress bar.

    pandas reads a CSV 256 KiB at a time while it splits it into fields, then builds
    the columns: the bar runs from ``start`` to ``end`` over the reads, with a line
    at each quarter and one when the columns are being built.
    """

    def __init__(self, data: bytes, reading: Reading, start: float = 0.0, end: float = 0.0):
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


def read_bytes(path: Path, reading: Reading) -> tuple[bytes, str]:
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
