"""Feature engineering from a :class:`FeatureConfig`: the model's inputs and targets from raw columns."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nexusml.config import FeatureConfig
from nexusml.errors import NexusMLError

log = logging.getLogger(__name__)

# Larger numbers in a numeric column are treated as missing: no equipment figure is that big, and
# scaling them would overflow.
MAX_NUMERIC = 1e15

# Runs of the characters Python's str.isspace() accepts, written for pyarrow's RE2 engine,
# which runs over the whole column at once (Python's \s+ would need one call per row).
WHITESPACE_RUN = r"[\t-\r\x{1c}-\x{20}\x{85}\p{Z}]+"


def collapse_whitespace(text: pd.Series) -> pd.Series:
    """Every run of whitespace becomes one space, and the ends are stripped."""
    return text.astype("string[pyarrow]").str.replace(WHITESPACE_RUN, " ", regex=True).str.strip()


class FeatureError(NexusMLError):
    """The data cannot give the features or targets the config asks for."""


@dataclass
class FeatureSet:
    X: pd.DataFrame  # text feature + numeric features
    Y: pd.DataFrame  # one string column per target (empty when targets are not required)
    dropped_rows: int = 0
    created_columns: list[str] = field(default_factory=list)
    # The loaded frame's index of each row of X and Y (the loader numbers rows by their place in the file).
    source_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    warnings: list[str] = field(default_factory=list)
    # Per numeric feature of X (its new_name): the rows without a usable number, given the fill value.
    filled: pd.DataFrame = field(default_factory=pd.DataFrame)


def _text_series(frame: pd.DataFrame, column: str, strip: bool = True) -> pd.Series:
    series = frame[column]
    if series.dtype.kind == "f":
        # 12.0 -> "12" (a typed column of a Parquet file); keeps sizes readable in text
        as_int = series.dropna()
        if len(as_int) and (as_int == np.round(as_int)).all():
            series = series.astype("Int64")
    text = series.astype("string").fillna("")
    return text.str.strip() if strip else text


def merged_labels(labels: pd.Series, target: str) -> tuple[pd.Series, str | None]:
    """A target's labels, those that differ only in spaces made one class, and a warning saying so (or None).

    A code is the user's key into another system, so labels are kept as written
    (``0606``, ``"Pump "``); but ``"Pump "`` and ``"Pump"`` (or a no-break space
    for a space) are one class to a person, so such spellings are merged into
    the one the file uses most (the first seen on a tie).
    """
    keys = collapse_whitespace(labels)
    if bool((keys == labels).all()):
        return labels, None
    pairs = pd.DataFrame({"key": keys, "label": labels})
    counts = pairs.value_counts(sort=False).reset_index(name="rows")
    first_seen = {label: i for i, label in enumerate(pd.unique(labels))}
    counts["first"] = counts["label"].map(first_seen)
    counts = counts.sort_values(["key", "rows", "first"], ascending=[True, False, True], kind="stable")
    spelling = counts.drop_duplicates("key").set_index("key")["label"]
    merged = counts[counts["label"] != counts["key"].map(spelling)]
    out = keys.map(spelling).astype(labels.dtype)
    if merged.empty:
        return out, None
    shown = ", ".join(
        f"{row.label!r} -> {spelling[row.key]!r} ({row.rows} row(s))" for row in merged.head(3).itertuples()
    )
    more = f" and {len(merged) - 3} more" if len(merged) > 3 else ""
    return out, (
        f"'{target}': {len(merged)} label(s) differ from another only in spaces and were merged with the "
        f"spelling the file uses most: {shown}{more}"
    )


def available_columns(frame_columns, config: FeatureConfig) -> set[str]:
    """Columns present or derivable (mappings and hierarchies) from ``frame_columns``."""
    have = set(frame_columns)
    for mapping in config.column_mappings:
        if mapping.source in have:
            have.add(mapping.target)
    for hierarchy in config.hierarchies:
        if all(p in have for p in hierarchy.parents):
            have.add(hierarchy.new_col)
    return have


def source_columns(names, config: FeatureConfig) -> list[str]:
    """The file columns ``names`` come from: a hierarchy's parents, a mapping's source, else the name itself."""
    out: list[str] = []
    pending = list(names)
    seen: set[str] = set()
    while pending:
        name = pending.pop(0)
        if name in seen:
            continue
        seen.add(name)
        hierarchy = next((h for h in config.hierarchies if h.new_col == name), None)
        mapping = next((m for m in config.column_mappings if m.target == name), None)
        if hierarchy is not None:
            pending[:0] = list(hierarchy.parents)
        elif mapping is not None:
            pending.insert(0, mapping.source)
        elif name not in out:
            out.append(name)
    return out


def missing_targets(frame_columns, config: FeatureConfig) -> list[str]:
    have = available_columns(frame_columns, config)
    return [t for t in config.targets if t not in have]


def missing_inputs(frame_columns, config: FeatureConfig) -> list[str]:
    have = available_columns(frame_columns, config)
    return [c for c in config.input_columns if c not in have]


def _hierarchies_needed(config: FeatureConfig, with_targets: bool) -> list:
    """The hierarchies whose columns the features (and, ``with_targets``, the targets) read, in config order."""
    needed = {c for t in config.text_combinations if t.name == config.text_feature for c in t.columns}
    needed |= {n.name for n in config.numeric_columns}
    if with_targets:
        needed |= set(config.targets)
    chosen = []
    for hierarchy in reversed(config.hierarchies):  # a hierarchy may be built from an earlier one
        if hierarchy.new_col in needed:
            chosen.append(hierarchy)
            needed |= set(hierarchy.parents)
    return chosen[::-1]


def engineer_features(frame: pd.DataFrame, config: FeatureConfig, *, with_targets: bool = True) -> FeatureSet:
    """Apply mappings, text combinations, numeric columns and hierarchies.

    Input columns the file lacks are created empty (with a warning).  With
    ``with_targets``, a missing target column is an error naming the available
    columns, and rows whose targets are empty are dropped and counted.
    """
    frame = frame.copy()
    created: list[str] = []

    for mapping in config.column_mappings:
        if mapping.source in frame.columns and mapping.target not in frame.columns:
            frame[mapping.target] = frame[mapping.source]

    for column in missing_inputs(frame.columns, config):
        frame[column] = pd.Series(pd.NA, index=frame.index, dtype="string")
        created.append(column)
    if created:
        log.warning("Input columns missing from the data were created empty: %s", ", ".join(created))

    cleaned: dict[str, pd.Series] = {}  # each column is cleaned once, however many features read it

    def text_of(column: str) -> pd.Series:
        if column not in cleaned:
            cleaned[column] = _text_series(frame, column)
        return cleaned[column]

    for hierarchy in _hierarchies_needed(config, with_targets):
        if all(p in frame.columns for p in hierarchy.parents):
            parts = [text_of(p) for p in hierarchy.parents]
            joined = parts[0]
            for part in parts[1:]:
                joined = joined + hierarchy.separator + part
            any_empty = np.logical_or.reduce([(p == "").to_numpy() for p in parts])
            frame[hierarchy.new_col] = joined.where(~any_empty, "")
            cleaned.pop(hierarchy.new_col, None)

    text_name = config.text_feature
    combo = next(t for t in config.text_combinations if t.name == text_name)
    pieces = [text_of(c) for c in combo.columns]
    text = pieces[0]
    for piece in pieces[1:]:
        text = text + combo.separator + piece
    text = collapse_whitespace(text)

    X = pd.DataFrame({text_name: text.astype(object)}, index=frame.index)
    warnings: list[str] = []
    filled = pd.DataFrame(index=frame.index)
    for numeric in config.numeric_columns:
        values = pd.to_numeric(frame[numeric.name], errors="coerce").astype("float64")
        unusable = values.notna() & ~(values.abs() <= MAX_NUMERIC)  # inf, or so large that scaling overflows
        if unusable.any():
            message = (
                f"{int(unusable.sum())} value(s) in '{numeric.name}' are infinite or beyond +/-{MAX_NUMERIC:g}; "
                "they were treated as missing"
            )
            log.warning(message)
            warnings.append(message)
            values = values.mask(unusable)
        filled[numeric.new_name] = values.isna()
        X[numeric.new_name] = values.fillna(numeric.fill_value).astype(numeric.dtype)

    if not with_targets:
        return FeatureSet(
            X=X.reset_index(drop=True),
            Y=pd.DataFrame(index=range(len(X))),
            created_columns=created,
            source_rows=np.asarray(frame.index, dtype=np.int64),
            warnings=warnings,
            filled=filled.reset_index(drop=True),
        )

    absent = [t for t in config.targets if t not in frame.columns]
    if absent:
        raise FeatureError(
            f"target column '{absent[0]}' is not in the data; available columns: {', '.join(map(str, frame.columns))}"
        )
    labels = {}
    for target in config.targets:
        # As written (no strip): a label is the user's code; only spellings that differ in spaces merge.
        raw = _text_series(frame, target, strip=False) if target in frame.columns else text_of(target)
        raw = raw.where(text_of(target) != "", "")  # blank cells are empty targets
        labels[target], merged = merged_labels(raw, target)
        if merged is not None:
            log.warning(merged)
            warnings.append(merged)
    Y = pd.DataFrame({t: labels[t].astype(object) for t in config.targets}, index=frame.index)
    keep = (Y != "").all(axis=1).to_numpy()
    dropped = int((~keep).sum())
    if dropped:
        log.warning("Dropped %d row(s) with an empty target", dropped)
    if not keep.any():
        empty = [t for t in config.targets if (Y[t] == "").all()]
        which = f"target '{empty[0]}' is empty in every row" if empty else "no row has every target filled"
        raise FeatureError(f"no usable rows: {which}; fill it or choose other targets")
    source_rows = np.asarray(frame.index[keep], dtype=np.int64)
    X = X.loc[keep].reset_index(drop=True)
    Y = Y.loc[keep].reset_index(drop=True)
    filled = filled.loc[keep].reset_index(drop=True)
    return FeatureSet(
        X=X,
        Y=Y,
        dropped_rows=dropped,
        created_columns=created,
        source_rows=source_rows,
        warnings=warnings,
        filled=filled,
    )
