"""Writes to a training file that can be taken back until the next training run starts.

Before the review's "add to training data" (or the suspects' corrected copy) writes a file, :meth:`FileUndo.before`
keeps a copy of it, in the system's temporary folder (nothing is added beside the user's files), or notes that
the file did not exist. :meth:`FileUndo.restore` puts the file back as it was (or removes the file the write
made), unless the file changed after the write: then it is left alone and the reason said. The app keeps the
undos of the writes since the last run started (``NexusTrainApp.remember_write``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from nexusml.errors import NexusMLError


class UndoError(NexusMLError):
    """The file cannot be put back; ``str()`` is the one-line reason."""


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


@dataclass
class FileUndo:
    path: Path
    what: str  # what the write did, for the messages: "reviewed rows added"
    backup: Path | None = None  # a copy of the file as it was (None: the write made the file)
    written: tuple[int, int] | None = None  # size and time of the file the write left
    form_before: dict[str, str] = field(default_factory=dict)  # the wizard's values before it took this file
    active: bool = True  # False once restored or forgotten

    @classmethod
    def before(cls, path: Path, what: str) -> FileUndo:
        """Remember ``path`` as it is now (call it just before writing it)."""
        path = Path(path)
        undo = cls(path.absolute(), what)
        if path.is_file():
            fd, copy = tempfile.mkstemp(prefix="nexusml-undo-", suffix=path.suffix)
            os.close(fd)
            undo.backup = Path(copy)
            try:
                shutil.copyfile(path, undo.backup)
            except OSError:
                undo.discard()
                raise
        return undo

    def after_write(self) -> None:
        self.written = _stamp(self.path)

    def restore(self) -> str:
        """Put the file back as it was before the write; what was done, in one line."""
        if not self.active:
            raise UndoError(f"the {self.what} to {self.path.name} was already undone or forgotten")
        if self.written is None or _stamp(self.path) != self.written:
            raise UndoError(f"{self.path.name} changed after the {self.what}: it was left as it is")
        try:
            if self.backup is None:
                self.path.unlink()
                return f"{self.path.name} removed: it did not exist before the {self.what}"
            from nexusml.store.io import atomic_path

            with atomic_path(self.path) as tmp:
                shutil.copyfile(self.backup, tmp)
        except (OSError, NexusMLError) as exc:
            raise UndoError(f"{self.path.name} was not put back: {exc}") from None
        self.discard()
        return f"{self.path.name} is back as it was before the {self.what}"

    def discard(self) -> None:
        """Forget the copy (the write stays)."""
        self.active = False
        if self.backup is not None:
            with contextlib.suppress(OSError):
                self.backup.unlink()
            self.backup = None
