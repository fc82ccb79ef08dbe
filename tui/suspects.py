"""The training rows whose label looks wrong (a run's suspects file): why a run has none, the decisions taken on
them (a row corrected to a class, or its label kept), and the corrected copy of the training file they lead to.

No widget here: the results screen's Suspects tab (``tui.widgets.error_table``) shows the rows and records the
decisions, ``tui.corrections`` asks for the copy's path and offers to retrain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nexusml.errors import NexusMLError

if TYPE_CHECKING:
    import pandas as pd

    from nexusml.config import FeatureConfig

SUSPECT_FIELDS = ("row", "target", "label", "suggested", "score", "text")  # evaluation.suspects.SUSPECT_COLUMNS
COPY_SUFFIX = ".training.csv"


class CorrectionError(NexusMLError):
    """The corrected copy cannot be written; ``str()`` is the one-line reason."""


@dataclass(frozen=True)
class TrainingSource:
    """The file a run trained on, as its metadata records it, and the feature config that read it."""

    path: Path | None
    sheet: str | int | None = None
    config: dict[str, Any] = field(default_factory=dict)  # the metadata's feature_config
    config_file: str = ""  # the --feature-config the run was given ('': the default one)

    @classmethod
    def from_metadata(cls, metadata: dict[str, Any]) -> TrainingSource:
        data, arguments = _mapping(metadata.get("data")), _mapping(metadata.get("arguments"))
        raw = data.get("path")
        sheet = arguments.get("sheet")
        config_file = arguments.get("feature_config")
        return cls(
            path=Path(raw) if isinstance(raw, str) and raw else None,
            sheet=sheet if isinstance(sheet, str | int) and not isinstance(sheet, bool) else None,
            config=_mapping(metadata.get("feature_config")),
            config_file=config_file if isinstance(config_file, str) else "",
        )


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def suspects_note(metadata: dict[str, Any]) -> str:
    """Why a run saved no suspects file, in one line."""
    if _mapping(metadata.get("arguments")).get("suspects") is False:
        return "Suspect labels were not looked for: the run was given --no-suspects."
    if "suspects" not in metadata:
        return "This run is older than suspect labels: train again to list them."
    if metadata.get("suspects") is None:
        from nexusml.evaluation.suspects import AUTO_MAX_ROWS

        rows = _mapping(metadata.get("data")).get("rows_used")
        if isinstance(rows, int) and rows > AUTO_MAX_ROWS:
            over = f"{rows:,} rows is over {AUTO_MAX_ROWS:,} (train with --suspects to look anyway)"
            return f"Suspect labels were not looked for: {over}."
        return "Suspect labels were not looked for in this run."
    return "This run saved no suspects file."


@dataclass(frozen=True)
class Correction:
    row: int  # the spreadsheet row number (header = row 1)
    target: str
    label: str  # the label the run read
    new: str


KEPT = None  # the decision "the label stays"


class Decisions:
    """The decisions on a table's rows (by their index in it): a new class, or :data:`KEPT`; ``undo`` steps back."""

    def __init__(self) -> None:
        self.chosen: dict[int, str | None] = {}
        self.history: list[tuple[int, bool, str | None]] = []  # (index, had a decision, that decision)

    def decide(self, index: int, value: str | None) -> None:
        self.history.append((index, index in self.chosen, self.chosen.get(index)))
        self.chosen[index] = value

    def undo(self) -> int | None:
        """Take the last decision back; the index it was on (None: no decision)."""
        if not self.history:
            return None
        index, had, before = self.history.pop()
        if had:
            self.chosen[index] = before
        else:
            self.chosen.pop(index, None)
        return index

    def kept(self, index: int) -> bool:
        return index in self.chosen and self.chosen[index] is KEPT

    def new_class(self, index: int) -> str | None:
        return self.chosen.get(index)

    def counts(self, indexes: list[int]) -> tuple[int, int]:
        """(corrected, kept) among ``indexes``."""
        decided = [self.chosen[i] for i in indexes if i in self.chosen]
        return sum(v is not KEPT for v in decided), sum(v is KEPT for v in decided)

    def corrections(self, rows: list[dict[str, str]]) -> list[Correction]:
        """The corrections of the suspects file's ``rows``, in file order."""
        out = [
            Correction(_number(rows[i]["row"]), rows[i]["target"], rows[i]["label"], new)
            for i, new in self.chosen.items()
            if new is not KEPT
        ]
        return sorted(out, key=lambda c: (c.row, c.target))


