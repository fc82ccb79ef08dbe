"""Coding a new file with a saved model: predictions for review, the review state, export, training rows.

No UI here: the wizard's Predict and Review screens and ``nexusml-predict`` call these functions.

* :func:`code_frame` predicts a frame in chunks (``on_progress`` after each, ``should_stop`` before
  each) and gives, per row and target, the predicted class, its confidence, the top classes with
  their confidences, and per row an ``unfamiliar`` flag: the row's text shares (almost) nothing
  with the training text, so its confidence means little; and ``out_of_range``: the row's numbers
  that lie outside the training range (read as unknown, ``ranges``), with one warning per file.
  Both kinds of row always need review: they are never auto-coded.
* :class:`ReviewState` holds what a person decided per row and target (``accepted`` or
  ``corrected``, with the chosen class), saved atomically on every change to a sidecar JSON file
  next to the input (:func:`sidecar_path`).  The sidecar records the sha256 of the model and of the
  input: it reopens only for the same model and the same file.
* :func:`export_coded` writes the coded file: the input columns, then per target
  ``predicted_<target>`` (the final code: the correction, else the prediction) and
  ``confidence_<target>`` (the model's confidence in its own prediction), then ``review_status``
  (``auto``, ``accepted``, ``corrected`` or ``pending``) and ``out_of_range``.  CSV, or a real
  ``.xlsx`` workbook.
* :func:`training_rows` gives the reviewed rows in the model's training columns, and
  :func:`add_training_rows` appends them to a training file (or a new copy of one).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nexusml.core.components.features import engineer_features, missing_inputs
from nexusml.core.components.io import atomic_path, atomic_write_text, sha256_file
from nexusml.core.components.ranges import FLAG_COLUMN, OutOfRange
from nexusml.errors import Cancelled, NexusMLError

log = logging.getLogger(__name__)

# Rows coded at a time: progress and a cancel check after each chunk (under a second at 10,000 rows);
# the text features reuse the work per distinct word within a chunk, so 10,000 rows transform 1.5x
# faster than 2,000 (measured on 100,000 generated inventory rows with a 1M-row model).
CHUNK_ROWS = 10_000
TOP_K = 3
# A row with no known word whose known character n-grams are fewer than this share of its own is unfamiliar.
UNFAMILIAR_CHAR_SHARE = 0.35
STATUSES = ("auto", "accepted", "corrected", "pending")
SIDECAR_VERSION = 1


class CodingError(NexusMLError):
    """A review file or an output cannot be used; the message says why."""


class ReviewMismatch(CodingError):
    """The review file was made for another model or another version of the input."""


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
    """The auto-coding thresholds saved with the model; a target without one gets ``None`` (review all)."""
    metrics = (getattr(model, "metadata", None) or {}).get("metrics") or {}
    out: dict[str, float | None] = {}
    for target in model.targets:
        figures = (metrics.get(target) or {}).get("auto_coding")
        out[target] = figures.get("threshold") if isinstance(figures, dict) else None
    return out


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
    from nexusml.core.components.predictor import PredictionError

    config = model.feature_config
    if len(missing_inputs(frame.columns, config)) == len(config.input_columns):
        raise PredictionError(
            f"the input has none of the columns the model reads ({', '.join(config.input_columns)}); "
            f"its columns are: {', '.join(map(str, frame.columns))}"
        )
    thresholds = model_thresholds(model)
    quiet = _OncePerMessage()
    features_log = logging.getLogger("nexusml.core.components.features")
    features_log.addFilter(quiet)
    try:
        for start in range(0, len(frame), max(1, chunk_rows)):
            part = frame.iloc[start : start + chunk_rows]
            features = engineer_features(part, config, with_targets=False)
            matrix = model.features_of(features)
            text = features.X[config.text_feature].to_numpy(dtype=object)
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
            yield CodedRows(
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
            )
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

    return CodedRows(
        frame=frame,
        targets=targets,
        text=np.concatenate([c.text for c in chunks]),
        predicted=cat("predicted"),
        confidence=cat("confidence"),
        top_labels=cat("top_labels"),
        top_confidences=cat("top_confidences"),
        unfamiliar=np.concatenate([c.unfamiliar for c in chunks]),
        out_of_range=OutOfRange.join([c.out_of_range for c in chunks]),
        thresholds=chunks[0].thresholds,
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


# -- the review state -------------------------------------------------------------------------------


def sidecar_path(input_path: Path | str, model_path: Path | str) -> Path:
    """``<input>.<model stem>.review.json`` next to the input."""
    input_path = Path(input_path)
    return input_path.with_name(f"{input_path.name}.{Path(model_path).stem}.review.json")


@dataclass
class ReviewState:
    """Per spreadsheet row and target: (status, class); saved to ``path`` on every change."""

    path: Path
    model_sha256: str
    input_sha256: str
    model_path: str = ""
    input_path: str = ""
    marks: dict[int, dict[str, tuple[str, str]]] = field(default_factory=dict)

    @classmethod
    def open(cls, input_path: Path | str, model_path: Path | str, *, start_over: bool = False) -> ReviewState:
        """The saved review of this input with this model, or a new one.

        A review file made for another model or another version of the input raises
        :class:`ReviewMismatch`; with ``start_over`` it is renamed ``*.old`` and a new review begins.
        """
        path = sidecar_path(input_path, model_path)
        fresh = cls(path, sha256_file(model_path), sha256_file(input_path), str(model_path), str(input_path))
        if not path.exists():
            return fresh
        try:
            return cls.load(path, fresh.model_sha256, fresh.input_sha256)
        except ReviewMismatch:
            if not start_over:
                raise
            path.replace(path.with_name(path.name + ".old"))
            return fresh

    @classmethod
    def load(cls, path: Path | str, model_sha256: str | None = None, input_sha256: str | None = None) -> ReviewState:
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            marks = {
                int(row): {t: (str(m["status"]), str(m["value"])) for t, m in targets.items()}
                for row, targets in data["rows"].items()
            }
            state = cls(path, data["model_sha256"], data["input_sha256"], data.get("model", ""), data.get("input", ""))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise CodingError(f"{path} is not a readable review file ({type(exc).__name__}: {exc})") from None
        for what, expected, found in (
            ("model", model_sha256, state.model_sha256),
            ("input", input_sha256, state.input_sha256),
        ):
            if expected is not None and expected != found:
                raise ReviewMismatch(
                    f"{path.name} was made for another {what} file (sha256 {found[:12]}..., this one is "
                    f"{expected[:12]}...); its marks do not apply here"
                )
        state.marks = marks
        return state

    def save(self) -> None:
        rows = {
            str(row): {t: {"status": s, "value": v} for t, (s, v) in targets.items()}
            for row, targets in sorted(self.marks.items())
        }
        data = {
            "nexusml_review_version": SIDECAR_VERSION,
            "model": self.model_path,
            "model_sha256": self.model_sha256,
            "input": self.input_path,
            "input_sha256": self.input_sha256,
            "rows": rows,
        }
        atomic_write_text(self.path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")

    def mark(self, row: int, target: str) -> tuple[str, str] | None:
        return self.marks.get(int(row), {}).get(target)

    def set_class(self, row: int, target: str, value: str, predicted: str) -> None:
        """The person's class for one target: ``accepted`` when it is the prediction, else ``corrected``."""
        value = str(value).strip()
        status = "accepted" if value == str(predicted) else "corrected"
        self.marks.setdefault(int(row), {})[target] = (status, value)
        self.save()

    def accept(self, row: int, predicted: dict[str, str]) -> None:
        """Accept the predictions of the row's targets that have no mark yet."""
        mine = self.marks.setdefault(int(row), {})
        for target, value in predicted.items():
            mine.setdefault(target, ("accepted", str(value)))
        self.save()

    def clear(self, row: int) -> None:
        if self.marks.pop(int(row), None) is not None:
            self.save()


