"""The saved model bundle and safe loading (sha256 check, then only the model's own types are built)."""

from __future__ import annotations

import hashlib
import logging
import pickle
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nexusml.config import FeatureConfig
from nexusml.core.components import model_format
from nexusml.core.components.features import FeatureSet, engineer_features, missing_inputs, missing_targets
from nexusml.core.components.io import sha256_file
from nexusml.core.components.model import EquipmentClassifier
from nexusml.core.components.model_format import MODEL_SUFFIX
from nexusml.core.components.ranges import FLAG_COLUMN, OutOfRange
from nexusml.errors import NexusMLError
from nexusml.files import MAX_METADATA_BYTES, FileReadError, read_json_object

log = logging.getLogger(__name__)


class ModelLoadError(NexusMLError):
    """The model file cannot be loaded safely; the message says why."""


class PredictionError(NexusMLError):
    """The input cannot be used for prediction."""


@dataclass
class TrainedModel:
    """What a model file holds: the fitted classifier and the feature config it reads."""

    estimator: EquipmentClassifier
    feature_config: FeatureConfig
    versions: dict[str, str] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_training(cls, estimator: EquipmentClassifier, config: FeatureConfig) -> TrainedModel:
        """Bundle a fitted estimator with the feature config it reads and the library versions."""
        return cls(estimator, config, library_versions())

    @property
    def targets(self) -> list[str]:
        return list(self.estimator.targets_)

    def predict(
        self,
        frame: pd.DataFrame,
        confidence: bool = True,
        include_text: bool = False,
        min_confidence: dict[str, float | None] | None = None,
    ) -> pd.DataFrame:
        """One ``predicted_<target>`` (and ``confidence_<target>``) column per target; input columns kept.

        ``include_text`` adds ``model_text``: the combined text the model read for each row.
        ``min_confidence`` maps targets to the confidence a prediction needs to be kept: below
        it (or for every row, where the value is ``None``) the prediction is left empty and
        ``needs_review_<target>`` is true, so the row can be routed to a person.
        The last column, ``out_of_range``, names the numeric columns whose value lies
        outside the training range (read as unknown; :meth:`out_of_range`), with one warning.
        """
        if isinstance(frame, str):
            frame = pd.DataFrame({self.feature_config.text_combinations[0].columns[0]: [frame]})
        self._check_inputs(frame)
        features = engineer_features(frame, self.feature_config, with_targets=False)
        need_confidence = confidence or bool(min_confidence)
        predicted, scores, _ = self.estimator.predict_features(self.features_of(features), confidence=need_confidence)
        out = frame.reset_index(drop=True).copy()
        if include_text:
            out["model_text"] = features.X[self.feature_config.text_feature].to_numpy()
        for target in self.targets:
            values = predicted[target].to_numpy()
            if min_confidence and target in min_confidence:
                threshold = min_confidence[target]
                review = np.ones(len(values), dtype=bool)
                if threshold is not None:
                    review = scores[target].to_numpy() < threshold
                values = np.where(review, "", values.astype(object))
            out[f"predicted_{target}"] = values
            if confidence and target in scores:
                out[f"confidence_{target}"] = scores[target].round(4).to_numpy()
            if min_confidence and target in min_confidence:
                out[f"needs_review_{target}"] = review
        outside = self.out_of_range(features)
        if outside.counts:
            log.warning(outside.warning())
        out[FLAG_COLUMN] = outside.columns
        return out

    def _check_inputs(self, frame: pd.DataFrame) -> None:
        needed = self.feature_config.input_columns
        if len(missing_inputs(frame.columns, self.feature_config)) == len(needed):
            raise PredictionError(
                f"the input has none of the columns the model reads ({', '.join(needed)}); "
                f"its columns are: {', '.join(map(str, frame.columns))}"
            )

    def features_of(self, features: FeatureSet) -> Any:
        """The engineered rows as the model's transformer gives them; numbers the input lacks are unknown.

        So are numbers outside their column's training range (``EquipmentClassifier.transform_rows``).
        """
        # A number the input does not have at all is unknown, not the config's fill value.
        unknown = [n.new_name for n in self.feature_config.numeric_columns if n.name in features.created_columns]
        return self.estimator.transform_rows(features.X, unknown)

    def out_of_range(self, features: FeatureSet) -> OutOfRange:
        """The rows with a number outside the training range of its column (:meth:`OutOfRange.warning` says so).

        The model reads such numbers as unknown (``ranges``).  Blank cells (given
        the fill value) and numeric columns the input lacks (unknown) are not
        flagged; a model saved before the ranges were recorded flags nothing.
        """
        ranges = self.estimator.numeric_ranges()
        outside = self.estimator.outside_range(features.X)
        masks, bounds = {}, {}
        for numeric in self.feature_config.numeric_columns:
            if numeric.new_name not in ranges or numeric.name in features.created_columns:
                continue
            mask = outside[numeric.new_name].to_numpy(dtype=bool)
            if numeric.new_name in features.filled:
                mask = mask & ~features.filled[numeric.new_name].to_numpy(dtype=bool)
            masks[numeric.name], bounds[numeric.name] = mask, ranges[numeric.new_name]
        return OutOfRange.from_masks(masks, bounds, len(features.X))

    def auto_thresholds(self) -> dict[str, float | None]:
        """The auto-coding threshold recorded per target at training time (``None``: every row to review).

        A target whose metadata holds no auto-coding figures at all is an error (a
        model saved before thresholds were recorded); an unusable threshold (not a
        number between 0 and 1) sends that target's rows to review.
        """
        recorded = self.metadata.get("metrics")
        metrics: dict[str, Any] = recorded if isinstance(recorded, dict) else {}
        found: dict[str, Any] = {}
        for target in self.targets:
            figures = metrics.get(target)
            found[target] = figures.get("auto_coding") if isinstance(figures, dict) else None
        missing = [t for t, figures in found.items() if not isinstance(figures, dict)]
        if missing:
            raise PredictionError(
                f"the model's metadata records no auto-coding threshold for {', '.join(missing)} "
                "(a model saved before thresholds were recorded, or loaded without its metadata); "
                "give a number to --min-confidence, or retrain"
            )
        thresholds = recorded_thresholds(self.metadata, self.targets)
        odd = [t for t, coding in found.items() if coding.get("threshold") is not None and thresholds[t] is None]
        if odd:
            log.warning(
                "The metadata's auto-coding threshold for %s is not a number between 0 and 1; "
                "every row of it goes to review",
                ", ".join(odd),
            )
        return thresholds

    def assess(self, frame: pd.DataFrame, precision_target: float) -> Assessment:
        """Score the model on labelled rows: the training run's report for another file."""
        from nexusml.core.components.assessment import assess
        from nexusml.core.components.split import item_groups

        self._check_inputs(frame)
        absent = missing_targets(frame.columns, self.feature_config)
        if absent:
            raise MissingTargets(absent)
        features = engineer_features(frame, self.feature_config)
        outside = self.out_of_range(features)
        if outside.counts:
            log.warning(outside.warning(flagged=False))
        matrix = self.features_of(features)
        predicted, confidence, _ = self.estimator.predict_features(matrix)
        rows = features.source_rows + 2  # as a spreadsheet numbers them: the header is row 1
        text = features.X[self.feature_config.text_feature].to_numpy()
        numbers = [n.new_name for n in self.feature_config.numeric_columns]
        items = item_groups(features.X, self.feature_config.text_feature, numbers)
        report, metrics, errors = assess(
            self.estimator, matrix, features.Y, predicted, confidence, rows, text, precision_target, items
        )
        return Assessment(report, metrics, errors, len(features.X), features.dropped_rows)