def _number(value: str) -> int:
    """A row number of the file (0 when it is not one: a hand-edited file; the copy then refuses the row)."""
    return int(value) if value.strip().isdigit() else 0


def default_copy_path(source: Path) -> Path:
    """``{stem}.training.csv`` beside the training file."""
    return source.with_name(f"{source.stem}{COPY_SUFFIX}")


def same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def parsed_config(config: dict[str, Any]) -> FeatureConfig | None:
    """The run's feature config (None: the metadata holds none, or one this version cannot read)."""
    from nexusml.config import ConfigError, feature_config_from_dict

    try:
        return feature_config_from_dict(config, "the run's feature config") if config else None
    except ConfigError:
        return None


def label_column(target: str, columns: list[str], config: FeatureConfig | None) -> str:
    """The file column that holds ``target``'s labels (a mapping's source); refuses a target built from several."""
    from nexusml.features.engineering import source_columns

    built = config is not None and any(h.new_col == target for h in config.hierarchies)
    if target in columns and not built:
        return target
    sources = source_columns([target], config) if config is not None else [target]
    if len(sources) == 1 and sources[0] in columns:
        return sources[0]
    if len(sources) > 1:
        raise CorrectionError(f"'{target}' is built from the columns {', '.join(sources)}: correct them in the file")
    raise CorrectionError(f"the training file has no column '{target}' (was it changed since the run?)")


def _cell_text(cell: Any) -> str | None:
    """A label cell as the run read it (a typed column's ``12.0`` is ``12``); None when it is empty."""
    if cell is None or (isinstance(cell, float) and cell != cell):
        return None
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell) if not isinstance(cell, str) else cell


def _same_label(cell: Any, label: str) -> bool:
    text = _cell_text(cell)
    return text is not None and " ".join(text.split()) == " ".join(label.split())


def corrected_frame(frame: pd.DataFrame, corrections: list[Correction], config: FeatureConfig | None) -> pd.DataFrame:
    """``frame`` (as ``read_data`` gives it) with the corrected labels, a line per row of the file (blank ones too:
    a row keeps its number).  Refuses when a row no longer holds the label the run read."""
    frame = frame.reindex(range(int(frame.index.max()) + 1)) if len(frame) else frame.copy()
    columns = [str(c) for c in frame.columns]
    for correction in corrections:
        column = label_column(correction.target, columns, config)
        place = correction.row - 2  # the header is row 1
        cell = frame.at[place, column] if 0 <= place < len(frame) else None
        if not _same_label(cell, correction.label):
            held = repr(_cell_text(cell)) if _cell_text(cell) is not None else "nothing"
            raise CorrectionError(
                f"row {correction.row} of the training file holds {held} in '{column}', not the label "
                f"{correction.label!r} the run read: the file changed since the run; nothing was written"
            )
        if frame[column].dtype != object:
            frame[column] = frame[column].astype(object)  # a typed (Parquet) column takes the new class as text
        frame.at[place, column] = correction.new
    return frame


def write_corrected_copy(source: TrainingSource, corrections: list[Correction], path: Path) -> Path:
    """Every row of the training file, with the corrected labels, written to ``path`` (never the file itself)."""
    from nexusml.readers.loader import read_data
    from nexusml.store.tables import write_table

    if source.path is None:
        raise CorrectionError("the run's metadata does not name its training file")
    if not corrections:
        raise CorrectionError("no row is corrected: nothing to write")
    if same_file(path, source.path):
        raise CorrectionError(f"{path.name} is the training file itself: choose another name for the copy")
    config = parsed_config(source.config)
    targets, inputs = (config.targets, config.input_columns) if config is not None else ((), ())
    loaded = read_data(source.path, source.sheet, targets=targets, inputs=inputs)
    return write_table(corrected_frame(loaded.frame, corrections, config), path)
