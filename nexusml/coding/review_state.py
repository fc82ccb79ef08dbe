"""What a person decided about coded rows, kept next to the input file.

:class:`ReviewState` holds per row and target ``accepted`` or ``corrected`` with the chosen class,
saved atomically on every change to a sidecar JSON file next to the input (:func:`sidecar_path`).
The sidecar records the sha256 of the model and of the input: it reopens only for the same model and
the same file.

Marks are kept per row, as before rows were grouped, so review files of either kind load in both
versions.  A decision about a review group (``groups``) is one decision: it marks every row of the
group, and ``undo`` takes it back as one.  Reading goes by group too (``groups.group_marks``): a row
without a mark takes its group's, so an older file's mark on one row of a group codes the group.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from nexusml.errors import NexusMLError
from nexusml.store.io import atomic_write_text, clean_leftovers, sha256_file

SIDECAR_VERSION = 1  # unchanged by review groups: a group decision is saved as a mark on each of its rows

Rows = int | Iterable[int]
Before = list[tuple[int, dict[str, tuple[str, str]] | None]]


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
    """Per spreadsheet row and target: (status, class); saved to ``path`` on every change.

    Each decision takes a row or the rows of a review group (``rows``): all of them get the mark.
    """

    path: Path
    model_sha256: str
    input_sha256: str
    model_path: str = ""
    input_path: str = ""
    marks: dict[int, dict[str, tuple[str, str]]] = field(default_factory=dict)
    # Each decision's rows and their marks before it, newest last: ``undo`` takes the last one back.
    history: list[Before] = field(default_factory=list, repr=False)
    # Counts the changes, so that views of the marks know when to read them again.
    revision: int = field(default=0, repr=False, compare=False)

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
        self.revision += 1
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
        """The row's own mark (``groups.group_marks`` gives the marks a row has through its group)."""
        return self.marks.get(int(row), {}).get(target)

    def set_class(self, row: Rows, target: str, value: str, predicted: str) -> None:
        """The person's class for one target: ``accepted`` when it is the prediction, else ``corrected``."""
        value = str(value).strip()
        status = "accepted" if value == str(predicted) else "corrected"
        for one in self._remember(row):
            self.marks.setdefault(one, {})[target] = (status, value)
        self.save()

    def accept(self, row: Rows, predicted: dict[str, str]) -> None:
        """Accept the predictions of the targets that have no mark yet.

        With the rows of a group, a target one of them has a mark for is decided for the group
        (``groups.group_marks``), so it is left as it is.
        """
        rows = _rows(row)
        decided = {target for one in rows for target in self.marks.get(one, {})}
        for one in self._remember(rows):
            mine = self.marks.setdefault(one, {})
            for target, value in predicted.items():
                if target not in decided:
                    mine[target] = ("accepted", str(value))
            if not mine:
                self.marks.pop(one)
        self.save()

    def clear(self, row: Rows) -> None:
        marked = [one for one in _rows(row) if one in self.marks]
        if marked:
            for one in self._remember(marked):
                self.marks.pop(one)
            self.save()

    def _remember(self, row: Rows) -> list[int]:
        """The decision's rows; their marks before it are kept for ``undo``."""
        rows = _rows(row)
        before: Before = []
        for one in rows:
            marks = self.marks.get(one)
            before.append((one, dict(marks) if marks is not None else None))
        self.history.append(before)
        return rows

    def undo(self) -> list[int] | None:
        """Take the last decision back, on every row it marked (saved at once); returns its rows, or None."""
        if not self.history:
            return None
        before = self.history.pop()
        for row, marks in before:
            if marks is None:
                self.marks.pop(row, None)
            else:
                self.marks[row] = marks
        self.save()
        return [row for row, _ in before]


def _rows(row: Rows) -> list[int]:
    """One row number, or several (a review group's), as a list without repeats."""
    if isinstance(row, Iterable):
        return list(dict.fromkeys(int(r) for r in row))
    return [int(row)]
