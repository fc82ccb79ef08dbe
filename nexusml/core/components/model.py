"""The multi-target equipment classifier.

One feature transformer (text TF-IDF plus scaled numeric columns) is fitted once
and shared by one classifier per target.  Targets that split the rows into the
same groups under different names (``Equipment_Type`` and ``System_Subtype``
are both "system + category") share one fitted classifier and only relabel its
output.

Model types:

``linear`` (default)
    Word 1-2 grams and ``char_wb`` 3-4 grams, both with sublinear tf, plus each
    numeric column both scaled and one-hot binned (``NumericBins``: a linear
    model can then use "service life is 30" rather than only "service life is
    large"), into one LinearSVC (class_weight balanced) per target.  Chosen by measurement (``benchmarks/``): more
    accurate than the two references below on every dataset measured and
    cheaper to fit than ``linear_svc``.  Above ``LARGE_DATA_ROWS`` training rows
    the same features go into an averaged SGD hinge model, whose cost grows
    linearly with rows.
``linear_svc``
    The plain reference: word 1-2 and ``char_wb`` 2-5 TF-IDF with scikit-learn
    defaults into LinearSVC(C=1) per target.
``logreg`` / ``sgd``
    The ``linear`` features into LogisticRegression or a modified-Huber SGD
    model (both give probabilities).
``random_forest``
    The classic NexusML model: word 1-3 gram TF-IDF (5,000 features, min_df 2,
    max_df 0.9, sublinear tf) and the scaled numeric columns into a 200-tree
    RandomForest (class_weight balanced_subsample) per target.

Confidence (``confidence_scores``): models with probabilities (random forest,
logistic regression, modified-Huber SGD) report the probability of the
predicted class.  Margin models (LinearSVC, hinge SGD) report a softmax over
their decision scores, a monotone score in [0, 1] that is not a calibrated
probability; calibrating it would cost several extra fits per target.
"""

from __future__ import annotations

import logging
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from nexusml.errors import Cancelled

log = logging.getLogger(__name__)

SMALL_DATA_ROWS = 30
# Above this many training rows the default switches from LinearSVC to averaged SGD.
LARGE_DATA_ROWS = 200_000
# Scale applied to decision scores before the softmax that turns them into a confidence.
MARGIN_SOFTMAX_SCALE = 3.0
# Bounds of the fitted scale, and the held-out rows needed before it is fitted at all.
MIN_MARGIN_SCALE, MAX_MARGIN_SCALE = 0.1, 50.0
MIN_CALIBRATION_ROWS = 30
MAX_CALIBRATION_ROWS = 20_000

# The tuned features shared by linear, logreg and sgd.
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (3, 4)
LINEAR_C = 1.0
# Value of the one-hot numeric bin features next to the unit-length TF-IDF rows.
BIN_WEIGHT = 0.5


def _vectorizer_kwargs(n_rows: int, **kwargs: Any) -> dict[str, Any]:
    if n_rows < SMALL_DATA_ROWS:
        kwargs["min_df"] = 1
        kwargs["max_df"] = 1.0
    return kwargs


def build_text_vectorizer(model_type: str, n_rows: int) -> BaseEstimator:
    if model_type == "random_forest":
        return TfidfVectorizer(
            **_vectorizer_kwargs(n_rows, ngram_range=(1, 3), max_features=5000, min_df=2, max_df=0.9, sublinear_tf=True)
        )
    if model_type == "linear_svc":
        return FeatureUnion(
            [
                ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2))),
                ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5))),
            ]
        )
    if model_type not in ("linear", "logreg", "sgd"):
        raise ValueError(f"unknown model type {model_type!r}")
    word = TfidfVectorizer(analyzer="word", ngram_range=WORD_NGRAMS, sublinear_tf=True, dtype=np.float32)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True, dtype=np.float32)
    return FeatureUnion([("word", word), ("char", char)])