def recorded_thresholds(metadata: Any, targets: Iterable[str]) -> dict[str, float | None]:
    """Per target, the auto-coding threshold a model's metadata records, if it is a number between 0 and 1.

    ``None`` (every row to review) where there is none or it is unusable: a metadata
    file edited by hand or by another program (a string, NaN, a list of metrics).
    """
    metrics = metadata.get("metrics") if isinstance(metadata, dict) else None
    metrics = metrics if isinstance(metrics, dict) else {}
    out: dict[str, float | None] = {}
    for target in targets:
        figures = metrics.get(target)
        coding = figures.get("auto_coding") if isinstance(figures, dict) else None
        value = coding.get("threshold") if isinstance(coding, dict) else None
        if isinstance(value, int | float) and not isinstance(value, bool) and 0.0 <= value <= 1.0:
            out[target] = float(value)
        else:
            out[target] = None
    return out


@dataclass(frozen=True)
class Assessment:
    report: dict[str, Any]
    metrics: dict[str, dict[str, Any]]
    errors: pd.DataFrame
    rows_used: int
    rows_dropped: int


class MissingTargets(PredictionError):
    """A labelled file lacks target columns the model predicts."""

    def __init__(self, targets: list[str]):
        self.targets = targets
        super().__init__(f"the file has no column for the target(s) {', '.join(targets)}; add them to evaluate")


