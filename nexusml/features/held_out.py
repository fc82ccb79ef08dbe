"""The held-out rows' features, computed on a background thread while the classifiers fit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pandas as pd
import scipy.sparse as sp

from nexusml.model.factory import LARGE_DATA_ROWS


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
    # Above this many held-out rows their features are not held during the fits (memory: at 1M rows,
    # 300,000 held-out rows add 0.4 GiB while the classifiers fit, below the vectorizer's own peak).
    MAX_ROWS = 2 * LARGE_DATA_ROWS

    def __init__(self, transform: Callable[[pd.DataFrame], Any], X: pd.DataFrame):
        self._transform = transform
        self._X: Any = X  # released once transformed
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

    def result(self) -> Any:
        """The transformed rows (waits for them); re-raises what the transform raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        if self._result is None:
            raise RuntimeError("the held-out rows' transform was cancelled")
        return self._result
