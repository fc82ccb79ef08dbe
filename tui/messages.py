"""Messages posted by the training thread and the loaders to the UI (posting is thread-safe)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.message import Message


@dataclass
class RunEvent(Message):
    """One pipeline event (RunStarted, StageStarted, ...) from the training thread."""

    event: Any


@dataclass
class RunLog(Message):
    """A log record emitted on the ``nexusml`` logger during a run."""

    level: int
    name: str
    text: str


@dataclass
class RunSucceeded(Message):
    result: Any


@dataclass
class RunFailed(Message):
    stage: str
    message: str
    traceback: str
    cancelled: bool = False
    outcome: str = "no model was saved"


@dataclass
class PreviewProgress(Message):
    """How far reading the data file for the preview got (0 to 1)."""

    path: Path
    fraction: float


@dataclass
class PreviewLoaded(Message):
    """The data file was read: its size, header and first rows (or why it could not be read)."""

    path: Path
    rows: int = 0
    columns: tuple[str, ...] = ()
    head: tuple[tuple[str, ...], ...] = ()
    error: str = ""
    numeric: tuple[str, ...] = ()
    """The columns whose values are mostly numbers."""
    sheets: tuple[tuple[str, int], ...] = ()
    """A workbook's sheets with their rows below the header, in workbook order (empty for other files)."""
    sheet: str = ""
    """The sheet the rows come from, and why when it is not the first one (``sheet_reason``)."""
    sheet_reason: str = ""


@dataclass
class FieldChanged(Message):
    """A form field was edited: its raw value and the validator's message ('' when valid).

    The field has run the validator; the form records ``error`` as it is instead of validating again.
    """

    dest: str
    raw: Any
    error: str
