"""How long training will take, estimated before it starts from rows x classes (x targets, model type).

A one-vs-rest linear model fits one binary classifier per class, each a few
passes over every row's features, so a target's fit costs about rows x classes
x (features per row); the feature transform costs about rows x (features per
row).  A run fits twice (on the training split, then on every row) and
transforms the held-out rows once; ``--optimize`` adds one classifier fit per
grid candidate and fold, on the training split's features, spread over
``--n-jobs`` workers.

The constants are measured, not derived: ``benchmarks/bench_estimate.py`` fits
each model type on the generated inventory (its combined text averages 60
characters, about 190 stored features per row) at 2,000-20,000 rows and 10-4,000
classes, on a 2-core machine shared with other work (load average 4-5).  For the
default LinearSVC one row x class cost 10-16 us from 2,000 x 10 to 8,000 x 3,478
(34 us for random labels with 70 rows per class, which no real target has), and
in whole runs 10 us for the bundled targets and 6 us for an ID-like target (1.3
rows per class) whose binary problems converge at once; the other model types
were measured in the same session and are scaled alike.  Whole runs took
0.45-1.25x the estimate (benchmarks/README.md): least for an ID-like target on
an idle machine.  Text longer than the reference costs more, but less than in
proportion (``text_transform_factor``, ``text_fit_factor``): on 40 rows of 1 MB cells
the estimate is 0.4x the measured time, on 300,000 rows of 465-character text 2.4x.
The estimate tells a 20-minute run from a 20-second one, not the minute.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nexusml.model.factory import LARGE_DATA_ROWS, SEARCH_GRIDS, refits_on_all_rows

# --text-encoder (all-MiniLM-L6-v2 measured, benchmarks/bench_encoder.py): distinct texts encoded a second on
# two cores (245 for texts of two product names), and what its 384 dense columns beside the ~190 TF-IDF
# features of a row do to a fit's cost (2.4-2.8x measured on the full Uniclass tables, up to 4x under load).
ENCODER_TEXTS_PER_SECOND = 250.0
ENCODER_FIT_FACTOR = 3.5
# A run estimated to take longer than this says so before it trains.
LONG_RUN_SECONDS = 120.0
# The combined text of the calibration data, in characters per row; longer text has more features per row.
REFERENCE_TEXT_CHARS = 60.0

# Per model type: (seconds per row x class of one classifier fit, seconds per row of the feature transform).
COSTS: dict[str, tuple[float, float]] = {
    "linear": (11e-6, 0.30e-3),  # LinearSVC per target, char_wb 2-5 grams
    "linear_svc": (17e-6, 0.33e-3),
    "logreg": (31e-6, 0.14e-3),
    "sgd": (17e-6, 0.10e-3),
    "random_forest": (47e-6, 0.06e-3),
}
# The default's averaged SGD above LARGE_DATA_ROWS: measured at 12.5e-6 with 5 passes (1.1x LinearSVC's
# figure in the same session); it makes 2 passes now, and the cost is per pass.
LARGE_DATA_COST = 12.5e-6 * 2 / 5
# Model types whose classifier itself uses --n-jobs (trees, or classes, fitted in parallel).
PARALLEL_CLASSIFIERS = ("random_forest", "sgd")
# What each worker past the first adds, as a share of one core (the other cores are rarely idle).
PARALLEL_EFFICIENCY = 0.5


@dataclass(frozen=True)
class TrainingEstimate:
    seconds: float
    factor: str  # what makes it take that long, as a user would say it

    def warning(self, limit: float | None = None) -> str | None:
        """The one line a run logs before it trains when it will take longer than ``limit`` (LONG_RUN_SECONDS)."""
        if self.seconds <= (LONG_RUN_SECONDS if limit is None else limit):
            return None
        return f"training will take ~{duration(self.seconds)}: {self.factor}"


def duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _fitted_classifiers(classes: int) -> int:
    """Binary classifiers one-vs-rest fits: one for two classes, none for a single class."""
    return 0 if classes < 2 else 1 if classes == 2 else classes


def estimate_training(
    *,
    rows: int,
    train_rows: int,
    classes: Mapping[str, int],
    train_classes: Mapping[str, int] | None = None,
    model_type: str = "linear",
    mean_text_chars: float = REFERENCE_TEXT_CHARS,
    optimize: bool = False,
    cv_folds: int = 3,
    n_jobs: int = 1,
    encoded_texts: int = 0,
) -> TrainingEstimate:
    """Seconds the encode, train, evaluate and refit stages (and the search, with ``optimize``) will take.

    ``classes`` maps each target with a classifier of its own (targets grouping the
    rows like another share its classifier) to its number of classes in all rows,
    ``train_classes`` to those in the training split (the same, when not given).
    ``encoded_texts``: the distinct texts a ``--text-encoder`` encodes (0: no encoder).
    """
    per_class, per_row = COSTS.get(model_type, COSTS["linear"])
    chars = max(20.0, mean_text_chars)
    text = chars / REFERENCE_TEXT_CHARS
    transform = text_transform_factor(chars)
    fit = text_fit_factor(chars) * (ENCODER_FIT_FACTOR if encoded_texts else 1.0)
    cores = max(1, os.cpu_count() or 1)
    workers = min(cores, cores if n_jobs == -1 else max(1, n_jobs))
    # Measured: 2 search workers on 2 busy cores took as long as one; on idle cores nearly half as long.
    speedup = 1 + PARALLEL_EFFICIENCY * (workers - 1)
    parallel = speedup if model_type in PARALLEL_CLASSIFIERS else 1

    split_classes = classes if train_classes is None else train_classes

    def classifier_seconds(n: int, counts: Mapping[str, int]) -> float:
        large = model_type == "linear" and n > LARGE_DATA_ROWS  # averaged SGD, its classes on --n-jobs threads
        cost = LARGE_DATA_COST if large else per_class
        return sum(n * _fitted_classifiers(k) * cost for k in counts.values()) * fit / (speedup if large else parallel)

    held_out = max(0, rows - train_rows)
    refit = refits_on_all_rows(train_rows)  # above that the evaluated model is kept (stages.refit)
    features = (train_rows + held_out + (rows if refit else 0)) * per_row * transform
    seconds = encoded_texts / ENCODER_TEXTS_PER_SECOND + features + classifier_seconds(train_rows, split_classes)
    if refit:
        seconds += classifier_seconds(rows, classes)
    search_fits = 0
    if optimize:
        candidates = 1
        for values in SEARCH_GRIDS.get(model_type, {}).values():
            candidates *= len(values)
        search_fits = candidates * cv_folds
        fold_rows = train_rows * (cv_folds - 1) // max(1, cv_folds)
        search = search_fits * classifier_seconds(fold_rows, split_classes) * parallel / speedup
        seconds += train_rows * per_row * transform + search
    return TrainingEstimate(seconds, _main_factor(rows, classes, text, search_fits, encoded_texts))


# Of the transform's cost per row at the reference length, the share that does not grow with the text.
# Measured with the default model: 0.3 ms a row at 60 characters, 0.5 ms at 465 (300,000 rows of word
# text), 1.25 s at 1,000,000 (40 rows of 1 MB cells): a fixed cost per row and a cost per character.
FIXED_ROW_SHARE = 0.9
# Up to this many characters a row's stored features grow with its length; beyond, words and n-grams
# repeat and they grow as length ** HEAPS_EXPONENT (Heaps' law): 815 features a row at 465 characters,
# where the reference row has 190 at 60.
LINEAR_FEATURE_CHARS = 200.0
HEAPS_EXPONENT = 0.6


def text_transform_factor(chars: float) -> float:
    """The feature transform's cost of a row of ``chars`` characters, relative to a reference row."""
    return FIXED_ROW_SHARE + (1 - FIXED_ROW_SHARE) * chars / REFERENCE_TEXT_CHARS


