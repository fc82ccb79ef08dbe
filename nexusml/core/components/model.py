"""The multi-target equipment classifier.

One feature transformer (text TF-IDF plus scaled numeric columns) is fitted once
and shared by one classifier per target.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

log = logging.getLogger(__name__)

# Tokens keep codes and sizes together: "d3050", "500-ton", "23-33", "1/2".
TOKEN_PATTERN = r"(?u)\b\w[\w./-]*\w\b|\b\w\b"

SMALL_DATA_ROWS = 30


class Cancelled(Exception):
    """Raised when a cancel request is seen inside a long step."""


def _vectorizer_kwargs(n_rows: int, **kwargs: Any) -> dict[str, Any]:
    if n_rows < SMALL_DATA_ROWS:
        kwargs["min_df"] = 1
        kwargs["max_df"] = 1.0
    return kwargs


def build_text_vectorizer(model_type: str, n_rows: int) -> BaseEstimator:
    if model_type == "random_forest":
        return TfidfVectorizer(
            **_vectorizer_kwargs(
                n_rows, ngram_range=(1, 3), max_features=5000, min_df=2, max_df=0.9, sublinear_tf=True
            )
        )
    word = TfidfVectorizer(
        **_vectorizer_kwargs(
            n_rows,
            analyzer="word",
            ngram_range=(1, 2),
            sublinear_tf=True,
            lowercase=True,
            token_pattern=TOKEN_PATTERN,
            min_df=1,
            dtype=np.float32,
        )
    )
    char = TfidfVectorizer(
        **_vectorizer_kwargs(
            n_rows, analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True, min_df=2,
            dtype=np.float32,
        )
    )
    return FeatureUnion([("word", word), ("char", char)])


def build_classifier(model_type: str, random_state: int, n_jobs: int, params: dict[str, Any] | None = None):
    params = dict(params or {})
    if model_type == "random_forest":
        base = RandomForestClassifier(
            n_estimators=200, class_weight="balanced_subsample", random_state=random_state, n_jobs=n_jobs
        )
    elif model_type in ("linear", "linear_svc"):
        base = LinearSVC(C=0.5, class_weight="balanced", random_state=random_state)
    elif model_type == "logreg":
        base = LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000, random_state=random_state)
    elif model_type == "sgd":
        base = SGDClassifier(
            loss="modified_huber", alpha=1e-5, class_weight="balanced", max_iter=50, tol=1e-4,
            random_state=random_state,
        )
    else:
        raise ValueError(f"unknown model type {model_type!r}")
    return base.set_params(**params) if params else base


SEARCH_GRIDS: dict[str, dict[str, list[Any]]] = {
    "linear": {"C": [0.1, 0.3, 1.0, 3.0]},
    "linear_svc": {"C": [0.1, 0.3, 1.0, 3.0]},
    "logreg": {"C": [1.0, 10.0, 30.0]},
    "sgd": {"alpha": [1e-6, 1e-5, 1e-4]},
    "random_forest": {"n_estimators": [100, 200], "max_features": ["sqrt", 0.2]},
}


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
        parts: list[tuple[str, Any, Any]] = [
            ("text", build_text_vectorizer(self.model_type, n_rows), self.text_column)
        ]
        if self.numeric_columns:
            parts.append(("numeric", StandardScaler(), list(self.numeric_columns)))
        return ColumnTransformer(parts, sparse_threshold=1.0)

    def make_classifier(self, target: str):
        params = (self.target_params or {}).get(target)
        return build_classifier(self.model_type, self.random_state, self.n_jobs, params)

    def fit(
        self,
        X: pd.DataFrame,
        Y: pd.DataFrame,
        *,
        on_target: Callable[[int, int, str], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> "EquipmentClassifier":
        self.targets_ = list(Y.columns)
        self.transformer_ = self.make_transformer(len(X))
        features = self.transformer_.fit_transform(X)
        self.estimators_ = {}
        for i, target in enumerate(self.targets_):
            if should_stop is not None and should_stop():
                raise Cancelled(target)
            y = Y[target].to_numpy()
            classes = np.unique(y)
            if len(classes) < 2:
                estimator = ConstantClassifier().fit(features, y)
            else:
                estimator = self.make_classifier(target).fit(features, y)
            self.estimators_[target] = estimator
            if on_target is not None:
                on_target(i + 1, len(self.targets_), target)
        return self

    def transform(self, X: pd.DataFrame):
        return self.transformer_.transform(X)

    def predict(self, X: pd.DataFrame) -> pd.DataFrame:
        predictions, _ = self.predict_with_confidence(X, confidence=False)
        return predictions

    def predict_with_confidence(self, X: pd.DataFrame, confidence: bool = True):
        features = self.transform(X)
        predictions = {}
        scores = {}
        for target in self.targets_:
            estimator = self.estimators_[target]
            predictions[target] = estimator.predict(features)
            if confidence:
                scores[target] = confidence_scores(estimator, features)
        return pd.DataFrame(predictions), pd.DataFrame(scores)


class ConstantClassifier(BaseEstimator):
    """A target with a single class in the training data always predicts it."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(X.shape[0], self.classes_[0], dtype=object)

    def predict_proba(self, X):
        return np.ones((X.shape[0], 1))


def confidence_scores(estimator, features) -> np.ndarray:
    """Probability of the predicted class, or a softmax of decision scores for margin models."""
    if hasattr(estimator, "predict_proba") and not isinstance(estimator, SGDClassifier) or (
        isinstance(estimator, SGDClassifier) and estimator.loss in ("log_loss", "modified_huber")
    ):
        proba = estimator.predict_proba(features)
        return np.asarray(proba).max(axis=1)
    scores = np.asarray(estimator.decision_function(features), dtype=float)
    if scores.ndim == 1:
        return 1.0 / (1.0 + np.exp(-np.abs(scores)))
    scores = scores - scores.max(axis=1, keepdims=True)
    weights = np.exp(scores * 3.0)
    return (weights / weights.sum(axis=1, keepdims=True)).max(axis=1)


def clone_unfitted(model: EquipmentClassifier) -> EquipmentClassifier:
    return clone(model)
