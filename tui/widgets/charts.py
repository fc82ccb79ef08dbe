"""Charts of a run in the wizard: the core's text charts, drawn at the size of their panel."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.widget import Widget

from nexusml.charts import (
    draw_class_distribution,
    draw_confusion,
    draw_coverage,
    draw_scores,
    draw_stage_durations,
)
from nexusml.charts.files import target_confusion

log = logging.getLogger(__name__)

Painter = Callable[[int, int], str]  # (width, height) -> the chart as ANSI text


class ChartPlot(Widget):
    """A chart redrawn to fit whenever its size changes; shows a note when there is nothing to draw."""

    DEFAULT_CSS = """
    ChartPlot {
        width: 1fr;
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._painter: Painter | None = None
        self._empty = "nothing to show"

    def draw(self, painter: Painter | None, empty_title: str = "") -> None:
        self._painter, self._empty = painter, empty_title or "nothing to show"
        self.refresh()

    def chart_text(self) -> str:
        """What the chart shows at its current size, without colours (for tests and screen readers)."""
        return self.render().plain

    def render(self) -> Text:
        width, height = self.size.width, self.size.height
        if self._painter is None or width < 10 or height < 4:
            return Text(self._empty, style="dim")
        try:
            return Text.from_ansi(self._painter(width, height), no_wrap=True, end="")
        except Exception as exc:  # a chart must never take the results screen down
            log.warning("chart not drawn: %s", exc, exc_info=True)
            return Text(f"chart unavailable: {exc}", style="red")


def score_painter(metrics: dict[str, dict[str, Any]]) -> Painter | None:
    if not metrics:
        return None
    return lambda width, height: draw_scores(metrics, width, height)


def distribution_painter(class_counts: dict[str, dict[str, int]], target: str) -> Painter | None:
    counts = class_counts.get(target)
    if not counts:
        return None
    return lambda width, height: draw_class_distribution(counts, target, width, height)


@lru_cache(maxsize=4)
def _errors_file(path: str, stamp: float) -> Any:
    import pandas as pd

    # Every column as text: class names such as "NA" or "1.0" stay as they were written.
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def errors_of(path: Path | None, target: str) -> Any:
    """The target's rows of a run's errors file, None when there is no readable file."""
    if path is None:
        return None
    try:
        frame = _errors_file(str(path), Path(path).stat().st_mtime)
    except (OSError, ValueError) as exc:
        log.info("errors file %s not read: %s", path, exc)
        return None
    if "target" not in frame or "true" not in frame or "predicted" not in frame:
        return None
    return frame[frame["target"] == target]


def confusion_painter(view: Any, target: str) -> Painter | None:
    """The target's confusion matrix, with as many classes as fit the panel (``view`` is a ``RunView``)."""
    metrics = (view.metrics or {}).get(target) or {}
    confusion = target_confusion(metrics, (view.report or {}).get(target), errors_of(view.errors_path, target))
    if confusion is None:
        return None
    return lambda width, height: draw_confusion(confusion(width, height), target, width, height)


def confusion_note(view: Any, target: str) -> str:
    """Why a target has no confusion matrix."""
    if not ((view.metrics or {}).get(target) or {}).get("per_class"):
        return f"{target}: this run's metadata has no per-class figures to build a confusion matrix from"
    return f"{target}: the errors file of this run is missing, so its confusion matrix cannot be rebuilt"


def coverage_painter(metrics: dict[str, dict[str, Any]], target: str) -> Painter | None:
    figures = (metrics.get(target) or {}).get("auto_coding")
    if not figures or not (figures.get("curve") or {}).get("coverage"):
        return None
    return lambda width, height: draw_coverage(figures, target, width, height)


def durations_painter(seconds: dict[str, float]) -> Painter | None:
    if not seconds:
        return None
    return lambda width, height: draw_stage_durations(seconds, width, height)