def build_classifier(
    model_type: str,
    random_state: int,
    n_jobs: int,
    params: dict[str, Any] | None = None,
    n_rows: int | None = None,
):
    params = dict(params or {})
    if model_type == "random_forest":
        from sklearn.ensemble import RandomForestClassifier  # its import alone costs 0.1 s; only this model needs it

        base = RandomForestClassifier(
            n_estimators=200, class_weight="balanced_subsample", random_state=random_state, n_jobs=n_jobs
        )
    elif model_type == "linear":
        if n_rows is not None and n_rows > LARGE_DATA_ROWS and not params:
            base = large_data_classifier(random_state, n_jobs)
        else:
            base = LinearSVC(C=LINEAR_C, class_weight="balanced", tol=1e-3, random_state=random_state)
    elif model_type == "linear_svc":
        base = LinearSVC(C=1.0, random_state=random_state)
    elif model_type == "logreg":
        base = LogisticRegression(C=30.0, solver="saga", max_iter=50, tol=1e-3, random_state=random_state)
    elif model_type == "sgd":
        base = SGDClassifier(
            loss="modified_huber",
            alpha=1e-5,
            average=True,
            max_iter=20,
            tol=None,
            random_state=random_state,
            n_jobs=n_jobs,
        )
    else:
        raise ValueError(f"unknown model type {model_type!r}")
    return base.set_params(**params) if params else base


def large_data_classifier(random_state: int, n_jobs: int) -> SGDClassifier:
    """The default's classifier above LARGE_DATA_ROWS: averaged hinge SGD, a few passes over the rows."""
    return SGDClassifier(
        loss="hinge",
        alpha=1e-6,
        average=True,
        max_iter=5,
        tol=None,
        class_weight="balanced",
        random_state=random_state,
        n_jobs=n_jobs,
    )


SEARCH_GRIDS: dict[str, dict[str, list[Any]]] = {
    "linear": {"C": [0.3, 1.0, 3.0], "class_weight": [None, "balanced"]},
    "linear_svc": {"C": [0.3, 1.0, 3.0]},
    "logreg": {"C": [10.0, 30.0, 100.0]},
    "sgd": {"alpha": [1e-6, 1e-5, 1e-4]},
    "random_forest": {"n_estimators": [100, 200], "max_features": ["sqrt", 0.2]},
}


BINNED_MODEL_TYPES = ("linear", "logreg", "sgd")
# Classifiers that predict the class with the highest decision score (scored by decision_scores).
LINEAR_CLASSIFIERS = (LinearSVC, LogisticRegression, SGDClassifier)


class NumericBins(BaseEstimator, TransformerMixin):
    """One-hot bins of numeric columns, as a sparse matrix.

    A column with at most ``max_values`` distinct values gets one bin per value
    (values never seen in training fall into the nearest bin); a column with
    more gets ``n_bins`` quantile bins.  Each row has one active bin per column,
    valued ``weight``.
    """

    def __init__(self, max_values: int = 64, n_bins: int = 16, weight: float = 1.0):
        self.max_values = max_values
        self.n_bins = n_bins
        self.weight = weight

    def fit(self, X, y=None):
        values = np.asarray(X, dtype=np.float64)
        if values.ndim == 1:
            values = values.reshape(-1, 1)
        self.edges_ = []
        for j in range(values.shape[1]):
            column = values[:, j]
            column = column[np.isfinite(column)]
            distinct = np.unique(column)
            if len(distinct) <= self.max_values:
                edges = (distinct[:-1] + distinct[1:]) / 2.0
            else:
                edges = np.unique(np.quantile(column, np.linspace(0.0, 1.0, self.n_bins + 1)[1:-1]))
            self.edges_.append(edges)
        self.n_features_out_ = int(sum(len(e) + 1 for e in self.edges_))
        return self

    def transform(self, X):
        values = np.asarray(X, dtype=np.float64)
        if values.ndim == 1:
            values = values.reshape(-1, 1)
        n = values.shape[0]
        columns = []
        offset = 0
        for j, edges in enumerate(self.edges_):
            column = np.nan_to_num(values[:, j], nan=0.0)
            columns.append(np.searchsorted(edges, column) + offset)
            offset += len(edges) + 1
        if not columns:
            return sp.csr_matrix((n, 0), dtype=np.float32)
        indices = np.stack(columns, axis=1).ravel().astype(np.int32)
        indptr = np.arange(0, n * len(columns) + 1, len(columns), dtype=np.int64)
        data = np.full(indices.shape[0], self.weight, dtype=np.float32)
        return sp.csr_matrix((data, indices, indptr), shape=(n, offset))

    def get_feature_names_out(self, input_features=None):
        return np.array([f"bin{i}" for i in range(self.n_features_out_)], dtype=object)