def text_fit_factor(chars: float) -> float:
    """A classifier fit's cost per row (its stored features) for ``chars`` characters, relative to a reference row."""
    if chars <= LINEAR_FEATURE_CHARS:
        return chars / REFERENCE_TEXT_CHARS
    return LINEAR_FEATURE_CHARS / REFERENCE_TEXT_CHARS * (chars / LINEAR_FEATURE_CHARS) ** HEAPS_EXPONENT


def estimate_for(
    X: Any, Y: Any, text_column: str, train_idx: Any, text_encoder: str | None = None, **options: Any
) -> TrainingEstimate:
    """:func:`estimate_training` for a run's feature rows ``X``, targets ``Y`` and training split ``train_idx``.

    ``options``: the model type and the search's settings.
    """
    from nexusml.model.shared_targets import partition_key

    counts = {t: int(Y[t].nunique()) for t in Y.columns}
    own: list[str] = []
    seen: set[tuple[int, bytes]] = set()
    for target, count in counts.items():
        # Targets that group the rows alike share one classifier; only equal counts can.
        if list(counts.values()).count(count) > 1:
            key = (count, partition_key(Y[target].to_numpy()))
            if key in seen:
                continue
            seen.add(key)
        own.append(target)
    train = Y.iloc[train_idx]
    step = max(1, len(X) // 5000)  # the text length of every step-th row
    chars = float(X[text_column].iloc[::step].str.len().mean()) if len(X) else REFERENCE_TEXT_CHARS
    return estimate_training(
        rows=len(X),
        train_rows=len(train),
        classes={t: counts[t] for t in own},
        train_classes={t: int(train[t].nunique()) for t in own},
        mean_text_chars=chars,
        encoded_texts=int(X[text_column].nunique()) if text_encoder else 0,
        **options,
    )


def _main_factor(rows: int, classes: Mapping[str, int], text: float, search_fits: int, encoded: int = 0) -> str:
    parts = []
    if classes and max(classes.values()) > 2:
        target, most = max(classes.items(), key=lambda item: item[1])
        parts.append(f"'{target}' has {most:,} classes over {rows:,} rows")
        if len(classes) > 1:
            parts[-1] += f" ({sum(classes.values()):,} classes in {len(classes)} targets)"
    else:
        parts.append(f"{rows:,} rows")
    if text >= 3:
        parts.append(f"the text averages {text * REFERENCE_TEXT_CHARS:,.0f} characters a row")
    if search_fits:
        parts.append(f"--optimize fits each target {search_fits} more times")
    if encoded:
        parts.append(f"--text-encoder encodes {encoded:,} distinct texts (~{ENCODER_TEXTS_PER_SECOND:.0f} a second)")
    return "; ".join(parts)
