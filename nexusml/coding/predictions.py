"""Predictions for review: a new file coded in chunks, with confidences, runners-up and unfamiliar rows.

:func:`code_frame` predicts a frame in chunks (``on_progress`` after each, ``should_stop`` before
each) and gives, per row and target, the predicted class, its confidence, the top classes with their
confidences, and per row an ``unfamiliar`` flag: the row's text shares (almost) nothing with the
training text, so its confidence means little; and ``out_of_range``: the row's numbers that lie
outside the training range (read as unknown, ``ranges``), with one warning per file.  Both kinds of
row always need review: they are never auto-coded.  ``group`` numbers the rows the model reads the
same (``groups``): a person reviews each group once.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from nexusml.coding.groups import review_groups
from nexusml.errors import Cancelled
from nexusml.features.engineering import engineer_features, missing_inputs
from nexusml.features.ranges import OutOfRange

log = logging.getLogger(__name__)

# Rows coded at a time: progress and a cancel check after each chunk (under a second at 10,000 rows);
# the text features reuse the work per distinct word within a chunk, so 10,000 rows transform 1.5x
# faster than 2,000 (measured on 100,000 generated inventory rows with a 1M-row model).
CHUNK_ROWS = 10_000
TOP_K = 3
# Chunks coded at once (threads): two when the machine has two cores or more.
CODING_THREADS = min(2, os.cpu_count() or 1)
# One chunk at a time in the model's feature transformers. Their steps run through scikit-learn's Parallel, which
# empties and refills the process-wide warning filters around each step: two threads in them at once can hand each
# other an empty list, and scikit-learn then prints a false alarm. The transform holds the GIL most of the time
# anyway; the predictions, lookups and sorting after it still overlap.
_TRANSFORMING = threading.Lock()
# A row with no known word whose known character n-grams are fewer than this share of its own is unfamiliar.
UNFAMILIAR_CHAR_SHARE = 0.35


@dataclass
class CodedRows:
    """Per row (in the order of ``frame``) and target: prediction, confidence, top classes; unfamiliar rows."""

    frame: pd.DataFrame  # the input rows as loaded; index + 2 is the spreadsheet row number
    targets: list[str]
    text: np.ndarray
    predicted: dict[str, np.ndarray]
    confidence: dict[str, np.ndarray]
    top_labels: dict[str, np.ndarray]  # rows x k, object ("" where the model knows fewer classes)
    top_confidences: dict[str, np.ndarray]  # rows x k, float (nan there)
    unfamiliar: np.ndarray
    out_of_range: OutOfRange
    thresholds: dict[str, float | None] = field(default_factory=dict)
    # The numeric inputs as the model reads them, and whether each cell was blank (one column each).
    numbers: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Each row's review group (0, 1, ... in order of first appearance): rows with the same model input.
    group: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def __post_init__(self) -> None:
        if len(self.group) != len(self.frame):
            self.group = review_groups(self.text, self.numbers if len(self.numbers) == len(self.frame) else None)

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def rows(self) -> np.ndarray:
        """Spreadsheet row numbers (the header is row 1)."""
        return np.asarray(self.frame.index, dtype=np.int64) + 2

    @property
    def doubtful(self) -> np.ndarray:
        """Rows to review whatever their confidence: unfamiliar text, or a number outside the training range."""
        return self.unfamiliar | self.out_of_range.rows

    def needs_review(self, target: str) -> np.ndarray:
        """Below the model's auto-coding threshold (every row where none was reached), or doubtful."""
        threshold = self.thresholds.get(target)
        if threshold is None:
            return np.ones(len(self), dtype=bool)
        return (self.confidence[target] < threshold) | self.doubtful

    def any_needs_review(self) -> np.ndarray:
        out = np.zeros(len(self), dtype=bool)
        for target in self.targets:
            out |= self.needs_review(target)
        return out


def model_thresholds(model: Any) -> dict[str, float | None]:
    """The auto-coding thresholds saved with the model; a target without a usable one gets ``None`` (review all).

    See ``nexusml.model.trained.recorded_thresholds``: a threshold that is not a number between 0 and 1
    sends that target's rows to review rather than code them on a number that means nothing.
    """
    from nexusml.model.trained import recorded_thresholds

    return recorded_thresholds(getattr(model, "metadata", None), model.targets)


