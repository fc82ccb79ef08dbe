"""The review table: which rows the filters keep, in which order, and how one line is drawn.

One line per review group (rows the model reads the same, ``nexusml.coding.groups``): the group's
first row stands for it, with the number of rows it holds, and a decision about it codes them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from rich.text import Text

from nexusml.coding.groups import group_marks
from nexusml.coding.predictions import CodedRows
from nexusml.coding.review_state import ReviewState
from tui.widgets.plain import DataTable
from tui.widgets.table_fit import CELL_PADDING, SCROLLBAR, ClassName, Names, cut, fit_widths

SHOWN_ROWS = 500  # the table holds at most this many lines of the current filter
SHOW_CHOICES = [
    ("All rows", "all"),
    ("Needs review", "review"),
    ("Pending", "pending"),
    ("Reviewed", "reviewed"),
    ("Unfamiliar text", "unfamiliar"),
    ("Numbers out of range", "out_of_range"),
]
FIXED = {"row": 6, "mark": 1, "rows": 5}  # the row number, the mark, the group's size
CONF_WIDTH = 4
MIN_TEXT = 24  # every target's columns are shown when the text keeps this much room
MIN_CLASS = 16  # ... and each class column this much (or its longest name)
MARKS = {"accepted": Text("✓", "bold green"), "corrected": Text("✎", "bold cyan")}
Marks = dict[int, dict[str, tuple[str, str]]]


@dataclass
class Filters:
    target: str | None = None  # None: every target
    show: str = "all"
    predicted: str = ""
    text: str = ""


class ReviewModel:
    """Vectorised views of the coded rows, a line per review group; the review state is read by group."""

    def __init__(self, coded: CodedRows, state: ReviewState):
        self.coded, self.state = coded, state
        self.rows = coded.rows
        self.position = {int(r): i for i, r in enumerate(self.rows)}
        self.review = {t: coded.needs_review(t) for t in coded.targets}
        self.any_review = coded.any_needs_review()
        self.lower_text = pd.Series(coded.text, dtype=object).astype(str).str.lower()
        self.group = np.asarray(coded.group, dtype=np.int64)
        self.sizes = np.bincount(self.group) if len(self.group) else np.zeros(0, dtype=np.int64)
        self.first = np.zeros(len(coded), dtype=bool)  # the row that stands for its group
        self.first[np.unique(self.group, return_index=True)[1]] = True
        self._by_group = np.argsort(self.group, kind="stable")
        self._starts = np.concatenate([[0], np.cumsum(self.sizes)]).astype(np.int64)
        self._marks: Marks = {}
        self._revision = -1
        self.text_width = int(self.lower_text.str.len().max()) + 2 if len(self.lower_text) else 4  # "? " unfamiliar
        self.names = {t: Names(self._classes(t)) for t in coded.targets}
        self.class_width = {t: max([len(t), *(len(n) for n in self.names[t].names)]) for t in coded.targets}

    def _classes(self, target: str) -> set[str]:
        """The classes the coded rows show for ``target``: predicted, or among the top ones."""
        labels = set(pd.unique(pd.Series(self.coded.predicted[target], dtype=object).astype(str)))
        top = np.asarray(self.coded.top_labels[target], dtype=object).ravel()
        return (labels | set(pd.unique(pd.Series(top, dtype=object).astype(str)))) - {""}

    def members(self, i: int) -> np.ndarray:
        """Positions of the rows of ``i``'s group, in file order."""
        g = int(self.group[i])
        return self._by_group[self._starts[g] : self._starts[g + 1]]

    def rows_of(self, i: int) -> list[int]:
        """Spreadsheet rows of ``i``'s group: a decision about ``i`` marks them all."""
        return [int(self.rows[j]) for j in self.members(i)]

    def size(self, i: int) -> int:
        return int(self.sizes[self.group[i]])

    def marks(self) -> Marks:
        """Per row, its marks through its group (read again after each change of the review)."""
        if self._revision != self.state.revision:
            self._marks = group_marks(self.rows, self.group, self.state.marks)
            self._revision = self.state.revision
        return self._marks

    def mark(self, i: int, target: str) -> tuple[str, str] | None:
        return self.marks().get(int(self.rows[i]), {}).get(target)

    def targets_of(self, filters: Filters) -> list[str]:
        return [filters.target] if filters.target else list(self.coded.targets)

    def reviewed_mask(self) -> np.ndarray:
        mask = np.zeros(len(self.coded), dtype=bool)
        for row in self.marks():
            if row in self.position:
                mask[self.position[row]] = True
        return mask

    def status(self, i: int) -> str:
        mine = self.marks().get(int(self.rows[i]), {})
        if any(self.review[t][i] and t not in mine for t in self.coded.targets):
            return "pending"
        if any(s == "corrected" for s, _ in mine.values()):
            return "corrected"
        return "accepted" if mine else "auto"

    def pending_mask(self) -> np.ndarray:
        pending = self.any_review.copy()
        for row in self.marks():
            if row in self.position:
                i = self.position[row]
                pending[i] = self.status(i) == "pending"
        return pending

    def select(self, filters: Filters) -> np.ndarray:
        """Positions of the groups' first rows the filters keep, lowest confidence (of the chosen targets) first.

        The rows of a group have the same text, predictions and flags, and their marks are read by
        group, so the first row answers every filter for the group.
        """
        targets = self.targets_of(filters)
        keep = self.first.copy()
        if filters.show == "review":
            keep &= np.logical_or.reduce([self.review[t] for t in targets])
        elif filters.show == "pending":
            keep &= self.pending_mask()
        elif filters.show == "reviewed":
            keep &= self.reviewed_mask()
        elif filters.show == "unfamiliar":
            keep &= self.coded.unfamiliar
        elif filters.show == "out_of_range":
            keep &= self.coded.out_of_range.rows
        if filters.predicted.strip():
            wanted = filters.predicted.strip().lower()
            hits = [pd.Series(self.coded.predicted[t], dtype=object).astype(str).str.lower() == wanted for t in targets]
            keep &= np.logical_or.reduce([h.to_numpy() for h in hits])
        if filters.text.strip():
            keep &= self.lower_text.str.contains(filters.text.strip().lower(), regex=False).to_numpy()
        lowest = np.min(np.vstack([self.coded.confidence[t] for t in targets]), axis=0)
        chosen = np.flatnonzero(keep)
        return chosen[np.argsort(lowest[chosen], kind="stable")]

    def rows_in(self, order: np.ndarray) -> int:
        """How many rows the lines of ``order`` stand for."""
        return int(self.sizes[self.group[order]].sum()) if len(order) else 0

    def summary(self) -> str:
        n = len(self.coded)
        review = int(self.any_review.sum())
        marked = [self.status(self.position[r]) for r in self.marks() if r in self.position]
        text = f"{n:,} rows: {n - review:,} auto-coded, {review:,} need review"
        decisions = int((self.any_review & self.first).sum())
        if decisions < review:
            text += f": {decisions:,} decisions (rows the model reads the same are decided together)"
        if marked:
            pending = int(self.pending_mask().sum())
            text += (
                f" · reviewed {len(marked):,} ({marked.count('accepted'):,} accepted, "
                f"{marked.count('corrected'):,} corrected), {pending:,} pending"
            )
        unfamiliar = int(self.coded.unfamiliar.sum())
        if unfamiliar:
            text += f" · {unfamiliar:,} unfamiliar"
        outside = int(self.coded.out_of_range.rows.sum())
        if outside:
            text += f" · {outside:,} with numbers out of range"
        return text

    def next_pending(self, order: np.ndarray, after: int) -> int | None:
        """The place in ``order`` of the next pending line after place ``after`` (wrapping round)."""
        if not len(order):
            return None
        for step in range(1, len(order) + 1):
            place = (after + step) % len(order)
            if self.status(int(order[place])) == "pending":
                return place
        return None

    def final(self, i: int, target: str) -> str:
        mark = self.mark(i, target)
        return mark[1] if mark else str(self.coded.predicted[target][i])


