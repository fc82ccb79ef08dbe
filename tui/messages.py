"""Messages of the wizard.

Those posted by the training thread and the loaders to the screens (posting is thread-safe), and the
requests the screens post to the app (``self.app.post_message``): the screens never call the app; it
handles these and calls down into the screens.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from textual.message import Message

if TYPE_CHECKING:
    from nexusml.pipeline import Event, TrainingResult
    from tui.file_undo import FileUndo


@dataclass
class RunEvent(Message):
    """One pipeline event (RunStarted, StageStarted, ...) from the training thread."""

    event: Event


@dataclass
class RunLog(Message):
    """A log record emitted on the ``nexusml`` logger during a run."""

    level: int
    name: str
    text: str


@dataclass
class RunSucceeded(Message):
    result: TrainingResult


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
    raw: str | bool | None
    error: str


# -- requests from the screens to the app -----------------------------------------------------------


class StartTraining(Message):
    """Train with the form's values (the wizard's Train button): the app checks the form and opens the run."""


class CopyCommand(Message):
    """Copy the ``nexusml-train`` command equivalent to the form's values."""


@dataclass
class OpenPredict(Message):
    """Open the screen that codes a file with a saved model, its model file filled in ('': none)."""

    model: str = ""


@dataclass
class TrainingEnded(Message):
    """The run screen's run ended: the app keeps the outcome (the session's exit code, the last result)."""

    ok: bool
    cancelled: bool = False
    result: TrainingResult | None = None


SettingName = Literal["legacy", "log_level", "theme"]


@dataclass
class SettingChanged(Message):
    """A setting was changed on the settings screen: the app saves it and applies it."""

    name: SettingName
    value: bool | str


@dataclass
class Retrain(Message):
    """Fill the wizard with a new training file (and the model's feature config, if any) and go back to it."""

    data_path: Path
    feature_config: str = ""


@dataclass
class WroteTrainingFile(Message):
    """A training file was written (reviewed rows added, a corrected copy): it can be undone until a run starts."""

    undo: FileUndo


class UndoTrainingFile(Message):
    """Put the last training file written back as it was."""
