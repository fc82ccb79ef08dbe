"""Numbers outside the range a model was trained on: which rows, which columns, and one warning line.

A linear model extrapolates: one value far past anything it was fitted on (a
service life of 100 where the training rows had 10 to 40) outweighs the text
and gives every row the same class.  The model's transformer clips each numeric
column to its training range (``transformers.RangeClipper``), and prediction
reads a value outside it as unknown in its row (``EquipmentClassifier.transform_rows``),
as it reads a column the input lacks: clipped, it would read as the end of the
range, which is itself a strong sign of some class.  The value is still one the
model never saw (a typo, other units, equipment unlike the training rows), so
the prediction output flags those rows in the :data:`FLAG_COLUMN` column and the
caller logs :meth:`OutOfRange.warning` once.  Not flagged: a blank cell (it
takes the column's fill value, read as unknown too when that is out of range)
and a column the input lacks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from nexusml.errors import printable

FLAG_COLUMN = "out_of_range"


@dataclass(frozen=True)
class OutOfRange:
    """Per row, the numeric input columns whose value lies outside the model's training range."""

    columns: np.ndarray  # per row: those input columns joined by ", " ("" for a row inside every range), object
    counts: dict[str, int]  # per input column with such a value: the number of rows
    ranges: dict[str, tuple[float, float]]  # per numeric input column the model clips: (lowest, highest) in training

    @classmethod
    def from_masks(
        cls, outside: dict[str, np.ndarray], ranges: dict[str, tuple[float, float]], n_rows: int
    ) -> OutOfRange:
        """From one boolean array per input column (true where the row's value is outside its range)."""
        columns = np.full(n_rows, "", dtype=object)
        for name, mask in outside.items():
            named = columns[mask]
            columns[mask] = np.where(named == "", name, named + ", " + name)
        counts = {name: int(mask.sum()) for name, mask in outside.items() if mask.any()}
        return cls(columns, counts, dict(ranges))

    @classmethod
    def join(cls, parts: Sequence[OutOfRange]) -> OutOfRange:
        """The parts' rows one after the other (the chunks of one file, predicted by one model)."""
        if not parts:
            return cls.none(0)
        counts: dict[str, int] = {}
        for part in parts:
            for name, count in part.counts.items():
                counts[name] = counts.get(name, 0) + count
        return cls(np.concatenate([p.columns for p in parts]), counts, dict(parts[0].ranges))

    @classmethod
    def none(cls, n_rows: int) -> OutOfRange:
        return cls(np.full(n_rows, "", dtype=object), {}, {})

    @property
    def rows(self) -> np.ndarray:
        """Whether each row has a number outside the training range."""
        return self.columns != ""

    def warning(self, flagged: bool = True) -> str | None:
        """One line naming each column, its number of rows and its training range; ``None`` when no row is outside.

        ``flagged``: the output has the :data:`FLAG_COLUMN` column (the line says so).
        """
        if not self.counts:
            return None
        parts = []
        for name, count in self.counts.items():
            low, high = self.ranges[name]
            parts.append(f"'{printable(name)}' in {count} row(s) (the training rows had {low:g} to {high:g})")
        return (
            f"{int(self.rows.sum())} row(s) have a number outside the range the model was trained on: "
            f"{'; '.join(parts)}; those numbers were read as unknown"
            + (f", and the rows are flagged in the {FLAG_COLUMN} column" if flagged else "")
        )