def confidence_text(model: ReviewModel, i: int, target: str) -> Text:
    value = float(model.coded.confidence[target][i])
    threshold = model.coded.thresholds.get(target)
    if model.coded.unfamiliar[i] or model.coded.out_of_range.columns[i]:
        style = "magenta"
    elif threshold is None or value < threshold:
        style = "bold red" if threshold is None or value < threshold * 0.75 else "yellow"
    else:
        style = "green"
    return Text(f"{value:.2f}", style)


def row_cells(model: ReviewModel, i: int, targets: list[str]) -> list[Any]:
    """Row number, mark, rows in the group, text, then per shown target the class (the person's where marked) and
    its confidence; a class too long for its column shows its distinctive part (enter opens the whole row)."""
    coded = model.coded
    status = model.status(i)
    mark = MARKS.get(status, Text("•", "yellow") if status == "pending" else Text(" "))
    text = str(coded.text[i])
    if coded.unfamiliar[i]:
        text = "? " + text
    size = model.size(i)
    count = Text(f"×{size}" if size < 10_000 else f"×{size // 1000}k", "bold") if size > 1 else Text("")
    cells: list[Any] = [str(int(model.rows[i])), mark, count, cut(text)]
    for target in targets:
        value = model.final(i, target)
        style = "bold cyan" if value != str(coded.predicted[target][i]) else ""
        cells += [ClassName(value, style, model.names[target]), confidence_text(model, i, target)]
    return cells


