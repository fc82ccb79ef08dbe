"""plotext charts of a run, drawn with the core's chart functions on textual-plotext widgets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual_plotext import PlotextPlot

from nexusml.core.components.visualization import (
    draw_class_distribution,
    draw_confusion,
    draw_scores,
    draw_stage_durations,
)


class ChartPlot(PlotextPlot):
    """A PlotextPlot redrawn by a drawing function; shows a note when there is nothing to draw."""

    def draw(self, painter: Callable[[Any], None] | None, empty_title: str = "") -> None:
        plt = self.plt
        plt.clear_figure()
        if painter is None:
            plt.title(empty_title or "nothing to show")
        else:
            try:
                painter(plt)
            except Exception as exc:  # a chart must never take the results screen down
                plt.clear_figure()
                plt.title(f"chart unavailable: {exc}")
        self.refresh()


def score_painter(metrics: dict[str, dict[str, Any]]):
    if not metrics:
        return None
    return lambda plt: draw_scores(plt, metrics)


def distribution_painter(class_counts: dict[str, dict[str, int]], target: str):
    counts = class_counts.get(target)
    if not counts:
        return None
    return lambda plt: draw_class_distribution(plt, counts, target)


def confusion_painter(report: dict[str, Any] | None, target: str):
    confusion = ((report or {}).get(target) or {}).get("confusion")
    if not confusion:
        return None
    return lambda plt: draw_confusion(plt, confusion, target)


def durations_painter(seconds: dict[str, float]):
    if not seconds:
        return None
    return lambda plt: draw_stage_durations(plt, seconds)
