"""Feature transformers of the model's own (the rest are scikit-learn's)."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted


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

    def fit(self, X: Any, y: Any = None) -> NumericBins:
        values = _as_columns(X)
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
        values = _as_columns(X)
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


def _as_columns(X: Any) -> np.ndarray:
    values = np.asarray(X, dtype=np.float64)
    return values.reshape(-1, 1) if values.ndim == 1 else values