def fill_table(table: DataTable, model: ReviewModel, order: np.ndarray, targets: list[str]) -> None:
    """The first :data:`SHOWN_ROWS` lines of ``order``; a line's key is its first row's position in the coded rows."""
    table.clear()
    for i in order[:SHOWN_ROWS]:
        table.add_row(*row_cells(model, int(i), targets), key=str(int(i)))


def fits_all(model: ReviewModel, width: int) -> bool:
    """Whether every target's columns fit in ``width`` beside a readable text column."""
    targets = list(model.coded.targets)
    classes = sum(min(model.class_width[t], MIN_CLASS) + CONF_WIDTH for t in targets)
    columns = len(FIXED) + 1 + 2 * len(targets)
    return sum(FIXED.values()) + MIN_TEXT + classes + CELL_PADDING * columns + SCROLLBAR <= width


def add_columns(table: DataTable, model: ReviewModel, targets: list[str], width: int) -> list[Any]:
    """Columns for the shown targets, fitted to ``width`` once: the table never measures its cells, so
    refilling it stays quick on a large file."""
    fixed = dict(FIXED) | {f"conf:{t}": CONF_WIDTH for t in targets}
    flexible = {"text": (model.text_width, 2.0)} | {f"class:{t}": (model.class_width[t], 3.0) for t in targets}
    widths = fit_widths(width, fixed, flexible)
    # The text keeps a readable width, taken from the widest class columns while they stay readable too;
    # when even that does not fit, the table scrolls sideways.
    floors = {f"class:{t}": min(model.class_width[t], MIN_CLASS) for t in targets}
    short = min(model.text_width, MIN_TEXT) - widths["text"]
    for key in sorted(floors, key=lambda k: -widths[k]):
        give = max(0, min(short, widths[key] - floors[key]))
        widths[key] -= give
        widths["text"] += give
        short -= give
    widths["text"] = max(widths["text"], min(model.text_width, MIN_TEXT))
    for key, floor in floors.items():
        widths[key] = max(widths[key], floor)
    labels = (("row", "row"), ("mark", ""), ("rows", "rows"))
    keys = [table.add_column(label, width=widths[key]) for key, label in labels]
    keys.append(table.add_column("text", width=widths["text"]))
    for target in targets:
        keys.append(table.add_column(target, width=widths[f"class:{target}"]))
        keys.append(table.add_column("conf", width=CONF_WIDTH))
    return keys


def redraw_row(table: DataTable, model: ReviewModel, i: int, keys: list[Any], targets: list[str]) -> None:
    """Show a row's new marks, if the table holds it."""
    if str(i) not in table.rows:
        return
    for key, value in zip(keys, row_cells(model, i, targets), strict=True):
        table.update_cell(str(i), key, value)
