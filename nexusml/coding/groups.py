"""Rows reviewed as one: rows the model reads the same are one review group.

An asset export lists one item many times (40 rows of "VAV Box" from one schedule); where the
model reads the same input in those rows, it gives them the same classes and confidences, and a
person makes one decision for all of them.  Two rows are one group only when their model input
is identical:

* the text the model reads, lowercased and with its whitespace collapsed: the text feature is built
  with its whitespace collapsed (``engineer_features``), and the held-out split lowercases it to
  find the rows of one item (:func:`nexusml.features.split.item_groups`, reused here), as the
  vectorizers do (a model whose vectorizers keep the case groups on the exact text);
* every numeric input, and whether its cell was blank (a blank takes the fill value; the same
  number given and blank can be flagged differently when the fill value is outside the range).

So their predictions, confidences and flags are necessarily identical.  Rows that differ in a tag
or a serial number the model reads are not grouped (see the README: measured, such a rule put
rows of other classes into one decision).

:func:`group_marks` reads a review by group: a row without a mark for a target takes the mark of
the first row of its group that has one, so a decision codes every row of its group, also in a
review file saved before rows were grouped (its marks are per row).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from nexusml.features.split import item_groups

Marks = Mapping[int, Mapping[str, tuple[str, str]]]


def review_groups(text: np.ndarray, numbers: pd.DataFrame | None = None, *, lowercase: bool = True) -> np.ndarray:
    """Each row's review group: integers from 0, numbering the groups in order of first appearance.

    ``text``: the text feature as the model reads it (whitespace already collapsed); ``numbers``:
    one column per numeric input (the values, and the blank-cell flags), aligned with ``text``.
    """
    frame = pd.DataFrame({"text": pd.Series(text, dtype=object).fillna("")})
    if lowercase:
        codes = item_groups(frame, "text")
    else:
        codes, _ = pd.factorize(frame["text"].astype(str))
    if numbers is None or not len(numbers.columns):
        return np.asarray(codes, dtype=np.int64)
    keys = numbers.reset_index(drop=True).copy()
    keys.columns = [f"n{k}" for k in range(len(keys.columns))]
    keys.insert(0, "text", codes)
    grouped = keys.groupby(list(keys.columns), sort=False, dropna=False)
    return grouped.ngroup().to_numpy(dtype=np.int64)


def group_sizes(group: np.ndarray) -> np.ndarray:
    """Per row: how many rows its group has."""
    group = np.asarray(group, dtype=np.int64)
    return np.bincount(group)[group] if len(group) else np.zeros(0, dtype=np.int64)


def group_marks(rows: np.ndarray, group: np.ndarray, marks: Marks) -> dict[int, dict[str, tuple[str, str]]]:
    """The marks every row has through its group: its own, then (per target) its group's first mark.

    ``rows`` are the spreadsheet row numbers, ``group`` their review groups; ``marks`` is per row,
    as :class:`~nexusml.coding.review_state.ReviewState` keeps them.  Only rows with a mark (their
    own or their group's) are in the result.
    """
    if not marks:
        return {}
    position = {int(r): i for i, r in enumerate(rows)}
    shared: dict[int, dict[str, tuple[str, str]]] = {}
    for row in sorted(marks):
        i = position.get(int(row))
        if i is None:
            continue
        mine = shared.setdefault(int(group[i]), {})
        for target, mark in marks[row].items():
            mine.setdefault(target, mark)
    out: dict[int, dict[str, tuple[str, str]]] = {}
    hit = np.flatnonzero(np.isin(group, np.fromiter(shared, dtype=np.int64, count=len(shared))))
    for at in hit:
        row, theirs = int(rows[at]), shared[int(group[at])]
        own = marks.get(row)
        out[row] = {**theirs, **own} if own else dict(theirs)
    return {row: value for row, value in out.items() if value}