def reads_lowercase(estimator: Any) -> bool:
    """Whether every text vectorizer of the model lowercases the text (scikit-learn's default)."""
    try:
        _where, parts = _text_blocks(estimator)
    except (AttributeError, KeyError, TypeError):
        return False
    return all(getattr(vectorizer, "lowercase", False) is True for _name, vectorizer, _width in parts)


def numeric_inputs(features: Any, config: Any) -> pd.DataFrame:
    """The numeric columns the model reads, then per column whether the cell was blank (given the fill value)."""
    names = [n.new_name for n in config.numeric_columns if n.new_name in features.X.columns]
    values = features.X[names].reset_index(drop=True)
    blank = features.filled.reindex(columns=[n for n in names if n in features.filled.columns])
    return pd.concat([values, blank.reset_index(drop=True).add_prefix("blank ")], axis=1)


def _text_blocks(estimator: Any) -> tuple[slice, list[tuple[str, Any, int]]]:
    """The text columns of the transformed matrix and its vectorizers: (name, vectorizer, width)."""
    transformer = estimator.transformer_
    where = transformer.output_indices_["text"]
    text = transformer.named_transformers_["text"]
    parts = text.transformer_list if hasattr(text, "transformer_list") else [("text", text)]
    return where, [(name, vec, len(vec.vocabulary_)) for name, vec in parts]


def unfamiliar_rows(estimator: Any, matrix: Any, text: np.ndarray) -> np.ndarray:
    """Rows whose text gives no known word, and only a few (< ``UNFAMILIAR_CHAR_SHARE``) known character n-grams."""
    import scipy.sparse as sp

    where, parts = _text_blocks(estimator)
    block = sp.csr_matrix(matrix)[:, where]
    n = block.shape[0]
    known_words = np.zeros(n, dtype=bool)
    char_parts: list[tuple[Any, int]] = []
    start = 0
    for _name, vectorizer, width in parts:
        counts = np.diff(block[:, start : start + width].tocsr().indptr)
        if str(getattr(vectorizer, "analyzer", "word")).startswith("char"):
            char_parts.append((vectorizer, start))
        else:
            known_words |= counts > 0
        start += width
    out = ~known_words
    if not char_parts:
        return out
    analyzers = [(vectorizer.build_analyzer(), vectorizer.vocabulary_) for vectorizer, _start in char_parts]
    for i in np.flatnonzero(out):
        grams: set[str] = set()
        known = 0
        for analyze, vocabulary in analyzers:
            mine = set(analyze(str(text[i])))
            grams |= mine
            known += sum(1 for g in mine if g in vocabulary)
        out[i] = not grams or known / len(grams) < UNFAMILIAR_CHAR_SHARE
    return out