def final_codes(coded: CodedRows, state: ReviewState | None, target: str) -> np.ndarray:
    """The correction or accepted class where there is a mark, else the prediction."""
    out = coded.predicted[target].astype(object).copy()
    if state is None or not state.marks:
        return out
    position = {int(r): i for i, r in enumerate(coded.rows)}
    for row, targets in state.marks.items():
        if target in targets and row in position:
            out[position[row]] = targets[target][1]
    return out


def row_statuses(coded: CodedRows, state: ReviewState | None) -> np.ndarray:
    """``pending`` (a target that needs review has no mark), else ``corrected``, ``accepted`` or ``auto``."""
    out = np.full(len(coded), "auto", dtype=object)
    marks = state.marks if state is not None else {}
    review = {t: coded.needs_review(t) for t in coded.targets}
    for i, row in enumerate(coded.rows):
        mine = marks.get(int(row), {})
        if any(review[t][i] and t not in mine for t in coded.targets):
            out[i] = "pending"
        elif any(s == "corrected" for s, _ in mine.values()):
            out[i] = "corrected"
        elif mine:
            out[i] = "accepted"
    return out


def coded_table(coded: CodedRows, state: ReviewState | None) -> pd.DataFrame:
    out = coded.frame.reset_index(drop=True).copy()
    for target in coded.targets:
        out[f"predicted_{target}"] = final_codes(coded, state, target)
        out[f"confidence_{target}"] = np.round(coded.confidence[target], 4)
    out["review_status"] = row_statuses(coded, state)
    out[FLAG_COLUMN] = coded.out_of_range.columns
    return out


