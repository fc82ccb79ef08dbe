"""A frame as CSV text, the bytes pandas' ``to_csv(index=False)`` writes, built in compiled code.

pandas formats each cell in a Python-level loop: 1.7 s for a coded file of 100,000 rows and 29
columns, as long as predicting it.  Here each column becomes an Arrow string array (numbers formatted
as Python's ``repr``, booleans ``True``/``False``, a blank cell empty), a cell is quoted when pandas
would (it holds a comma, a quote or a character of the line end; quotes doubled), and the columns are joined row by
row with Arrow's compute kernels.

:func:`csv_text` gives pandas' own output whenever a column holds something else (dates, categories,
mixed objects), the frame has a single column (where pandas quotes an empty cell) or no rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

# Floats whose shortest digits Arrow lays out as Python's repr does (repr turns to an exponent below 1e-4 and
# from 1e16, Arrow from other limits): the others (rare in a table) are formatted one by one.
_PLAIN_FLOATS = (1e-4, 1e10)


def csv_text(frame: pd.DataFrame, lineterminator: str) -> str:
    """``frame.to_csv(index=False, lineterminator=lineterminator)``, the same text, faster."""
    columns = None if frame.shape[1] < 2 or len(frame) == 0 else _as_text(frame)
    if columns is None:
        return frame.to_csv(index=False, lineterminator=lineterminator)
    import pyarrow.compute as pc

    special = ',"' + lineterminator  # what pandas quotes a cell for: the comma, the quote, the line end's characters
    cells = [_quoted(c, special) if text else c for c, text in columns]
    rows = pc.binary_join_element_wise(*cells, ",", null_handling="replace", null_replacement="")
    header = ",".join(_quote_one(str(c), special) for c in frame.columns)
    body = lineterminator.join(rows.to_pylist())
    return header + lineterminator + body + lineterminator


def _as_text(frame: pd.DataFrame) -> list[tuple[Any, bool]] | None:
    """Each column's cells as text, and whether it holds free text (numbers and booleans never need quotes)."""
    out = []
    for _, column in frame.items():
        text = _column_text(column)
        if text is None:
            return None
        out.append((text, isinstance(column.dtype, pd.StringDtype) or pd.api.types.is_object_dtype(column.dtype)))
    return out


def _column_text(column: pd.Series) -> Any:
    """The column's cells as pandas writes them (an Arrow string array; blank cells null), or None."""
    import pyarrow as pa

    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        values = column.to_numpy(dtype=object, na_value=None)
        return pa.array([None if v is None else ("True" if v else "False") for v in values], type=pa.string())
    if pd.api.types.is_integer_dtype(dtype):
        return pa.array(column, from_pandas=True).cast(pa.string())
    if pd.api.types.is_float_dtype(dtype) and not isinstance(dtype, pd.ArrowDtype):
        return _float_text(column.to_numpy(dtype=np.float64, na_value=np.nan))
    if isinstance(dtype, pd.StringDtype):
        return pa.array(column, from_pandas=True).cast(pa.string())
    if pd.api.types.is_object_dtype(dtype) and pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty"):
        return pa.array(column.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    return None


def _float_text(values: np.ndarray) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array(values, from_pandas=True).cast(pa.string())
    size = np.abs(values)
    odd = np.isfinite(values) & (size != 0) & ((size < _PLAIN_FLOATS[0]) | (size >= _PLAIN_FLOATS[1]))
    odd |= np.isinf(values)
    # Arrow writes 1.0 as "1" and -0.0 as "-0": repr keeps a decimal point
    whole = pc.match_substring_regex(text, r"^-?\d+$")
    text = pc.if_else(whole, pc.binary_join_element_wise(text, ".0", ""), text)
    if odd.any():
        patched = np.asarray(text.to_pylist(), dtype=object)
        patched[odd] = [repr(float(v)) for v in values[odd]]
        text = pa.array(patched, type=pa.string())
    return text


def _quoted(text: Any, special: str) -> Any:
    import re

    import pyarrow.compute as pc

    needs = pc.match_substring_regex(text, "[" + re.escape(special) + "]")
    if not pc.any(needs).as_py():
        return text
    escaped = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
    return pc.if_else(needs, escaped, text)


def _quote_one(text: str, special: str) -> str:
    if any(c in text for c in special):
        return '"' + text.replace('"', '""') + '"'
    return text
