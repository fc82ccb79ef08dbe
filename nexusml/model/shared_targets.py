"""Targets that group the rows alike share one fitted classifier and only rename its classes.

``Equipment_Type`` and ``System_Subtype`` are both "system + category" under
other names: :func:`partition_key` is equal for such targets, and the later one
gets a :class:`RelabeledClassifier` over the earlier one's classifier, with the
class names mapped by :func:`label_map`.

Files saved before it moved here name it in the model module: ``nexusml.store.renames`` reads them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator


def partition_key(y: np.ndarray) -> bytes:
    """Equal for two label arrays that group the rows identically, whatever the labels are called."""
    codes, _ = pd.factorize(pd.Series(y, dtype=object), sort=False)
    return codes.astype(np.int32).tobytes()


def label_map(source: np.ndarray, target: np.ndarray) -> dict[Any, Any]:
    """Each class of ``source`` -> the class of ``target`` in the same rows (the two group the rows alike)."""
    pairs = pd.DataFrame({"s": pd.Series(source, dtype=object), "t": pd.Series(target, dtype=object)})
    pairs = pairs.drop_duplicates("s")
    return dict(zip(pairs["s"], pairs["t"], strict=True))


class RelabeledClassifier(BaseEstimator):
    """Another target's fitted classifier whose class names are mapped to this target's names."""

    def __init__(self, estimator: Any, mapping: dict[Any, Any]):
        self.estimator = estimator
        self.mapping = mapping

    @property
    def classes_(self) -> np.ndarray:
        return np.array([self.mapping[c] for c in self.estimator.classes_], dtype=object)

    def relabel(self, predicted: np.ndarray) -> np.ndarray:
        return np.array([self.mapping[p] for p in predicted], dtype=object)

    def predict(self, X: Any) -> np.ndarray:
        return self.relabel(self.estimator.predict(X))

    def decision_function(self, X: Any) -> Any:
        return self.estimator.decision_function(X)

    def predict_proba(self, X: Any) -> Any:
        return self.estimator.predict_proba(X)
