"""The fast CSV writer gives the bytes pandas' to_csv gives, for every kind of cell a coded file holds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nexusml.store.csv_format import csv_text

TEXT = ["", "a,b", 'q"uote', "line\nbreak", "cr\rx", " sp ", "é😀", None, "plain", "'=1+1", "0606", "tab\there"]
FLOATS = [0.1, 1.0, np.nan, 1e-05, 1e16, 123456789.123, -0.0, 2.5, 0.0, 0.9993, np.inf, -np.inf, 1e10, 99999.5]


def frames():
    rng = np.random.default_rng(4)
    n = 300
    yield pd.DataFrame(
        {
            "text": rng.choice(np.array(TEXT, dtype=object), n),
            "float": rng.choice(FLOATS, n),
            "rounded": np.round(rng.random(n), 4),
            "wide": rng.normal(0, 1e12, n),
            "tiny": rng.normal(0, 1e-6, n),
            "flag": rng.random(n) > 0.5,
            "count": rng.integers(-5, 10**12, n),
            "name, with comma": "x",
        }
    )
    strings = pd.array(rng.choice(np.array(TEXT, dtype=object), n), dtype="string")
    yield pd.DataFrame({"s": strings, "n": range(n)})
    nullable = pd.array([1, None, 3] * 10, dtype="Int64")
    yield pd.DataFrame({"nullable": nullable, "b": pd.array([True, None, False] * 10)})
    yield pd.DataFrame({"only": ["", "x", None]})  # one column: pandas quotes the empty cell
    yield pd.DataFrame({"a": [], "b": []})
    yield pd.DataFrame({"mixed": ["a", 1, 2.5], "when": pd.to_datetime(["2024-01-01"] * 3)})  # pandas' own path


@pytest.mark.parametrize("frame", list(frames()), ids=lambda f: ",".join(map(str, f.columns)))
@pytest.mark.parametrize("end", ["\r\n", "\n"])
def test_the_same_text_as_pandas(frame: pd.DataFrame, end: str) -> None:
    assert csv_text(frame, end) == frame.to_csv(index=False, lineterminator=end)
