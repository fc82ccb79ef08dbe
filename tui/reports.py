"""A run's report files as the results screen lists them: the misclassified held-out rows (errors file) and the
training rows whose label looks wrong (suspects file): reading them, the filter by class, the figures to sort by."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from tui.suspects import SUSPECT_FIELDS

COLUMNS = ("row", "target", "text", "true", "predicted", "confidence", "second_best")
SHOWN = ("row", "text", "true", "predicted", "confidence", "second_best")


@dataclass(frozen=True)
class Kind:
    """What a table lists: its file's columns, the table's, the two class columns the filter looks in."""

    prefix: str  # of the widgets' ids: {prefix}-filter, -count, -table, -detail
    report: str  # the file, as the notes name it
    columns: tuple[str, ...]
    shown: tuple[str, ...]
    sides: tuple[str, str]
    ranked: str  # the figure a sort puts highest first
    nouns: tuple[str, str]
    placeholder: str


ERRORS = Kind(
    "error",
    "errors",
    COLUMNS,
    SHOWN,
    ("true", "predicted"),
    "confidence",
    ("error", "errors"),
    "filter by class, true or predicted (true:… / pred:… for one side)",
)
SUSPECTS = Kind(
    "suspect",
    "suspects",
    SUSPECT_FIELDS,
    ("row", "text", "label", "suggested", "score", "decision"),
    ("label", "suggested"),
    "score",
    ("suspect row", "suspect rows"),
    "filter by class, label or suggested (label:… / sugg:… for one side)",
)


def read_rows(path: Path, kind: Kind = ERRORS) -> list[dict[str, str]]:
    """The rows of a report CSV, each cell as it was given to the writer (``tables.restored_cell``).

    Raises ``ValueError`` when the file lacks a column the table needs.
    """
    from nexusml.store.tables import restored_cell

    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in kind.columns if c not in (reader.fieldnames or ())]
        if missing:
            article = "an" if kind.report[0] in "aeiou" else "a"
            raise ValueError(f"not {article} {kind.report} file (no {', '.join(missing)} column)")
        return [{c: restored_cell(row.get(c) or "") for c in kind.columns} for row in reader]


def read_errors(path: Path) -> list[dict[str, str]]:
    return read_rows(path, ERRORS)


def matches(row: dict[str, str], query: str, sides: tuple[str, str] = ERRORS.sides) -> bool:
    """``query`` in either class column (case-insensitive); ``true:``/``pred:`` (``label:``/``sugg:``) picks one."""
    query = query.strip().casefold()
    for side in sides:
        prefix = next((p for p in (f"{side}:", f"{side[:4]}:") if query.startswith(p)), None)
        if prefix is not None:
            query, sides = query[len(prefix) :].strip(), (side, side)
            break
    return not query or any(query in row[side].casefold() for side in sides)


def number_text(value: str) -> str:
    try:
        number = float(value)
    except ValueError:
        return ""
    return "" if number != number else f"{number:.3f}"  # NaN: the model gave no confidence


confidence_text = number_text


def row_number(row: dict[str, str]) -> int:
    try:
        return int(row["row"])
    except ValueError:
        return 0


def number_of(row: dict[str, str], column: str = "confidence") -> float:
    try:
        number = float(row[column])
    except ValueError:
        return -1.0
    return -1.0 if number != number else number
