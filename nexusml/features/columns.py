"""The columns a run names, checked against its file's header before anything is loaded.

A column that is not in the file is a bad argument: the run stops at once
(exit 2) with one line that names the flag the user gave, or the flag they
must give, and what to pass.  The check reads only the file's first rows
(``readers.loader.read_head``); where they cannot be read, the run's own load
reports the file's problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from nexusml.config import FeatureConfig, load_feature_config
from nexusml.errors import NexusMLError
from nexusml.features.engineering import source_columns
from nexusml.features.validation import close_column, comma_split
from nexusml.options.arguments import TrainingArguments
from nexusml.options.validators import ArgumentError, join_columns

MAX_SUGGESTED = 3


def likely_text_columns(head: pd.DataFrame, exclude: Sequence[str] = ()) -> list[str]:
    """The columns that read like descriptions: mostly words, many distinct values; most words first."""
    scored = []
    for column in head.columns:
        if column in exclude:
            continue
        cells = head[column].dropna().astype(str).str.strip()
        cells = cells[cells != ""]
        if len(cells) == 0 or cells.str.contains(r"[A-Za-z]").mean() < 0.8:
            continue
        if cells.nunique() < max(2, 0.2 * len(cells)):  # a category (a target, a status), not a description
            continue
        scored.append((cells.str.split().str.len().mean(), column))
    return [column for _, column in sorted(scored, key=lambda s: -s[0])[:MAX_SUGGESTED]]


def _example(head: pd.DataFrame, targets: Sequence[str]) -> str:
    """``, for example --text-columns 'A,B'`` with the file's likely text columns (empty when none reads so)."""
    import shlex

    likely = likely_text_columns(head, exclude=targets)
    return f", for example --text-columns {shlex.quote(join_columns(likely))}" if likely else ""


def _listed(names: Sequence[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def _missing(dest: str, names: Sequence[str], columns: list[str], file: str) -> ArgumentError:
    near = close_column(names[0], columns)
    guess = f"did you mean '{near}'? " if near else ""
    shown = ", ".join(columns[:8]) + (f" (+{len(columns) - 8} more)" if len(columns) > 8 else "")
    verb = "is not a column" if len(names) == 1 else "are not columns"
    return ArgumentError(dest, f"{_listed(names)} {verb} of {file}; {guess}its columns: {shown}")


def column_problem(args: TrainingArguments, config: FeatureConfig, head: pd.DataFrame) -> ArgumentError | None:
    """What is wrong with the columns ``args`` and ``config`` name for the file whose first rows are ``head``."""
    columns = [str(c) for c in head.columns]
    file = Path(args.resolved_data_path).name
    given = {
        "targets": args.targets or (),
        "text_columns": args.text_columns or (),
        "numeric_columns": args.numeric_columns or (),
        "group_column": (args.group_column,) if args.group_column else (),
    }
    split = comma_split(list(args.text_columns or ()), columns)
    if split is not None:
        return ArgumentError("text_columns", split)
    for dest, names in given.items():
        absent = [n for n in names if n not in columns]
        # A named input column that is not there at all is created empty (with a warning), as the run's
        # validation does; a near miss (a typo, other case) is an error, and so is any missing target.
        if dest in ("text_columns", "numeric_columns"):
            absent = [n for n in absent if close_column(n, columns) is not None] or (
                absent if dest == "text_columns" and len(absent) == len(names) else []
            )
        if absent:
            return _missing(dest, absent, columns, file)
    targets = list(args.targets or config.targets)
    if args.text_columns and set(args.text_columns) <= set(targets):
        return ArgumentError(
            "text_columns",
            f"{_listed(args.text_columns)} is also a --target; "
            f"name the columns the model reads{_example(head, targets)}",
        )
    source = "the bundled feature config" if config.is_bundled else f"the feature config {Path(config.source).name}"
    absent_targets = [c for c in source_columns(targets, config) if c not in columns]
    if absent_targets and not args.targets:
        return ArgumentError(
            "targets", f"{source} predicts {_listed(absent_targets)}, which {file} lacks; name the column(s) to predict"
        )
    try:
        merged = config.with_columns(args.targets, args.text_columns, args.numeric_columns)
    except NexusMLError:
        return None  # the run's load stage reports it
    # As the run's validation judges them: an input column that is not in the file is created empty, unless its
    # name is close to one that is (a typo, other case) or none of the text columns is there.
    absent = [c for c in merged.input_columns if c not in columns]
    numeric = {n.name for n in merged.numeric_columns}
    texts = [c for c in merged.input_columns if c not in numeric]
    typos = [c for c in absent if close_column(c, columns) is not None]
    if (typos or (texts and all(c in absent for c in texts))) and not args.text_columns:
        named = typos or texts
        near = close_column(named[0], columns)
        guess = f" ('{named[0]}' is not '{near}')" if near else ""
        return ArgumentError(
            "text_columns",
            f"not given, and {source} reads {_listed(named[:3])}, which {file} lacks{guess}; "
            f"name the columns the model reads{_example(head, targets)}",
        )
    return None


def check_columns(args: TrainingArguments) -> ArgumentError | None:
    """:func:`column_problem` for the run ``args`` describe (``None`` too when the config or the file cannot be
    read: the run then says why)."""
    from nexusml.readers.loader import read_head

    try:
        config = load_feature_config(args.feature_config)
    except NexusMLError:
        return None
    targets = source_columns(list(args.targets or config.targets), config)
    head = read_head(args.resolved_data_path, args.sheet, targets, list(args.text_columns or config.input_columns))
    if head is None or head.empty:  # no data rows: the run's load says so
        return None
    return column_problem(args, config, head)