class _OncePerMessage(logging.Filter):
    """Chunks repeat the same warnings (a missing column): each is logged once."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message in self.seen:
            return False
        self.seen.add(message)
        return True


def iter_chunks(
    model: Any, frame: pd.DataFrame, chunk_rows: int = CHUNK_ROWS, top_k: int = TOP_K
) -> Iterator[CodedRows]:
    """The rows of ``frame`` coded ``chunk_rows`` at a time, in order."""
    from nexusml.model.trained import PredictionError

    config = model.feature_config
    if len(missing_inputs(frame.columns, config)) == len(config.input_columns):
        raise PredictionError(
            f"the input has none of the columns the model reads ({', '.join(config.input_columns)}); "
            f"its columns are: {', '.join(map(str, frame.columns))}"
        )
    thresholds = model_thresholds(model)
    lowercase = reads_lowercase(model.estimator)

    def code(part: pd.DataFrame) -> CodedRows:
        features = engineer_features(part, config, with_targets=False)
        with _TRANSFORMING:
            matrix = model.features_of(features)
        text = features.X[config.text_feature].to_numpy(dtype=object)
        numbers = numeric_inputs(features, config)
        predicted, scores, ranked = model.estimator.predict_features(
            matrix, confidence=True, runners_up=max(0, top_k - 1)
        )
        labels, confidences = {}, {}
        for target in model.targets:
            first_label = predicted[target].to_numpy(dtype=object)[:, None]
            first_conf = scores[target].to_numpy(dtype=float)[:, None]
            if target in ranked:
                labels[target] = np.hstack([first_label, ranked[target].labels.astype(object)])
                confidences[target] = np.hstack([first_conf, ranked[target].confidences.astype(float)])
            else:
                labels[target], confidences[target] = first_label, first_conf
        return CodedRows(
            frame=part,
            targets=list(model.targets),
            text=text,
            predicted={t: labels[t][:, 0].copy() for t in model.targets},
            confidence={t: confidences[t][:, 0].copy() for t in model.targets},
            top_labels=labels,
            top_confidences=confidences,
            unfamiliar=unfamiliar_rows(model.estimator, matrix, text),
            out_of_range=model.out_of_range(features),
            thresholds=thresholds,
            numbers=numbers,
            group=review_groups(text, numbers, lowercase=lowercase),
        )

    parts = (frame.iloc[start : start + chunk_rows] for start in range(0, len(frame), max(1, chunk_rows)))
    quiet = _OncePerMessage()
    features_log = logging.getLogger("nexusml.features.engineering")
    features_log.addFilter(quiet)
    try:
        if len(frame) <= chunk_rows or CODING_THREADS < 2:
            yield from map(code, parts)
            return
        # The next chunk is coded while this one is handed out: most of the work (sparse products, sorting,
        # lookups) runs in compiled code that releases the GIL, so a second core shortens the whole.
        with ThreadPoolExecutor(CODING_THREADS, thread_name_prefix="nexusml-coding") as pool:
            pending: deque[Future[CodedRows]] = deque()
            for part in parts:
                pending.append(pool.submit(code, part))
                if len(pending) >= CODING_THREADS:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
    finally:
        features_log.removeFilter(quiet)


def join_chunks(chunks: list[CodedRows], frame: pd.DataFrame, model: Any) -> CodedRows:
    targets = list(model.targets)
    if not chunks:
        empty = np.zeros(0, dtype=object)
        none = np.zeros(0, dtype=bool)
        return CodedRows(frame, targets, empty, {}, {}, {}, {}, none, OutOfRange.none(0), model_thresholds(model))

    def cat(name: str) -> dict[str, np.ndarray]:
        return {t: np.concatenate([getattr(c, name)[t] for c in chunks]) for t in targets}

    text = np.concatenate([c.text for c in chunks])
    numbers = pd.concat([c.numbers for c in chunks], ignore_index=True)
    return CodedRows(
        frame=frame,
        targets=targets,
        text=text,
        predicted=cat("predicted"),
        confidence=cat("confidence"),
        top_labels=cat("top_labels"),
        top_confidences=cat("top_confidences"),
        unfamiliar=np.concatenate([c.unfamiliar for c in chunks]),
        out_of_range=OutOfRange.join([c.out_of_range for c in chunks]),
        thresholds=chunks[0].thresholds,
        numbers=numbers,
        group=review_groups(text, numbers, lowercase=reads_lowercase(model.estimator)),
    )


def code_frame(
    model: Any,
    frame: pd.DataFrame,
    *,
    chunk_rows: int = CHUNK_ROWS,
    top_k: int = TOP_K,
    on_progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> CodedRows:
    """Code every row of ``frame``; ``on_progress(done, total)`` after each chunk; ``Cancelled`` if stopped.

    Rows with a number outside the training range are logged in one warning line for the whole frame.
    """
    chunks: list[CodedRows] = []
    done = 0
    for chunk in iter_chunks(model, frame, chunk_rows, top_k):
        chunks.append(chunk)
        done += len(chunk)
        if on_progress is not None:
            on_progress(done, len(frame))
        if should_stop is not None and should_stop() and done < len(frame):
            raise Cancelled(f"stopped after {done} of {len(frame)} rows")
    coded = join_chunks(chunks, frame, model)
    warning = coded.out_of_range.warning()
    if warning:
        log.warning(warning)
    return coded