def partition_key(y: np.ndarray) -> bytes:
    """Equal for two label arrays that group the rows identically, whatever the labels are called."""
    codes, _ = pd.factorize(pd.Series(y, dtype=object), sort=False)
    return codes.astype(np.int32).tobytes()


class EquipmentClassifier(BaseEstimator):
    """Shared feature transformer + one classifier per target."""

    def __init__(
        self,
        model_type: str = "linear",
        text_column: str = "combined_text",
        numeric_columns: tuple[str, ...] = (),
        random_state: int = 42,
        n_jobs: int = 1,
        target_params: dict[str, dict[str, Any]] | None = None,
    ):
        self.model_type = model_type
        self.text_column = text_column
        self.numeric_columns = numeric_columns
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.target_params = target_params

    def make_transformer(self, n_rows: int) -> ColumnTransformer:
        parts: list[tuple[str, Any, Any]] = [("text", build_text_vectorizer(self.model_type, n_rows), self.text_column)]
        if self.numeric_columns:
            parts.append(("numeric", StandardScaler(), list(self.numeric_columns)))
            if self.model_type in BINNED_MODEL_TYPES:
                parts.append(("numeric_bins", NumericBins(weight=BIN_WEIGHT), list(self.numeric_columns)))
        return ColumnTransformer(parts, sparse_threshold=1.0)

    def make_classifier(self, target: str, n_rows: int | None = None):
        params = (self.target_params or {}).get(target)
        return build_classifier(self.model_type, self.random_state, self.n_jobs, params, n_rows)

    def fit(
        self,
        X: pd.DataFrame,
        Y: pd.DataFrame,
        *,
        on_target: Callable[[int, int, str], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
        on_transformer_fitted: Callable[[], None] | None = None,
    ) -> EquipmentClassifier:
        """Fit the shared transformer, then one classifier per target.

        ``on_transformer_fitted`` is called once the transformer is fitted, before
        the classifiers: from then on :meth:`transform` works (the run uses it to
        transform the held-out rows while the classifiers fit).
        """
        self.targets_ = list(Y.columns)
        self.confidence_scales_ = {}  # fitted later on held-out rows, by predict_and_calibrate
        self.transformer_ = self.make_transformer(len(X))
        features = self.transformer_.fit_transform(X)
        if hasattr(features, "tocsr"):
            features = features.tocsr()
        if on_transformer_fitted is not None:
            on_transformer_fitted()
        self.estimators_ = {}
        self.shared_with_ = {}
        fitted: dict[tuple[bytes, str], tuple[str, Any, np.ndarray]] = {}
        for i, target in enumerate(self.targets_):
            if should_stop is not None and should_stop():
                raise Cancelled(target)
            y = Y[target].to_numpy()
            key = (partition_key(y), repr(sorted(((self.target_params or {}).get(target) or {}).items())))
            if key in fitted:
                source, estimator, source_y = fitted[key]
                self.estimators_[target] = RelabeledClassifier(estimator, _label_map(source_y, y))
                self.shared_with_[target] = source
            else:
                if len(np.unique(y)) < 2:
                    estimator = ConstantClassifier().fit(features, y)
                else:
                    with warnings.catch_warnings():
                        # logreg and sgd stop after a fixed number of passes on purpose
                        warnings.simplefilter("ignore", ConvergenceWarning)
                        estimator = self.make_classifier(target, features.shape[0]).fit(features, y)
                    _coefficients_as_float32(estimator)
                fitted[key] = (target, estimator, y)
                self.estimators_[target] = estimator
            if on_target is not None:
                on_target(i + 1, len(self.targets_), target)
        if self.shared_with_:
            log.info(
                "Targets grouping the rows like an earlier target reuse its classifier: %s",
                ", ".join(f"{t} <- {s}" for t, s in self.shared_with_.items()),
            )
        return self

    def transform(self, X: pd.DataFrame):
        return self.transformer_.transform(X)

    def predict(self, X: pd.DataFrame) -> pd.DataFrame:
        predictions, _ = self.predict_with_confidence(X, confidence=False)
        return predictions

    @property
    def confidence_scales(self) -> dict[str, float]:
        """Fitted softmax scale per margin classifier, keyed by the target that owns it."""
        return getattr(self, "confidence_scales_", {})  # models saved before calibration have none

    def adopt_confidence_scales(self, calibrated: EquipmentClassifier) -> None:
        """Take the scales fitted for ``calibrated``, the same model fitted on fewer rows.

        A scale is only taken where this model's classifier for the target is of
        the same kind with the same classes (above ``LARGE_DATA_ROWS`` the refit
        may use another classifier, whose scores are on another scale); the
        others keep the default and are listed by :meth:`uncalibrated_targets`.
        """
        adopted = {}
        for target, scale in calibrated.confidence_scales.items():
            mine, theirs = self.estimators_.get(target), calibrated.estimators_.get(target)
            if (
                target not in self.shared_with_
                and type(mine) is type(theirs)
                and np.array_equal(np.asarray(mine.classes_), np.asarray(theirs.classes_))
            ):
                adopted[target] = scale
        self.confidence_scales_ = adopted

    def uncalibrated_targets(self) -> list[str]:
        """Targets whose confidence is a margin softmax with the default scale (no fitted one)."""
        out = []
        for target in self.targets_:
            owner = self.shared_with_.get(target, target)
            estimator = self.estimators_[owner]
            if isinstance(estimator, ConstantClassifier) or _has_probabilities(estimator):
                continue
            if owner not in self.confidence_scales:
                out.append(target)
        return out

    def predict_and_calibrate(self, X: pd.DataFrame, Y: pd.DataFrame, features=None) -> pd.DataFrame:
        """Predict held-out rows and fit each margin classifier's confidence scale on them.

        One transform serves both (``features``: ``transform(X)`` computed
        beforehand, as :class:`HeldOutFeatures` does).  Rows whose class the
        classifier never saw are left out of the fit; with fewer than
        ``MIN_CALIBRATION_ROWS`` usable rows the default scale stays.
        Predictions are what :meth:`predict` gives.
        """
        if features is None:
            features = self.transform(X)
        if hasattr(features, "tocsr"):
            features = features.tocsr()
        predictions: dict[str, np.ndarray] = {}
        scales: dict[str, float] = {}
        for target in self.targets_:
            estimator = self.estimators_[target]
            if isinstance(estimator, RelabeledClassifier):
                # Its classifier belongs to an earlier target, predicted and calibrated there.
                source = predictions[self.shared_with_[target]]
                predictions[target] = estimator.relabel(source)
                continue
            if _has_probabilities(estimator) or not hasattr(estimator, "decision_function"):
                predictions[target] = estimator.predict(features)
                continue
            # One pass of decision scores gives both the predictions and the scale's fit.
            scores = decision_scores(estimator, features)
            predictions[target] = predict_from_scores(estimator, scores)
            true_columns = pd.Index(estimator.classes_).get_indexer(Y[target].to_numpy())  # -1: class never seen
            rows = np.flatnonzero(true_columns >= 0)
            if len(rows) < MIN_CALIBRATION_ROWS:
                continue
            if len(rows) > MAX_CALIBRATION_ROWS:  # plenty for one parameter, and bounded cost on big data
                rows = np.sort(np.random.default_rng(0).choice(rows, MAX_CALIBRATION_ROWS, replace=False))
            scales[target] = fit_margin_scale(_as_logits(scores)[rows], true_columns[rows])
        self.confidence_scales_ = scales
        return pd.DataFrame(predictions)

    def blank_numeric(self, features, columns):
        """Zero the features of numeric ``columns`` (scaled value and bins): "unknown", not a value."""
        if not columns:
            return features
        where = self.transformer_.output_indices_
        order = list(self.numeric_columns)
        drop: list[int] = []
        bins = self.transformer_.named_transformers_.get("numeric_bins")
        for name in columns:
            j = order.index(name)
            if "numeric" in where:
                drop.append(where["numeric"].start + j)
            if bins is not None and "numeric_bins" in where:
                start = where["numeric_bins"].start + sum(len(e) + 1 for e in bins.edges_[:j])
                drop.extend(range(start, start + len(bins.edges_[j]) + 1))
        mask = np.ones(features.shape[1], dtype=features.dtype)
        mask[drop] = 0
        return sp.csr_matrix(features) @ sp.diags(mask)

    def predict_with_confidence(self, X: pd.DataFrame, confidence: bool = True, unknown_numeric=()):
        """Predictions and confidences per target; ``unknown_numeric`` columns are treated as unknown."""
        features = self.blank_numeric(self.transform(X), [c for c in unknown_numeric if c in self.numeric_columns])
        predictions = {}
        scores = {}
        done: dict[int, tuple[np.ndarray, np.ndarray | None]] = {}
        for target in self.targets_:
            estimator = self.estimators_[target]
            base = estimator.estimator if isinstance(estimator, RelabeledClassifier) else estimator
            if id(base) not in done:
                scale = self.confidence_scales.get(self.shared_with_.get(target, target), MARGIN_SOFTMAX_SCALE)
                done[id(base)] = _predict_one(base, features, scale, confidence)
            predicted, score = done[id(base)]
            if isinstance(estimator, RelabeledClassifier):
                predicted = estimator.relabel(predicted)
            predictions[target] = predicted
            if confidence:
                scores[target] = score
        return pd.DataFrame(predictions), pd.DataFrame(scores)


class HeldOutFeatures:
    """The features of held-out rows, computed on a background thread.

    Started by the train stage as soon as the transformer is fitted: the
    classifiers then fit in compiled code that releases the GIL, so on a machine
    with a second core the held-out rows are transformed while they fit instead
    of afterwards.  The rows go through in chunks (a row's features depend only
    on the row and the fitted transformer, so the result is the same matrix) and
    :meth:`cancel` stops the work after the current chunk.
    """

    CHUNK_ROWS = 2000
    # Above this many held-out rows their features are not held during the fits (memory at 1M rows).
    MAX_ROWS = LARGE_DATA_ROWS

    def __init__(self, transform: Callable[[pd.DataFrame], Any], X: pd.DataFrame):
        self._transform = transform
        self._X = X
        self._stop = threading.Event()
        self._result: Any = None
        self._error: BaseException | None = None
        self.seconds = 0.0  # how long the transform took on its thread
        self._thread = threading.Thread(target=self._run, name="nexusml-held-out-features", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            X, parts = self._X, []
            for start in range(0, max(len(X), 1), self.CHUNK_ROWS):
                if self._stop.is_set():
                    return
                part = self._transform(X.iloc[start : start + self.CHUNK_ROWS])
                parts.append(part.tocsr() if hasattr(part, "tocsr") else part)
            self._result = parts[0] if len(parts) == 1 else sp.vstack(parts, format="csr")
        except BaseException as exc:  # handed to whoever asks for the result
            self._error = exc
        finally:
            self._X = None
            self.seconds = time.perf_counter() - started

    def cancel(self) -> None:
        self._stop.set()

    def result(self):
        """The transformed rows (waits for them); re-raises what the transform raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        if self._result is None:
            raise RuntimeError("the held-out rows' transform was cancelled")
        return self._result


def _predict_one(estimator, features, scale: float, confidence: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """One classifier's predictions and (if asked) confidences.

    A margin model (LinearSVC, hinge SGD) is scored once for both; a model with
    probabilities gets them from its own ``predict_proba``.
    """
    if not isinstance(estimator, LINEAR_CLASSIFIERS):
        return estimator.predict(features), confidence_scores(estimator, features, scale) if confidence else None
    scores = decision_scores(estimator, features)
    predicted = predict_from_scores(estimator, scores)
    if not confidence:
        return predicted, None
    if _has_probabilities(estimator):
        return predicted, confidence_scores(estimator, features, scale)
    return predicted, _softmax_max(_as_logits(scores) * scale)


def _coefficients_as_float32(estimator) -> None:
    """Keep a linear model's weights in float32 (the dtype of the default model's TF-IDF features).

    The weights are most of a saved model (classes x features); float32 halves the
    file and the time to write and load it.  Scores move by about 1e-8, which
    changed no prediction on the bundled data or the asset register.
    """
    coef = getattr(estimator, "coef_", None)
    if isinstance(coef, np.ndarray) and coef.dtype == np.float64:
        estimator.coef_ = coef.astype(np.float32)


def _label_map(source: np.ndarray, target: np.ndarray) -> dict[Any, Any]:
    pairs = pd.DataFrame({"s": pd.Series(source, dtype=object), "t": pd.Series(target, dtype=object)})
    pairs = pairs.drop_duplicates("s")
    return dict(zip(pairs["s"], pairs["t"], strict=True))


class RelabeledClassifier(BaseEstimator):
    """Another target's fitted classifier whose class names are mapped to this target's names."""

    def __init__(self, estimator, mapping: dict[Any, Any]):
        self.estimator = estimator
        self.mapping = mapping

    @property
    def classes_(self) -> np.ndarray:
        return np.array([self.mapping[c] for c in self.estimator.classes_], dtype=object)

    def relabel(self, predicted: np.ndarray) -> np.ndarray:
        return np.array([self.mapping[p] for p in predicted], dtype=object)

    def predict(self, X) -> np.ndarray:
        return self.relabel(self.estimator.predict(X))

    def decision_function(self, X):
        return self.estimator.decision_function(X)

    def predict_proba(self, X):
        return self.estimator.predict_proba(X)


class ConstantClassifier(BaseEstimator):
    """A target with a single class in the training data always predicts it."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(X.shape[0], self.classes_[0], dtype=object)

    def predict_proba(self, X):
        return np.ones((X.shape[0], 1))


def _has_probabilities(estimator) -> bool:
    if isinstance(estimator, RelabeledClassifier):
        return _has_probabilities(estimator.estimator)
    if isinstance(estimator, SGDClassifier):
        return estimator.loss in ("log_loss", "modified_huber")
    return hasattr(estimator, "predict_proba")


def decision_scores(estimator, features) -> np.ndarray:
    """``estimator.decision_function(features)``, scoring only the feature columns the rows use.

    For a linear model on sparse rows this gives the same numbers as
    scikit-learn, bit for bit (the same products summed in the same order), but
    it never converts the whole weight matrix: float32 weights scored against
    float64 rows would otherwise be copied to float64 in full (classes x
    features) on every call, which is most of the cost of predicting a few rows.
    Any other model is asked for its ``decision_function``.
    """
    coef = getattr(estimator, "coef_", None)
    intercept = getattr(estimator, "intercept_", None)
    if not (sp.issparse(features) and isinstance(coef, np.ndarray) and coef.ndim == 2 and intercept is not None):
        return estimator.decision_function(features)
    features = features.tocsr()
    if features.shape[1] != coef.shape[1]:
        raise ValueError(f"X has {features.shape[1]} features, but the model expects {coef.shape[1]}")
    used = np.zeros(features.shape[1], dtype=bool)
    used[features.indices] = True
    columns = np.flatnonzero(used)
    position = np.cumsum(used, dtype=features.indices.dtype) - 1  # old column -> column in the compact matrix
    compact = sp.csr_matrix(
        (features.data, position[features.indices], features.indptr), shape=(features.shape[0], len(columns))
    )
    weights = np.ascontiguousarray(coef[:, columns].T, dtype=np.result_type(features.dtype, coef.dtype))
    scores = compact @ weights + intercept
    return scores.ravel() if scores.shape[1] == 1 else scores


def predict_from_scores(estimator, scores: np.ndarray) -> np.ndarray:
    """The class a linear model predicts from its decision scores (as its ``predict`` does)."""
    scores = np.asarray(scores)
    chosen = (scores > 0).astype(int) if scores.ndim == 1 else scores.argmax(axis=1)
    return np.asarray(estimator.classes_)[chosen]


def _margin_logits(estimator, features) -> np.ndarray:
    """Decision scores as one column per class (a binary model's single score becomes [0, score])."""
    return _as_logits(decision_scores(estimator, features))


def _as_logits(scores) -> np.ndarray:
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim == 1:
        scores = np.column_stack([np.zeros_like(scores), scores])
    return scores


def _softmax_max(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    weights = np.exp(shifted)
    return 1.0 / weights.sum(axis=1)  # the largest weight is exp(0) = 1


def confidence_scores(estimator, features, scale: float = MARGIN_SOFTMAX_SCALE) -> np.ndarray:
    """Confidence of each prediction in [0, 1].

    The probability of the predicted class for models that have probabilities;
    for margin models (LinearSVC) a softmax over the decision scores times
    ``scale``, the temperature fitted on held-out rows by
    :meth:`EquipmentClassifier.predict_and_calibrate` (``MARGIN_SOFTMAX_SCALE``
    when there were too few of them).
    """
    if _has_probabilities(estimator):
        proba = estimator.predict_proba(features)
        return np.clip(np.asarray(proba, dtype=float).max(axis=1), 0.0, 1.0)
    return _softmax_max(_margin_logits(estimator, features) * scale)


def fit_margin_scale(logits: np.ndarray, true_columns: np.ndarray) -> float:
    """The scale (inverse temperature) that minimises the log loss of softmax(scale * logits).

    ``true_columns`` holds each row's true class as a column index of ``logits``.
    Temperature scaling: one parameter, so it changes no prediction, only how
    sure the confidences are.  The labels are smoothed by Laplace's rule of
    succession (a share 1 / (rows + 2) of each row's weight goes to the other
    classes): held-out rows that are all predicted right would otherwise push
    the scale to its bound and every later confidence to 1.0.  The loss is
    convex in the scale, so a safeguarded Newton search (bisection whenever a
    step leaves the bracket) finds it in a handful of passes over the rows.
    """
    logits = np.asarray(logits, dtype=np.float64)
    n_rows, n_classes = logits.shape
    smoothing = 1.0 / (n_rows + 2)
    own = logits[np.arange(n_rows), true_columns]
    others = (logits.sum(axis=1) - own) / max(n_classes - 1, 1)
    true_logits = (1.0 - smoothing) * own + smoothing * others  # the smoothed labels' expected logit

    def slope_and_curvature(scale: float) -> tuple[float, float]:
        shifted = scale * logits
        shifted -= shifted.max(axis=1, keepdims=True)
        weights = np.exp(shifted)
        weights /= weights.sum(axis=1, keepdims=True)
        expected = (weights * logits).sum(axis=1)
        spread = (weights * logits * logits).sum(axis=1) - expected * expected
        return float(np.mean(expected - true_logits)), float(np.mean(spread))

    low, high = MIN_MARGIN_SCALE, MAX_MARGIN_SCALE
    if slope_and_curvature(low)[0] >= 0:
        return low
    if slope_and_curvature(high)[0] <= 0:
        return high
    scale = min(max(MARGIN_SOFTMAX_SCALE, low), high)
    for _ in range(60):
        slope, curvature = slope_and_curvature(scale)
        if slope > 0:
            high = scale
        else:
            low = scale
        step = scale - slope / curvature if curvature > 0 else np.nan
        following = step if low < step < high else float(np.sqrt(low * high))
        if abs(following - scale) <= 1e-7 * scale:
            return float(following)
        scale = following
    return float(scale)


def clone_unfitted(model: EquipmentClassifier) -> EquipmentClassifier:
    return clone(model)
