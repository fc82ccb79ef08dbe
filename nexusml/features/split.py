"""The train/test split: held-out row positions, stratified where the classes allow it."""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from nexusml.errors import NexusMLError

log = logging.getLogger(__name__)


class SplitError(NexusMLError):
    """The data is too small for the requested split."""


def item_groups(
    X: pd.DataFrame, text_column: str, numeric_columns: Sequence[str] = (), identity: pd.Series | None = None
) -> np.ndarray:
    """Each row's item, as an integer numbering items in order of first appearance.

    Real exports repeat an item: a product once per life-cycle module, an
    element once per planned task, with other numbers each time.  Rows whose
    text the model reads is the same (lowercased, as the vectorizers read it)
    are one item, whatever their numbers: with copies of one item on both sides
    of a split, the held-out figures score rows the model was trained on.  Rows
    without text are told apart by their numbers.  ``identity`` (the values of
    ``--group-column``, aligned with ``X``) names the items instead; its empty
    cells fall back to the text.
    """
    text = X[text_column].astype(str).str.lower().to_numpy(dtype=object)
    keys = pd.Series(text, dtype=object)
    blank = keys == ""
    if blank.any() and numeric_columns:
        rows = blank.to_numpy()
        numbers = np.full(int(rows.sum()), "\x00numbers", dtype=object)
        for column in numeric_columns:
            numbers = numbers + "|" + X.loc[rows, column].astype(str).to_numpy(dtype=object)
        keys[rows] = numbers
    if identity is not None:
        named = pd.Series(identity, dtype=object).reset_index(drop=True).fillna("").astype(str).str.strip()
        given = (named != "").to_numpy()
        keys = keys.where(~given, "\x00item\x00" + named)
    codes, _ = pd.factorize(keys)
    return codes.astype(np.int64)


def split_indices(
    Y: pd.DataFrame, test_size: float, random_state: int, groups: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Train/test row positions, each item's rows on one side, stratified on the first target where it can be.

    ``groups`` numbers each row's item (:func:`item_groups`; None: every row is
    its own item).  Items, not rows, are split: ``test_size`` of them are held
    out, stratified by the first target's class of each item's first row when
    every such class has two items or more.  When every item is a single row
    this is the row-level stratified split, row for row.
    """
    n = len(Y)
    rank, first = _items_in_order(groups, n)
    n_units = len(first)
    n_test = math.ceil(test_size * n_units)
    if n < 2 or n_test < 1 or n_units - n_test < 1:
        minimum = max(2, math.ceil(1 / min(test_size, 1 - test_size)))
        if n >= 2 and n_units < n:
            raise SplitError(
                f"{n} usable rows hold only {n_units} distinct item(s), too few for --test-size {test_size}; "
                f"at least {minimum} items are needed (rows with the same text are one item; "
                "--group-column names items otherwise)"
            )
        raise SplitError(
            f"{n} usable row(s) is too few for --test-size {test_size}; at least {minimum} rows are needed"
        )
    codes, _ = pd.factorize(Y.iloc[first, 0], sort=True)  # integer classes: fast at a million rows
    counts = np.bincount(codes)
    stratify = codes if counts.min() >= 2 and n_test >= len(counts) and n_units - n_test >= len(counts) else None
    if stratify is None and len(counts) > 1:
        what = "a single row" if n_units == n else "a single item"
        log.warning("Split is not stratified: some '%s' classes have %s", Y.columns[0], what)
    positions = np.arange(n_units)
    _, test_units = train_test_split(positions, test_size=n_test, random_state=random_state, stratify=stratify)
    test_mask = _rows_of(rank, test_units, n_units)
    return np.flatnonzero(~test_mask), np.flatnonzero(test_mask), stratify is not None


def _items_in_order(groups: np.ndarray | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's item numbered in order of first appearance, and each item's first row.

    With one row per item (``groups`` None) item k is row k, so a split of the
    items is the split of the rows.
    """
    if groups is None:
        rows = np.arange(n, dtype=np.int64)
        return rows, rows
    rank, _ = pd.factorize(np.asarray(groups))
    _, first = np.unique(rank, return_index=True)
    return rank.astype(np.int64), first


def _rows_of(rank: np.ndarray, items: np.ndarray, n_items: int) -> np.ndarray:
    """A mask of the rows whose item is among ``items``."""
    chosen = np.zeros(n_items, dtype=bool)
    chosen[items] = True
    return chosen[rank]


def group_folds(
    y: np.ndarray, groups: np.ndarray | None, requested: int, random_state: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Cross-validation folds over rows that keep each item's rows in one fold.

    Stratified by each item's class (its first row's) when every class has
    ``requested`` items or more, with fewer folds when the smallest class
    allows fewer (at least 2); an empty list when not even 2 stratified folds
    fit.  With one row per item these are scikit-learn's ``StratifiedKFold``
    folds of the rows.
    """
    from sklearn.model_selection import StratifiedKFold

    rank, first = _items_in_order(groups, len(y))
    unit_labels = np.asarray(y)[first]
    _, counts = np.unique(unit_labels, return_counts=True)
    folds = int(min(requested, counts.min())) if len(counts) > 1 else 0
    if folds < 2:
        return []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=random_state)
    out = []
    for _, test_units in splitter.split(np.zeros(len(first)), unit_labels):
        mask = _rows_of(rank, test_units, len(first))
        out.append((np.flatnonzero(~mask), np.flatnonzero(mask)))
    return out


def describe_items(n_rows: int, groups: np.ndarray | None, group_column: str | None = None) -> str:
    """``3,506 rows, 696 items: each item's rows stay on one side`` (or that every row is its own item)."""
    n_items = n_rows if groups is None else len(np.unique(groups))
    if n_items == n_rows:
        return f"{n_rows:,} rows, each a distinct item"
    how = f"by '{group_column}'" if group_column else "rows with the same text are one item"
    return f"{n_rows:,} rows, {n_items:,} items ({how}): each item's rows stay on one side"


def fingerprint(positions: np.ndarray) -> str:
    """A short hash of row positions: equal for two runs that held out the same rows."""
    return hashlib.sha256(np.asarray(positions, dtype=np.int64).tobytes()).hexdigest()[:16]


MIN_HELD_OUT_ROWS = 30


def split_warnings(n_train: int, n_test: int, test_groups: np.ndarray | None = None) -> list[str]:
    """Warnings (also logged) for a split whose figures mean little.

    ``test_groups``, the held-out rows' items, counts what the figures rest on:
    twenty copies of one item are one observation, not twenty.
    """
    out = []
    n_items = n_test if test_groups is None else len(np.unique(test_groups))
    if n_items < MIN_HELD_OUT_ROWS:
        what = f"{n_test} held-out row(s)" if n_items == n_test else f"{n_items} held-out item(s) ({n_test} rows)"
        out.append(
            f"only {what}: accuracy and macro-F1 mean little below {MIN_HELD_OUT_ROWS}; "
            "use a larger --test-size or more rows"
        )
    if n_train < n_test / 4:
        out.append(f"only {n_train} training row(s) for {n_test} held out; use a smaller --test-size")
    for message in out:
        log.warning(message)
    return out