def write_table(frame: pd.DataFrame, path: Path | str) -> Path:
    """CSV, or an ``.xlsx`` workbook (openpyxl), or Parquet, by the extension; atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        clean = frame.copy()
        for column in clean.columns:
            if clean[column].dtype == object or str(clean[column].dtype).startswith("string"):
                clean[column] = clean[column].map(
                    lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v
                )
        with atomic_path(path) as tmp:
            clean.to_excel(tmp, index=False, engine="openpyxl")
    elif suffix in (".parquet", ".pq"):
        with atomic_path(path) as tmp:
            frame.to_parquet(tmp, index=False)
    else:
        atomic_write_text(path, frame.to_csv(index=False))
    return path


def export_coded(coded: CodedRows, state: ReviewState | None, path: Path | str) -> Path:
    return write_table(coded_table(coded, state), path)


# -- learning from the review -----------------------------------------------------------------------


def training_columns(model: Any) -> list[str]:
    """The columns a training file for this model needs: its input columns, then its targets."""
    config = model.feature_config
    return list(dict.fromkeys([*config.input_columns, *model.targets]))


def training_rows(coded: CodedRows, state: ReviewState | None, model: Any, flags: bool = False) -> pd.DataFrame:
    """The accepted and corrected rows in the model's training columns, with their final codes.

    ``flags`` adds the ``out_of_range`` column: the rows whose numbers were outside the training range.
    """
    statuses = row_statuses(coded, state)
    keep = np.isin(statuses, ["accepted", "corrected"])
    frame = coded.frame.reset_index(drop=True)
    out = pd.DataFrame(index=np.flatnonzero(keep))
    for column in model.feature_config.input_columns:
        out[column] = frame[column].to_numpy()[keep] if column in frame.columns else None
    for target in model.targets:
        out[target] = final_codes(coded, state, target)[keep]
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
    from nexusml.core.components.loader import load_data

    training_file = Path(training_file)
    target = Path(into) if into is not None else training_file
    if target.suffix.lower() != training_file.suffix.lower():
        raise CodingError(f"{target.name} must have the same format as {training_file.name}")
    existing = load_data(training_file)
    combined = pd.concat([existing, rows], ignore_index=True, sort=False)
    return write_table(combined, target)
