"""The train/test split: held-out row positions, stratified where the classes allow it."""

from __future__ import annotations

import hashlib
import logging
import math

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from nexusml.errors import NexusMLError

log = logging.getLogger(__name__)


class SplitError(NexusMLError):
    """The data is too small for the requested split."""


def split_indices(Y: pd.DataFrame, test_size: float, random_state: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """Train/test row positions, stratified on the first target when every class allows it."""
    n = len(Y)
    n_test = math.ceil(test_size * n)
    if n < 2 or n_test < 1 or n - n_test < 1:
        minimum = max(2, math.ceil(1 / min(test_size, 1 - test_size)))
        raise SplitError(
            f"{n} usable row(s) is too few for --test-size {test_size}; at least {minimum} rows are needed"
        )
    positions = np.arange(n)
    codes, _ = pd.factorize(Y.iloc[:, 0], sort=True)  # integer classes: fast at a million rows
    counts = np.bincount(codes)
    stratify = codes if counts.min() >= 2 and n_test >= len(counts) and n - n_test >= len(counts) else None
    if stratify is None and len(counts) > 1:
        log.warning("Split is not stratified: some '%s' classes have a single row", Y.columns[0])
    train, test = train_test_split(positions, test_size=test_size, random_state=random_state, stratify=stratify)
    return np.sort(train), np.sort(test), stratify is not None


def fingerprint(positions: np.ndarray) -> str:
    """A short hash of row positions: equal for two runs that held out the same rows."""
    return hashlib.sha256(np.asarray(positions, dtype=np.int64).tobytes()).hexdigest()[:16]


MIN_HELD_OUT_ROWS = 30


def split_warnings(n_train: int, n_test: int) -> list[str]:
    """Warnings (also logged) for a split whose figures mean little."""
    out = []
    if n_test < MIN_HELD_OUT_ROWS:
        out.append(
            f"only {n_test} held-out row(s): accuracy and macro-F1 mean little below {MIN_HELD_OUT_ROWS}; "
            "use a larger --test-size or more rows"
        )
    if n_train < n_test / 4:
        out.append(f"only {n_train} training row(s) for {n_test} held out; use a smaller --test-size")
    for message in out:
        log.warning(message)
    return out