def library_versions() -> dict[str, str]:
    import joblib
    import numpy
    import sklearn
    import skops

    import nexusml

    return {
        "nexusml": nexusml.__version__,
        "scikit-learn": sklearn.__version__,
        "pandas": pd.__version__,
        "numpy": numpy.__version__,
        "joblib": joblib.__version__,
        "skops": skops.__version__,
    }


PICKLE_WARNING = "pickle files can run code when they are loaded"


def read_metadata(model_path: Path) -> dict[str, Any]:
    """The model's ``_metadata.json``: a regular file of at most ``MAX_METADATA_BYTES``, holding a JSON object."""
    meta_path = model_format.metadata_path_for(model_path)
    if not meta_path.exists() and not meta_path.is_symlink():
        raise ModelLoadError(
            f"{model_path} has no metadata file ({meta_path.name}), so its sha256 cannot be checked; "
            "pass --trust (trust=True) only if you know where the file comes from"
        )
    try:
        return read_json_object(meta_path, MAX_METADATA_BYTES, "a metadata file")
    except FileReadError as exc:
        raise ModelLoadError(str(exc)) from None


def _committed_model(path: Path, metadata: dict[str, Any], data: bytes, digest: str) -> tuple[bytes, str]:
    """For a ``_latest`` model being replaced (or whose replacement was killed half-way): the model its
    metadata names.

    The metadata is renamed into place last, so it always names a whole model
    (``latest_of``, the run's timestamped file); the ``_latest`` model file itself
    may already be the next run's.
    """
    source = metadata.get("latest_of")
    if not isinstance(source, str) or Path(source).name != source:
        return data, digest
    committed = path.with_name(source)
    try:
        other = committed.read_bytes() if committed.is_file() else None
    except OSError:
        other = None
    if other is None:
        return data, digest
    found = hashlib.sha256(other).hexdigest()
    if found == metadata.get("model_sha256"):
        log.info("%s is being replaced; loaded %s, which its metadata names", path.name, committed.name)
        return other, found
    return data, digest


