"""A trained model as a file holds it: the fitted classifier, the feature config it reads, and how it predicts and
assesses new rows."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from nexusml.config import FeatureConfig
from nexusml.errors import NexusMLError
from nexusml.features.engineering import FeatureSet, engineer_features, missing_inputs, missing_targets
from nexusml.features.ranges import FLAG_COLUMN, OutOfRange
from nexusml.model.classifier import EquipmentClassifier

log = logging.getLogger(__name__)


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
        from nexusml.evaluation.assessment import assess
        from nexusml.features.split import item_groups

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
