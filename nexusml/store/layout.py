"""The output folder's layout, in one place: where a run's model, metadata, reports, logs and charts go.

::

    OUTPUT_DIR/
      {name}_{stamp}.skops            the run's model
      {name}_{stamp}_metadata.json    its metadata (sha256, arguments, metrics...)
      {name}_{stamp}_errors.csv       its misclassified held-out rows
      {name}_{stamp}_suspects.csv     the training rows whose label looks wrong
      {name}_latest.skops             the latest run's files under a fixed name
      {name}_latest_metadata.json
      {name}_latest_errors.csv
      {name}_latest_suspects.csv
      logs/{name}_{stamp}.log
      visualizations/{name}_{stamp}_*.txt|.html
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MODEL_SUFFIX = ".skops"
PICKLE_SUFFIX = ".pkl"  # what earlier versions wrote
METADATA_SUFFIX = "_metadata.json"
LATEST = "latest"
ERRORS_REPORT = "errors.csv"  # the report of misclassified held-out rows (a name in ``reports``)
SUSPECTS_REPORT = "suspects.csv"  # the training rows whose label looks wrong
LOGS = "logs"
CHARTS = "visualizations"


def metadata_path_for(model_path: Path | str) -> Path:
    """The metadata file beside a model: ``name.skops`` -> ``name_metadata.json``."""
    model_path = Path(model_path)
    return model_path.with_name(f"{model_path.stem}{METADATA_SUFFIX}")


def report_path_for(model_path: Path | str, report: str) -> Path:
    """A report file beside a model: ``name.skops`` and ``errors.csv`` -> ``name_errors.csv``."""
    model_path = Path(model_path)
    return model_path.with_name(f"{model_path.stem}_{report}")


def is_latest_metadata(path: Path) -> bool:
    """Whether ``path`` is the metadata of a ``_latest`` copy (the same run as a timestamped one)."""
    return path.name.endswith(f"_{LATEST}{METADATA_SUFFIX}")


def run_metadata_files(root: Path) -> list[Path]:
    """The timestamped metadata files of every run in ``root``, whatever its model name (``_latest`` copies left
    out)."""
    return [p for p in root.glob(f"*{METADATA_SUFFIX}") if not is_latest_metadata(p)]


@dataclass(frozen=True)
class OutputLayout:
    """Where the files of models named ``name`` go in the folder ``root``."""

    root: Path
    name: str

    @property
    def logs(self) -> Path:
        return self.root / LOGS

    @property
    def charts(self) -> Path:
        return self.root / CHARTS

    def run_stem(self, stamp: str) -> str:
        return f"{self.name}_{stamp}"

    def latest_model(self, suffix: str = MODEL_SUFFIX) -> Path:
        return self.root / f"{self.name}_{LATEST}{suffix}"
