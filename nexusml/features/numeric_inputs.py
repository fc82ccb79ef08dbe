"""The classifier's numeric columns at prediction: their training ranges, and numbers read as unknown.

Each numeric column becomes a scaled value and (for the binned model types)
one-hot bins.  The transformer clips the scaled value to the column's training
range (``transformers.RangeClipper``).  A number is read as unknown by zeroing
all of its column's features in the row: a column the input lacks, in every
row (:meth:`NumericInputs.blank_numeric`), and a value outside the training
range, in its row (:meth:`NumericInputs.blank_cells`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from nexusml.features.transformers import RangeClipper


class NumericInputs:
    """What ``EquipmentClassifier`` knows of its numeric columns once its transformer is fitted."""

    numeric_columns: tuple[str, ...]
    transformer_: ColumnTransformer

    def _clipper(self) -> RangeClipper | None:
        """The numeric columns' range clipper; None for a model saved before it (which does not clip)."""
        check_is_fitted(self, "transformer_")
        numeric = self.transformer_.named_transformers_.get("numeric")
        clipper = numeric.named_steps.get("clip") if isinstance(numeric, Pipeline) else None
        return clipper if isinstance(clipper, RangeClipper) else None

    def numeric_ranges(self) -> dict[str, tuple[float, float]]:
        """Per numeric column: the lowest and highest value of the training rows, to which values are clipped."""
        clipper = self._clipper()
        if clipper is None:
            return {}
        bounds = zip(self.numeric_columns, clipper.data_min_.tolist(), clipper.data_max_.tolist(), strict=True)
        return {column: (low, high) for column, low, high in bounds}

    def outside_range(self, X: pd.DataFrame) -> pd.DataFrame:
        """Per numeric column of :meth:`numeric_ranges`: whether each row's value is outside it."""
        clipper = self._clipper()
        if clipper is None:
            return pd.DataFrame(index=range(len(X)))
        columns = list(self.numeric_columns)
        return pd.DataFrame(clipper.outside(X[columns]), columns=columns)

    def _feature_columns_of(self, name: str) -> list[int]:
        """The transformed matrix's columns of numeric column ``name``: its scaled value and its bins."""
        where = self.transformer_.output_indices_
        j = list(self.numeric_columns).index(name)
        out: list[int] = []
        if "numeric" in where:
            out.append(where["numeric"].start + j)
        bins = self.transformer_.named_transformers_.get("numeric_bins")
        if bins is not None and "numeric_bins" in where:
            start = where["numeric_bins"].start + sum(len(e) + 1 for e in bins.edges_[:j])
            out.extend(range(start, start + len(bins.edges_[j]) + 1))
        return out

    def blank_numeric(self, features: Any, columns: Iterable[str]) -> Any:
        """Zero the features of numeric ``columns`` (scaled value and bins): "unknown", not a value."""
        drop = [i for name in columns for i in self._feature_columns_of(name)]
        if not drop:
            return features
        mask = np.ones(features.shape[1], dtype=features.dtype)
        mask[drop] = 0
        return sp.csr_matrix(features) @ sp.diags(mask)

    def blank_cells(self, features: Any, unknown: pd.DataFrame) -> Any:
        """Zero the features of the numbers ``unknown`` marks: per numeric column, true in the rows it is unknown."""
        rows, columns = [], []
        for name in unknown.columns:
            where = np.flatnonzero(unknown[name].to_numpy(dtype=bool))
            mine = self._feature_columns_of(name)
            rows.append(np.repeat(where, len(mine)))
            columns.append(np.tile(mine, len(where)))
        if not sum(map(len, rows)):
            return features
        matrix = sp.csr_matrix(features)
        r, c = np.concatenate(rows), np.concatenate(columns)
        drop = sp.csr_matrix((np.ones(len(r), dtype=matrix.dtype), (r, c)), shape=matrix.shape)
        out = (matrix - matrix.multiply(drop)).tocsr()
        out.eliminate_zeros()
        return out