def load_model(path: Path | str, trust: bool = False) -> TrainedModel:
    """Load a saved model after checking its sha256 against the metadata.

    A ``.skops`` model (what ``save_model`` writes) builds only the types a NexusML
    model holds (``model_format``), so loading it runs no code from the file.
    A pickle (``.pkl``, or joblib) from an earlier version loads only with
    ``trust=True``: pickle files can run code when they are loaded.
    ``trust=True`` also skips the metadata and sha256 check (only trust files
    you made).  A model saved with other library versions loads with a warning
    naming both versions.  The file is read once: the bytes that were checked
    are the bytes that are loaded.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelLoadError(f"{path} not found; give the path of a saved {MODEL_SUFFIX} model")
    metadata: dict[str, Any] = {}
    if not trust:
        metadata = read_metadata(path)
    data = b""
    try:
        if not trust:
            # Checked in a stream first: a file that does not match (a 3 GB impostor) is refused without
            # being held in memory.  The bytes loaded are checked again, in case the file changed meanwhile.
            expected = metadata.get("model_sha256")
            actual = sha256_file(path)
            if expected == actual:
                data = path.read_bytes()
                actual = hashlib.sha256(data).hexdigest()
        else:
            data = path.read_bytes()
    except OSError as exc:
        raise ModelLoadError(f"{path} cannot be read ({exc.strerror or exc})") from None
    if not trust:
        if expected != actual:
            data, actual = _committed_model(path, metadata, data, actual)
        if expected != actual:
            raise ModelLoadError(
                f"{path} does not match the sha256 recorded in its metadata (expected {str(expected)[:12]}..., "
                f"found {actual[:12]}...); the file was changed or replaced. Retrain it, or pass --trust if you "
                "know where it comes from"
            )
    if data[:4] == b"PK\x03\x04":
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = model_format.loads(data)
        except model_format.ModelFormatError as exc:
            raise ModelLoadError(f"{path} is not loaded: {exc}") from None
    elif not trust:
        raise ModelLoadError(
            f"{path} is a pickle file (an earlier NexusML's format), and {PICKLE_WARNING}: it is not loaded. "
            f"If you made it, pass --trust (trust=True) and re-save it as {MODEL_SUFFIX} with "
            f"`python -m nexusml.core.components.serializer {path}`"
        )
    else:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = _unpickle(data)
        except Exception as exc:
            raise ModelLoadError(f"{path} is not a NexusML model file ({type(exc).__name__}: {exc})") from None
        log.warning(
            "%s is a pickle file, loaded because it is trusted (%s); re-save it as %s to load it without --trust: "
            "python -m nexusml.core.components.serializer %s",
            path,
            PICKLE_WARNING,
            MODEL_SUFFIX,
            path,
        )
    if not isinstance(model, TrainedModel):
        raise ModelLoadError(f"{path} does not hold a NexusML model (found {type(model).__name__})")
    current = library_versions()
    for name in ("scikit-learn",):
        saved = model.versions.get(name)
        if saved and saved != current[name]:
            # One warning, through logging (the commands print it as one line; a script sees it on stderr).
            log.warning(
                "%s was saved with %s %s; this is %s %s, predictions may differ",
                path.name,
                name,
                saved,
                name,
                current[name],
            )
    model.metadata = metadata
    return model


def _unpickle(data: bytes) -> Any:
    """A plain pickle (what earlier versions' ``save_model`` wrote), or a joblib file from an older NexusML.

    Only for trusted files: unpickling runs whatever code the file names.
    """
    if data[:1] == b"\x80":
        try:
            return pickle.loads(data)
        except Exception as pickle_error:
            # A joblib file without compression also starts like a pickle; if it is not one
            # either, the pickle error is the one that explains the file.
            try:
                return _joblib_load(data)
            except Exception:
                raise pickle_error from None
    return _joblib_load(data)  # not a pickle: joblib's compressed format


def _joblib_load(data: bytes) -> Any:
    import io

    import joblib

    return joblib.load(io.BytesIO(data))


def sample_predictions(model: Any, frame: pd.DataFrame, n: int = 3) -> list[dict[str, Any]]:
    """Predict a few rows of the training file, to show what the model does."""
    predicted = model.predict(frame.head(n), include_text=True)
    texts = predicted["model_text"].tolist()
    out = []
    for i, text in enumerate(texts):
        item: dict[str, Any] = {"text": text}
        for target in model.targets:
            item[target] = str(predicted[f"predicted_{target}"].iloc[i])
            if f"confidence_{target}" in predicted:
                item[f"{target}_confidence"] = float(predicted[f"confidence_{target}"].iloc[i])
        out.append(item)
    return out
