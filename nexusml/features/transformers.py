"""Feature transformers of the model's own (the rest are scikit-learn's)."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data


class NumericBins(TransformerMixin, BaseEstimator):
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

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # an unknown number is a missing one
        tags.transformer_tags.preserves_dtype = []  # float32 bins, whatever the input
        return tags

    def fit(self, X: Any, y: Any = None) -> NumericBins:
        values = _checked(self, X, reset=True)
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

    def transform(self, X: Any) -> sp.csr_matrix:
        check_is_fitted(self, "edges_")
        values = _checked(self, X, reset=False)
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

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.array([f"bin{i}" for i in range(self.n_features_out_)], dtype=object)


class RangeClipper(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Numeric columns clipped to the range each had in training (the lowest to the highest finite value).

    A linear model extrapolates: one value far past anything it was fitted on
    (a service life of 100 where training saw 10 to 40) outweighs the text and
    gives every row the same class.  Clipped, it counts as the nearest value the
    model knows; prediction goes further and reads it as unknown (``ranges``).
    Missing values stay missing; a column without a finite value in training is
    not clipped.  :meth:`outside` says which values are clipped.

    ``dtype`` (``"float32"``) is the type of the clipped values, so the scaled
    columns joined to float32 TF-IDF features keep the whole matrix float32
    (float64 ones made it float64: at 1M rows 0.5 GiB more, and a slower fit).
    """

    def __init__(self, dtype: str | None = None):
        self.dtype = dtype

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # missing values stay missing
        return tags

    def fit(self, X: Any, y: Any = None) -> RangeClipper:
        values = _checked(self, X, reset=True)
        finite = np.isfinite(values)
        seen = finite.any(axis=0)
        self.data_min_ = np.where(seen, np.min(values, axis=0, where=finite, initial=np.inf), -np.inf)
        self.data_max_ = np.where(seen, np.max(values, axis=0, where=finite, initial=-np.inf), np.inf)
        return self

    def transform(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "data_min_")
        clipped = np.clip(_checked(self, X, reset=False), self.data_min_, self.data_max_)
        dtype = getattr(self, "dtype", None)  # None in models saved before it
        return clipped.astype(dtype, copy=False) if dtype else clipped

    def outside(self, X: Any) -> np.ndarray:
        """Rows x columns: whether the value lies outside the training range (missing values do not)."""
        check_is_fitted(self, "data_min_")
        values = _checked(self, X, reset=False)
        return (values < self.data_min_) | (values > self.data_max_)


def _checked(estimator: BaseEstimator, X: Any, reset: bool) -> np.ndarray:
    """``X`` as a float64 matrix, checked as scikit-learn checks input: 2-D, dense, numbers (NaN and inf pass: the
    bins and the clipper place them), and at transform time the columns (number and names) it was fitted on.  A
    transformer saved before it recorded them (NexusML 2.0's bins) is checked for numbers only."""
    if not reset and not hasattr(estimator, "n_features_in_"):
        X = np.asarray(X)
    return validate_data(estimator, X, reset=reset, dtype=np.float64, ensure_all_finite=False)
