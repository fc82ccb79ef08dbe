"""The multi-target equipment classifier.

One feature transformer (text TF-IDF plus scaled numeric columns) is fitted once
and shared by one classifier per target.  Targets that split the rows into the
same groups under different names (``Equipment_Type`` and ``System_Subtype``
are both "system + category") share one fitted classifier and only relabel its
output.  The model types and how each is built are in ``model_factory``.

Joint decoding (the default ``linear`` model): the targets with a margin
classifier of two or more classes are decoded together, each row getting the
combination of classes seen in the training rows with the largest sum of the
targets' decision scores (``scoring.JointDecoder``).  Measured on real
classification tables (``benchmarks/real_data.py``), it helps the multi-target
tasks at no extra fit and little prediction cost.

The selection rule, applied in :meth:`EquipmentClassifier.fit` from the training rows alone (recorded in
``chosen_params_``): every target gets the model type's classifier (for the default, LinearSVC(C=1) with
the rare classes weighted up: ``model_factory``, which gives the measurements); the targets are decoded
jointly when the training rows say they are related: two or more such targets, some combination of their
classes never seen together, and at most ``MAX_JOINT_COMBINATIONS`` combinations; above
``LARGE_DATA_ROWS`` training rows (the averaged SGD model) each target is decoded on its own.  With
``text_encoder`` the features also hold the text's sentence embedding (``sentence_encoder``).

Costs: the fit computes the combinations once (``np.unique`` over the rows' class codes); prediction adds
one rows x combinations sum and, per joint target, a maximum over the combinations holding each class.

Prediction from the transformed rows (and what the confidences mean) is in
``decoding``; the numeric columns' ranges and unknown numbers in ``numeric_inputs``.

Saved models (skops files, and the pickles of earlier versions) name classes by module; the names of
classes that moved out of this module stay importable from here, so the older files still load.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted

from nexusml.errors import Cancelled
from nexusml.features.numeric_inputs import NumericInputs
from nexusml.features.transformers import NumericBins, RangeClipper
from nexusml.model import decoding
from nexusml.model.calibration import ConfidenceCalibration, HeldOutScores, MarginSample, margin_sample
from nexusml.model.decoding import RankedClasses
from nexusml.model.factory import (
    BIN_WEIGHT,
    BINNED_MODEL_TYPES,
    ENCODER_WEIGHT,
    JOINT_MODEL_TYPES,
    LARGE_DATA_ROWS,
    build_classifier,
    build_text_vectorizer,
    fitted,
    quiet_expected_fit_warnings,
    single_class_classifier,
)
from nexusml.model.scoring import (
    JointDecoder,
    decision_scores,
    is_margin_classifier,
    predict_from_scores,
    predict_labels,
)
from nexusml.model.shared_targets import RelabeledClassifier, label_map, partition_key

log = logging.getLogger(__name__)


class EquipmentClassifier(NumericInputs, BaseEstimator):
    """Shared feature transformer + one classifier per target."""

    text_encoder: str | None = None  # models saved before the encoder option have no attribute of their own

    def __init__(
        self,
        model_type: str = "linear",
        text_column: str = "combined_text",
        numeric_columns: tuple[str, ...] = (),
        random_state: int = 42,
        n_jobs: int = 1,
        target_params: dict[str, dict[str, Any]] | None = None,
        text_encoder: str | None = None,
    ):
        self.model_type = model_type
        self.text_column = text_column
        self.numeric_columns = numeric_columns
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.target_params = target_params
        self.text_encoder = text_encoder

    def make_transformer(self, n_rows: int) -> ColumnTransformer:
        parts: list[tuple[str, Any, Any]] = [("text", build_text_vectorizer(self.model_type, n_rows), self.text_column)]
        if self.numeric_columns:
            # Clipped to the training range first: a linear model would extrapolate past it.
            # In float32 where the text features are (see RangeClipper).
            dtype = "float32" if self.model_type in BINNED_MODEL_TYPES else None
            scaled = Pipeline([("clip", RangeClipper(dtype=dtype)), ("scale", StandardScaler())])
            parts.append(("numeric", scaled, list(self.numeric_columns)))
            if self.model_type in BINNED_MODEL_TYPES:
                parts.append(("numeric_bins", NumericBins(weight=BIN_WEIGHT), list(self.numeric_columns)))
        if self.text_encoder:
            from nexusml.features.sentence_encoder import TextEmbeddings

            parts.append(("encoder", TextEmbeddings(self.text_encoder, ENCODER_WEIGHT), self.text_column))
        return ColumnTransformer(parts, sparse_threshold=1.0)

    def text_encoder_info(self) -> dict[str, Any] | None:
        """The fitted text encoder's name, weights fingerprint, size and weight; None without one."""
        return self.transformer_.named_transformers_["encoder"].describe() if self.text_encoder else None

    def check_text_encoder(self) -> None:
        """``sentence_encoder.EncoderError`` (one line) when the model's text encoder cannot be used here."""
        if self.text_encoder:
            self.transformer_.named_transformers_["encoder"].loaded()

    def make_classifier(self, target: str, n_rows: int | None = None, y: np.ndarray | None = None) -> Any:
        params = (self.target_params or {}).get(target)
        return build_classifier(self.model_type, self.random_state, self.n_jobs, params, n_rows, y)

    def fit(
        self,
        X: pd.DataFrame,
        Y: pd.DataFrame,
        *,
        on_target: Callable[[int, int, str], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        on_transformer_fitted: Callable[[], None] | None = None,
        on_features: Callable[[Any], None] | None = None,
        backend: Any = None,
    ) -> EquipmentClassifier:
        """Fit the shared transformer, then one classifier per target.

        ``on_transformer_fitted`` is called once the transformer is fitted, before
        the classifiers: from then on :meth:`transform` works (the run uses it to
        transform the held-out rows while the classifiers fit).  The confidence
        scales are not fitted here (they need held-out rows): see
        :meth:`fit_confidence`.  ``on_features`` receives the transformed rows (what :meth:`transform` would
        give for ``X``), for a caller that needs them again.  ``backend``, a ``distributed.DaskBackend``,
        fits the classifiers on its Dask cluster instead of here.
        """
        quiet_expected_fit_warnings()  # before the thread that transforms the held-out rows starts
        self.targets_ = list(Y.columns)
        self.confidence_scales_: dict[str, float] = {}
        self.transformer_ = self.make_transformer(len(X))
        features = self.transformer_.fit_transform(X)
        if hasattr(features, "tocsr"):
            features = features.tocsr()
        if on_transformer_fitted is not None:
            on_transformer_fitted()
        if on_features is not None:
            on_features(features)
        self.estimators_: dict[str, Any] = {}
        self.shared_with_: dict[str, str] = {}
        # Targets that group the rows alike (with the same parameters) share one classifier: fit the first.
        owners: dict[tuple[bytes, str], str] = {}
        for target in self.targets_:
            y = Y[target].to_numpy()
            key = (partition_key(y), repr(sorted(((self.target_params or {}).get(target) or {}).items())))
            if key in owners:
                self.shared_with_[target] = owners[key]
            else:
                owners[key] = target
        fits = self._fit_on_cluster(features, Y, list(owners.values()), backend) if backend is not None else None
        for i, target in enumerate(self.targets_):
            if should_stop is not None and should_stop():
                raise Cancelled(target)
            y = Y[target].to_numpy()
            source = self.shared_with_.get(target)
            if source is not None:
                self.estimators_[target] = RelabeledClassifier(
                    self.estimators_[source], label_map(Y[source].to_numpy(), y)
                )
            elif fits is not None:
                self.estimators_[target] = next(fits)
            else:
                self.estimators_[target] = fitted(self._unfitted(target, features, y), features, y)
            if on_target is not None:
                on_target(i + 1, len(self.targets_), target)
        self.joint_ = self._fit_joint_decoder(Y, len(X))
        self.chosen_params_ = self._chosen_params()
        if self.shared_with_:
            log.info(
                "Targets grouping the rows like an earlier target reuse its classifier: %s",
                ", ".join(f"{t} <- {s}" for t, s in self.shared_with_.items()),
            )
        return self

    def _unfitted(self, target: str, features: Any, y: np.ndarray) -> Any:
        if len(np.unique(y)) < 2:
            return single_class_classifier()
        return self.make_classifier(target, features.shape[0], y)

    def _fit_on_cluster(self, features: Any, Y: pd.DataFrame, owners: list[str], backend: Any) -> Iterator[Any]:
        """The owners' classifiers fitted on the Dask cluster, in order (the feature matrix sent to each worker once).

        The same classifiers as a local fit, so the same model as a local run.
        """
        from joblib import Parallel, delayed

        jobs = []
        for target in owners:
            y = Y[target].to_numpy()
            jobs.append(delayed(fitted)(self._unfitted(target, features, y), features, y))
        with backend(scatter=[features]):
            yield from Parallel(n_jobs=-1, return_as="generator")(jobs)

    def _fit_joint_decoder(self, Y: pd.DataFrame, n_rows: int) -> JointDecoder | None:
        """The joint decoder of the related targets (see the module's selection rule), or None."""
        if self.model_type not in JOINT_MODEL_TYPES or n_rows > LARGE_DATA_ROWS:
            return None
        codes, n_classes = {}, {}
        for target in self.targets_:
            estimator = self.estimators_[target]
            if target in self.shared_with_ or not is_margin_classifier(estimator) or len(estimator.classes_) < 2:
                continue
            codes[target] = pd.Index(estimator.classes_).get_indexer(Y[target].to_numpy())
            n_classes[target] = len(estimator.classes_)
        decoder = JointDecoder.from_training(codes, n_classes)
        if decoder is not None:
            log.info(
                "Decoding %s jointly: %d combinations of classes in the training rows",
                ", ".join(decoder.targets),
                len(decoder.codes),
            )
        return decoder

    def _chosen_params(self) -> dict[str, dict[str, Any]]:
        """Per target: its classifier, the parameters chosen for it and how it is decoded."""
        chosen: dict[str, dict[str, Any]] = {}
        for target in self.targets_:
            owner = self.shared_with_.get(target, target)
            estimator = self.estimators_[owner]
            params = estimator.get_params() if hasattr(estimator, "get_params") else {}
            entry: dict[str, Any] = {"classifier": type(estimator).__name__}
            entry.update({k: params[k] for k in ("C", "alpha", "class_weight") if k in params})
            if isinstance(entry.get("class_weight"), dict):  # the default's (model_factory.rare_class_weights)
                weights = [w for w in entry["class_weight"].values() if w > 1.0]
                entry["class_weight"] = f"{len(weights)} rare classes weighted up to {max(weights, default=1.0):.3g}"
            entry["decoding"] = "joint" if owner in self.joint_targets else "own"
            if owner != target:
                entry["shares_classifier_of"] = owner
            chosen[target] = entry
        return chosen

    @property
    def joint_targets(self) -> tuple[str, ...]:
        """The targets decoded jointly (each owning its classifier); empty for models saved before it."""
        decoder = getattr(self, "joint_", None)
        return decoder.targets if decoder is not None else ()

    def transform(self, X: pd.DataFrame) -> Any:
        check_is_fitted(self, "transformer_")
        return self.transformer_.transform(X)

    def predict(self, X: pd.DataFrame) -> pd.DataFrame:
        predictions, _ = self.predict_with_confidence(X, confidence=False)
        return predictions

    # -- confidence calibration (the scales are fitted on held-out rows, see ``calibration``) --

    @property
    def confidence_scales(self) -> dict[str, float]:
        """Fitted softmax scale per margin classifier, keyed by the target that owns it."""
        return getattr(self, "confidence_scales_", {})  # models saved before calibration have none

    def score_held_out(self, X: pd.DataFrame, Y: pd.DataFrame, features: Any = None) -> HeldOutScores:
        """Score held-out rows once: the predictions, and what the confidence scales are fitted on.

        Changes nothing on the model.  ``features`` is ``transform(X)`` when it
        was computed beforehand (as ``held_out_features.HeldOutFeatures``
        does).  Each margin classifier's decision scores give both its
        predictions and its ``calibration.MarginSample``; the predictions are
        what :meth:`predict` gives.
        """
        check_is_fitted(self, "estimators_")
        if features is None:
            features = self.transform(X)
        if hasattr(features, "tocsr"):
            features = features.tocsr()
        predictions: dict[str, np.ndarray] = {}
        samples: dict[str, MarginSample] = {}
        joint = decoding.joint_decode(self.fitted_targets(), features)
        for target in self.targets_:
            estimator = self.estimators_[target]
            if isinstance(estimator, RelabeledClassifier):
                # Its classifier belongs to an earlier target, scored there.
                predictions[target] = estimator.relabel(predictions[self.shared_with_[target]])
            elif target in joint:
                # The scale is fitted on the joint logits, the scores that decide the prediction.
                predictions[target], logits = joint[target]
                samples[target] = margin_sample(logits, estimator.classes_, Y[target].to_numpy())
            elif is_margin_classifier(estimator):
                scores = decision_scores(estimator, features)
                predictions[target] = predict_from_scores(estimator, scores)
                samples[target] = margin_sample(scores, estimator.classes_, Y[target].to_numpy())
            else:
                predictions[target] = predict_labels(estimator, features)
        return HeldOutScores(pd.DataFrame(predictions), samples)

    def fit_confidence(self, held_out: HeldOutScores) -> EquipmentClassifier:
        """Fit the confidence scales on this model's :meth:`score_held_out` of held-out rows.

        A margin classifier with fewer than ``MIN_CALIBRATION_ROWS`` usable rows
        keeps the default scale.  Predictions do not change, only confidences.
        """
        check_is_fitted(self, "estimators_")
        for target, sample in held_out.samples.items():
            estimator = self.estimators_.get(target)
            if target in self.shared_with_ or estimator is None or sample.logits.shape[1] != _n_columns(estimator):
                raise ValueError(f"the held-out scores of {target!r} do not come from this model's classifier")
        self.confidence_scales_ = ConfidenceCalibration().fit(held_out).scales_
        return self

    def adopt_confidence_scales(self, calibrated: EquipmentClassifier) -> EquipmentClassifier:
        """Take the scales fitted for ``calibrated``, the same model fitted on fewer rows.

        This is how the model refitted on all rows is calibrated: its own rows
        are all training rows, so it takes the scales of the model fitted on the
        training split (:meth:`fit_confidence`).  A scale is only taken where this
        model's classifier for the target is of the same kind (above
        ``LARGE_DATA_ROWS`` the refit may use another classifier, whose scores
        are on another scale, and joint logits are on another scale than a
        classifier's own); the others keep the default and are listed by
        :meth:`uncalibrated_targets`.  The classes may differ: the refit also
        learns the rare classes the split held out, and a temperature fitted on
        the common ones carries over (leaving the default instead made every
        confidence of a target with many rare classes far too low, below the
        auto-coding threshold recorded for it).
        """
        check_is_fitted(self, "estimators_")
        adopted = {}
        for target, scale in calibrated.confidence_scales.items():
            mine, theirs = self.estimators_.get(target), calibrated.estimators_.get(target)
            if (
                mine is not None
                and theirs is not None
                and target not in self.shared_with_
                and type(mine) is type(theirs)
                and (target in self.joint_targets) == (target in calibrated.joint_targets)
            ):
                adopted[target] = scale
        self.confidence_scales_ = adopted
        return self

    def uncalibrated_targets(self) -> list[str]:
        """Targets whose confidence is a margin softmax with the default scale (no fitted one)."""
        out = []
        for target in self.targets_:
            owner = self.shared_with_.get(target, target)
            if is_margin_classifier(self.estimators_[owner]) and owner not in self.confidence_scales:
                out.append(target)
        return out

    # -- prediction --

    def predict_with_confidence(
        self, X: pd.DataFrame, confidence: bool = True, unknown_numeric: Iterable[str] = ()
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Predictions and confidences per target, from :meth:`transform_rows`."""
        predictions, scores, _ = self.predict_features(self.transform_rows(X, unknown_numeric), confidence)
        return predictions, scores

    def transform_rows(self, X: pd.DataFrame, unknown_numeric: Iterable[str] = ()) -> Any:
        """``transform(X)`` with unknown numbers blanked: the ``unknown_numeric`` columns, and values out of range.

        A value outside its column's training range (:meth:`outside_range`) is
        treated as unknown in its row: clipped, it would read as the end of the
        range, which can be as decisive for one class as the value itself.
        """
        features = self.blank_numeric(self.transform(X), [c for c in unknown_numeric if c in self.numeric_columns])
        return self.blank_cells(features, self.outside_range(X))

    def predict_features(
        self, features: Any, confidence: bool = True, runners_up: int = 0
    ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, RankedClasses]]:
        """Predictions, confidences and the ``runners_up`` next most confident classes, from transformed rows."""
        check_is_fitted(self, "estimators_")
        return decoding.predict_features(self.fitted_targets(), features, confidence, runners_up)

    def fitted_targets(self) -> decoding.FittedTargets:
        """The fitted parts decoding reads."""
        return decoding.FittedTargets(
            self.targets_, self.estimators_, self.shared_with_, self.confidence_scales, getattr(self, "joint_", None)
        )


def _n_columns(estimator: Any) -> int:
    """Logit columns of a classifier's decision scores (a binary model's single score gives two)."""
    return max(len(estimator.classes_), 2)
