"""The coded file and the training rows that come out of a review.

:func:`export_coded` writes the coded file: the input columns, then per target ``predicted_<target>``
(the final code: the correction, else the prediction) and ``confidence_<target>`` (the model's
confidence in its own prediction), then ``review_status`` (``auto``, ``accepted``, ``corrected`` or
``pending``), ``out_of_range`` and ``review_group`` (rows with the same model input share a number,
1, 2, ... in order of first appearance; a decision codes every row of its group).  CSV, or a real
``.xlsx`` workbook; one line per input row.  :func:`training_rows` gives
the reviewed rows in the model's training columns, and :func:`add_training_rows` appends them to a
training file (or a new copy of one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nexusml.coding.groups import group_marks
from nexusml.coding.predictions import CodedRows
from nexusml.coding.review_state import CodingError, ReviewState
from nexusml.features.ranges import FLAG_COLUMN
from nexusml.store.tables import write_table

STATUSES = ("auto", "accepted", "corrected", "pending")
GROUP_COLUMN = "review_group"


def marks_by_row(coded: CodedRows, state: ReviewState | None) -> dict[int, dict[str, tuple[str, str]]]:
    """Per row, the marks it has, its own or its review group's (``groups.group_marks``)."""
    if state is None or not state.marks:
        return {}
    return group_marks(coded.rows, coded.group, state.marks)


def final_codes(
    coded: CodedRows, state: ReviewState | None, target: str, marks: dict[int, dict[str, tuple[str, str]]] | None = None
) -> np.ndarray:
    """The correction or accepted class where the row (or its group) has a mark, else the prediction."""
    out = coded.predicted[target].astype(object).copy()
    marks = marks_by_row(coded, state) if marks is None else marks
    if not marks:
        return out
    position = {int(r): i for i, r in enumerate(coded.rows)}
    for row, targets in marks.items():
        if target in targets and row in position:
            out[position[row]] = targets[target][1]
    return out


def row_statuses(
    coded: CodedRows, state: ReviewState | None, marks: dict[int, dict[str, tuple[str, str]]] | None = None
) -> np.ndarray:
    """``pending`` (a target that needs review has no mark), else ``corrected``, ``accepted`` or ``auto``."""
    out = np.full(len(coded), "auto", dtype=object)
    review = {t: coded.needs_review(t) for t in coded.targets}
    out[coded.any_needs_review()] = "pending"
    marks = marks_by_row(coded, state) if marks is None else marks
    position = {int(r): i for i, r in enumerate(coded.rows)}
    for row, mine in marks.items():
        i = position.get(row)
        if i is None:
            continue
        if any(review[t][i] and t not in mine for t in coded.targets):
            out[i] = "pending"
        elif any(s == "corrected" for s, _ in mine.values()):
            out[i] = "corrected"
        else:
            out[i] = "accepted"
    return out


def coded_table(coded: CodedRows, state: ReviewState | None) -> pd.DataFrame:
    out = coded.frame.reset_index(drop=True).copy()
    marks = marks_by_row(coded, state)
    for target in coded.targets:
        out[f"predicted_{target}"] = final_codes(coded, state, target, marks)
        out[f"confidence_{target}"] = np.round(coded.confidence[target], 4)
    out["review_status"] = row_statuses(coded, state, marks)
    out[FLAG_COLUMN] = coded.out_of_range.columns
    out[GROUP_COLUMN] = group_numbers(coded)
    return out


def review_thresholds(model: Any, min_confidence: float | str | None) -> dict[str, float | None] | None:
    """Per target, the confidence under which a row is left for review (``--min-confidence``); None: no threshold.

    ``auto`` is the threshold recorded when the model was trained (None for a target where none was reached).
    """
    if min_confidence is None:
        return None
    if min_confidence == "auto":
        return dict(model.auto_thresholds())
    return dict.fromkeys(model.targets, float(min_confidence))


