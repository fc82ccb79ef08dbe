"""What a person decided about coded rows, kept next to the input file.

:class:`ReviewState` holds per row and target ``accepted`` or ``corrected`` with the chosen class,
saved atomically on every change to a sidecar JSON file next to the input (:func:`sidecar_path`).
The sidecar records the sha256 of the model and of the input: it reopens only for the same model and
the same file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from nexusml.errors import NexusMLError
from nexusml.store.io import atomic_write_text, clean_leftovers, sha256_file

SIDECAR_VERSION = 1


class CodingError(NexusMLError):
    """A review file or an output cannot be used; the message says why."""


class ReviewNotSaved(CodingError):
    """A decision was made but the review file could not be written; the decision stays in memory."""


class ReviewMismatch(CodingError):
    """The review file was made for another model or another version of the input."""


def sidecar_path(input_path: Path | str, model_path: Path | str) -> Path:
    """``<input>.<model stem>.review.json`` next to the input."""
    input_path = Path(input_path)
    return input_path.with_name(f"{input_path.name}.{Path(model_path).stem}.review.json")


@dataclass
class ReviewState:
    """Per spreadsheet row and target: (status, class); saved to ``path`` on every change."""

    path: Path
    model_sha256: str
    input_sha256: str
    model_path: str = ""
    input_path: str = ""
    marks: dict[int, dict[str, tuple[str, str]]] = field(default_factory=dict)
    # Each decision's row and that row's marks before it, newest last: ``undo`` takes the last one back.
    history: list[tuple[int, dict[str, tuple[str, str]] | None]] = field(default_factory=list, repr=False)

    @classmethod
    def open(cls, input_path: Path | str, model_path: Path | str, *, start_over: bool = False) -> ReviewState:
        """The saved review of this input with this model, or a new one.

        A review file made for another model or another version of the input raises
        :class:`ReviewMismatch`; with ``start_over`` it is renamed ``*.old`` and a new review begins.
        """
        path = sidecar_path(input_path, model_path)
        clean_leftovers(path.parent, ours_only=True)  # the temporary file of a save that was killed half-way
        fresh = cls(path, sha256_file(model_path), sha256_file(input_path), str(model_path), str(input_path))
        if not path.exists():
            return fresh
        try:
            return cls.load(path, fresh.model_sha256, fresh.input_sha256)
        except ReviewMismatch:
            if not start_over:
                raise
            path.replace(path.with_name(path.name + ".old"))
            return fresh

    @classmethod
    def load(cls, path: Path | str, model_sha256: str | None = None, input_sha256: str | None = None) -> ReviewState:
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            marks = {
                int(row): {t: (str(m["status"]), str(m["value"])) for t, m in targets.items()}
                for row, targets in data["rows"].items()
            }
            state = cls(path, data["model_sha256"], data["input_sha256"], data.get("model", ""), data.get("input", ""))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CodingError(f"{path} is not a readable review file ({type(exc).__name__}: {exc})") from None
        for what, expected, found in (
            ("model", model_sha256, state.model_sha256),
            ("input", input_sha256, state.input_sha256),
        ):
            if expected is not None and expected != found:
                raise ReviewMismatch(
                    f"{path.name} was made for another {what} file (sha256 {found[:12]}..., this one is "
                    f"{expected[:12]}...); its marks do not apply here"
                )
        state.marks = marks
        return state

    def save(self) -> None:
        rows = {
            str(row): {t: {"status": s, "value": v} for t, (s, v) in targets.items()}
            for row, targets in sorted(self.marks.items())
        }
        data = {
            "nexusml_review_version": SIDECAR_VERSION,
            "model": self.model_path,
            "model_sha256": self.model_sha256,
            "input": self.input_path,
            "input_sha256": self.input_sha256,
            "rows": rows,
        }
        try:
            atomic_write_text(self.path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
        except (OSError, NexusMLError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise ReviewNotSaved(
                f"the decision is kept while this screen is open, but {self.path.name} cannot be written "
                f"({reason}); make its folder writable (or remove what is at that path) and decide again to save"
            ) from None

    def mark(self, row: int, target: str) -> tuple[str, str] | None:
        return self.marks.get(int(row), {}).get(target)

    def set_class(self, row: int, target: str, value: str, predicted: str) -> None:
        """The person's class for one target: ``accepted`` when it is the prediction, else ``corrected``."""
        value = str(value).strip()
        status = "accepted" if value == str(predicted) else "corrected"
        self._remember(row)
        self.marks.setdefault(int(row), {})[target] = (status, value)
        self.save()

    def accept(self, row: int, predicted: dict[str, str]) -> None:
        """Accept the predictions of the row's targets that have no mark yet."""
        self._remember(row)
        mine = self.marks.setdefault(int(row), {})
        for target, value in predicted.items():
            mine.setdefault(target, ("accepted", str(value)))
        self.save()

    def clear(self, row: int) -> None:
        if int(row) in self.marks:
            self._remember(row)
            self.marks.pop(int(row))
            self.save()

    def _remember(self, row: int) -> None:
        before = self.marks.get(int(row))
        self.history.append((int(row), dict(before) if before is not None else None))

    def undo(self) -> int | None:
        """Take the last decision back (saved at once); returns its row, or None when there is none."""
        if not self.history:
            return None
        row, before = self.history.pop()
        if before is None:
            self.marks.pop(row, None)
        else:
            self.marks[row] = before
        self.save()
        return row
