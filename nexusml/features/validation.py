"""Checks on the loaded data before features are built."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pandas as pd

from nexusml.config import FeatureConfig
from nexusml.errors import NexusMLError
from nexusml.features.engineering import available_columns, missing_inputs, missing_targets
from nexusml.options.validators import join_columns, listed_columns

log = logging.getLogger(__name__)

MIN_ROWS_FOR_METRICS = 50


class DataValidationError(NexusMLError):
    """The data cannot be trained on; the message says why."""


@dataclass
class ValidationReport:
    rows: int
    columns: int
    missing_inputs: list[str] = field(default_factory=list)
    empty_text_rows: int = 0
    duplicate_rows: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{self.rows} rows, {self.columns} columns"
        if self.warnings:
            text += f", {len(self.warnings)} warning(s)"
        return text


MAX_LISTED_COLUMNS = 8


def close_column(name: str, columns: list[str]) -> str | None:
    """The column a missing ``name`` was most likely meant to be (a typo, other case or spacing), if any."""
    import difflib

    folded = {" ".join(c.lower().split()): c for c in columns}
    key = " ".join(name.lower().split())
    if key in folded:
        return folded[key]
    match = difflib.get_close_matches(key, list(folded), n=1, cutoff=0.75)
    return folded[match[0]] if match else None


def column_hint(name: str, frame: pd.DataFrame) -> str:
    """``did you mean 'X'?`` and a short list of the other columns (empty ``Unnamed`` ones left out)."""
    columns = [str(c) for c in frame.columns if not (str(c).startswith("Unnamed") and frame[c].isna().all())]
    near = close_column(name, columns)
    others = [c for c in columns if c != near]
    listed = listed_columns(others[:MAX_LISTED_COLUMNS]) + (
        f" (+{len(others) - MAX_LISTED_COLUMNS} more)" if len(others) > MAX_LISTED_COLUMNS else ""
    )
    guess = f"did you mean '{near}'? " if near else ""
    return f"{guess}{'other columns' if near else 'columns'}: {listed or 'none'}"


def _runs(names: list[str]) -> list[list[str]]:
    """Every run of two or more consecutive ``names`` (what one comma-split column name becomes)."""
    return [names[i:j] for i in range(len(names)) for j in range(i + 2, len(names) + 1)]


def comma_split(names: list[str], columns: list[str]) -> str | None:
    """How to quote a column whose name has a comma, when ``names`` hold it split at its commas."""
    split = [c for c in columns if "," in c and [p.strip() for p in c.split(",")] in _runs(names)]
    if not split:
        return None
    return (
        f"the column {join_columns(split[:1])} has a comma in its name, so it was read as several "
        f"columns; quote it: --text-columns '{join_columns(split[:1])}'"
    )


def validate_data(frame: pd.DataFrame, config: FeatureConfig) -> ValidationReport:
    """Raise :class:`DataValidationError` on fatal problems; collect warnings for the rest.

    A missing target is an error; so is a missing input column close to an
    existing one (a typo).  Other missing inputs are created empty, with a warning.
    """
    absent = missing_targets(frame.columns, config)
    if absent:
        raise DataValidationError(
            f"target column '{absent[0]}' is not in the data; {column_hint(absent[0], frame)}; "
            "choose targets with --target or the feature config's targets"
        )
    columns = [str(c) for c in frame.columns]
    for name in missing_inputs(frame.columns, config):
        near = close_column(name, columns)
        if near is not None:
            raise DataValidationError(
                f"input column '{name}' is not in the data; did you mean '{near}'? "
                "fix --text-columns / --numeric-columns or the feature config"
            )
    numeric = {n.name for n in config.numeric_columns}
    texts = [c for c in config.input_columns if c not in numeric]
    if texts and not [c for c in texts if c in available_columns(frame.columns, config)]:
        split = comma_split(texts, columns)
        if split:
            raise DataValidationError(split)
        raise DataValidationError(
            f"none of the text columns the model reads ({listed_columns(texts)}) is in the data; "
            f"{column_hint(texts[0], frame)}; choose them with --text-columns"
        )
    report = ValidationReport(rows=len(frame), columns=frame.shape[1])
    report.missing_inputs = missing_inputs(frame.columns, config)
    if report.missing_inputs:
        report.warnings.append(
            f"input column(s) {', '.join(report.missing_inputs)} missing; they will be created empty"
        )
    present = [c for c in config.input_columns if c in frame.columns]
    if present:
        text = frame[present].astype("string").fillna("").apply(lambda s: s.str.strip())
        report.empty_text_rows = int((text == "").all(axis=1).sum())
        if report.empty_text_rows:
            report.warnings.append(f"{report.empty_text_rows} row(s) have no text in any input column")
    report.duplicate_rows = int(frame.duplicated().sum())
    if report.duplicate_rows:
        report.warnings.append(f"{report.duplicate_rows} duplicate row(s)")
    if len(frame) < MIN_ROWS_FOR_METRICS:
        report.warnings.append(
            f"only {len(frame)} rows: the model will train, "
            f"but its metrics mean little below {MIN_ROWS_FOR_METRICS} rows"
        )
    for message in report.warnings:
        if not message.startswith("input column(s)"):  # the features step logs created columns itself
            log.warning(message)
    return report


def single_class_warnings(Y: pd.DataFrame) -> list[str]:
    """Warnings (also logged) for targets with one class, or with classes of a single row."""
    out = []
    for target in Y.columns:
        counts = Y[target].value_counts()
        if len(counts) < 2:
            out.append(f"target '{target}' has a single class ({counts.index[0]}); it will always be predicted")
        elif (counts == 1).any():
            out.append(
                f"target '{target}' has {int((counts == 1).sum())} class(es) with one row; they may never be learned"
            )
    for message in out:
        log.warning(message)
    return out


def check_class_counts(Y: pd.DataFrame, max_classes: int) -> list[str]:
    """Refuse a target with more than ``max_classes`` classes; warn when most rows are a class of their own.

    Either is almost always a wrong column (an ID, a serial number, free text),
    and training on it would take long and learn nothing.  Returns the warnings.
    """
    out = []
    for target in Y.columns:
        classes = int(Y[target].nunique())
        if classes > max_classes:
            raise DataValidationError(
                f"target '{target}' has {classes:,} classes (more than --max-classes {max_classes:,}); "
                "it looks like an ID or free-text column: choose another target, or raise --max-classes"
            )
        if len(Y) >= 100 and classes > len(Y) / 2:
            out.append(
                f"target '{target}' has {classes:,} classes in {len(Y):,} rows: most rows are a class of "
                "their own, so little can be learned (is it an ID column?)"
            )
    for message in out:
        log.warning(message)
    return out