def prediction_table(coded: CodedRows, thresholds: dict[str, float | None] | None, k: int) -> pd.DataFrame:
    """The input columns, then per target predicted_/confidence_ (and needs_review_), the top classes, flags.

    One line per input row; the last column, ``review_group``, numbers the rows the model reads the same.
    """
    out = coded.frame.reset_index(drop=True).copy()
    pending = coded.doubtful.copy()
    for target in coded.targets:
        values = coded.predicted[target].astype(object)
        review = None
        if thresholds is not None:
            limit = thresholds[target]
            review = np.ones(len(values), dtype=bool) if limit is None else coded.confidence[target] < limit
            values = np.where(review, "", values)
            pending |= review
        out[f"predicted_{target}"] = values
        out[f"confidence_{target}"] = np.round(coded.confidence[target], 4)
        if review is not None:
            out[f"needs_review_{target}"] = review
    for target in coded.targets:
        labels, scores = coded.top_labels[target], coded.top_confidences[target]
        for i in range(k):
            have = i < labels.shape[1]
            out[f"top{i + 1}_{target}"] = labels[:, i] if have else ""
            out[f"top{i + 1}_confidence_{target}"] = np.round(scores[:, i], 4) if have else np.nan
    out["unfamiliar"] = coded.unfamiliar
    out[FLAG_COLUMN] = coded.out_of_range.columns
    if thresholds is not None:
        out["review_status"] = np.where(pending, "pending", "auto")
    out[GROUP_COLUMN] = group_numbers(coded)
    return out


def group_numbers(coded: CodedRows) -> np.ndarray:
    """The ``review_group`` column: each row's review group, numbered from 1 in order of first appearance."""
    return np.asarray(coded.group, dtype=np.int64) + 1


def export_coded(coded: CodedRows, state: ReviewState | None, path: Path | str) -> Path:
    return write_table(coded_table(coded, state), path)


# -- learning from the review -----------------------------------------------------------------------


def training_columns(model: Any) -> list[str]:
    """The columns a training file for this model needs: its input columns, then its targets."""
    config = model.feature_config
    return list(dict.fromkeys([*config.input_columns, *model.targets]))


def training_rows(coded: CodedRows, state: ReviewState | None, model: Any, flags: bool = False) -> pd.DataFrame:
    """The accepted and corrected rows in the model's training columns, with their final codes.

    Every row of a decided review group is one (each is a row of the file, as in training data).

    ``flags`` adds the ``out_of_range`` column: the rows whose numbers were outside the training range.
    """
    marks = marks_by_row(coded, state)
    statuses = row_statuses(coded, state, marks)
    keep = np.isin(statuses, ["accepted", "corrected"])
    frame = coded.frame.reset_index(drop=True)
    out = pd.DataFrame(index=np.flatnonzero(keep))
    for column in model.feature_config.input_columns:
        out[column] = frame[column].to_numpy()[keep] if column in frame.columns else None
    for target in model.targets:
        out[target] = final_codes(coded, state, target, marks)[keep]
    columns = training_columns(model)
    if flags:
        out[FLAG_COLUMN] = coded.out_of_range.columns[keep]
        columns.append(FLAG_COLUMN)
    return out[columns].reset_index(drop=True)


def new_training_path(original: Path | str) -> Path:
    """``<stem>.reviewed<suffix>`` next to ``original`` (``.reviewed-2`` ... when taken)."""
    original = Path(original)
    candidate = original.with_name(f"{original.stem}.reviewed{original.suffix}")
    n = 2
    while candidate.exists():
        candidate = original.with_name(f"{original.stem}.reviewed-{n}{original.suffix}")
        n += 1
    return candidate


def add_training_rows(rows: pd.DataFrame, training_file: Path | str, into: Path | str | None = None) -> Path:
    """``training_file``'s rows followed by ``rows``, written to ``into`` (default: ``training_file``).

    The file keeps its format (CSV, Excel, Parquet); columns it lacks are added at the end.
    """
    from nexusml.readers.loader import load_data

    training_file = Path(training_file)
    target = Path(into) if into is not None else training_file
    if target.suffix.lower() != training_file.suffix.lower():
        raise CodingError(f"{target.name} must have the same format as {training_file.name}")
    existing = load_data(training_file)
    combined = pd.concat([existing, rows], ignore_index=True, sort=False)
    return write_table(combined, target)
