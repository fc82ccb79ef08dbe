"""plotext charts of a run: drawn on any plotext-like object (the module, or a Textual PlotextPlot)."""

from __future__ import annotations

import contextlib
import io
import logging
from pathlib import Path
from typing import Any

from nexusml.core.components.io import atomic_path, atomic_write_text

log = logging.getLogger(__name__)

MAX_CLASSES = 15


def _short(label: str, width: int = 18) -> str:
    label = str(label)
    return label if len(label) <= width else label[: width - 1] + "…"


def draw_scores(plt: Any, metrics: dict[str, dict[str, float]]) -> None:
    """Per-target accuracy and macro-F1 bars."""
    targets = list(metrics)
    plt.multiple_bar(
        [_short(t) for t in targets],
        [[metrics[t]["accuracy"] for t in targets], [metrics[t]["f1_macro"] for t in targets]],
        labels=["accuracy", "macro-F1"],
    )
    plt.ylim(0, 1)
    plt.title("Held-out scores per target")


def draw_class_distribution(plt: Any, counts: dict[str, int], target: str) -> None:
    items = sorted(counts.items(), key=lambda kv: -kv[1])[:MAX_CLASSES]
    plt.bar([_short(k) for k, _ in items], [v for _, v in items], orientation="horizontal")
    more = len(counts) - len(items)
    plt.title(f"Class distribution: {target}" + (f" (top {len(items)}, {more} more)" if more > 0 else ""))


def draw_confusion(plt: Any, confusion: dict[str, Any], target: str) -> None:
    labels = confusion["labels"]
    matrix = confusion["matrix"]
    if not labels:
        plt.title(f"Confusion matrix: {target} (no test rows)")
        return
    plt.matrix_plot(matrix)
    plt.title(f"Confusion matrix: {target}, top {len(labels)} classes (rows: true, columns: predicted)")
    ticks = list(range(1, len(labels) + 1))
    plt.xticks(ticks, [str(i) for i in ticks])
    plt.yticks(ticks, [f"{i} {_short(label, 14)}" for i, label in zip(ticks, labels, strict=True)])


def draw_stage_durations(plt: Any, seconds: dict[str, float]) -> None:
    names = list(seconds)
    plt.bar(names, [round(seconds[n], 3) for n in names], orientation="horizontal")
    plt.title("Stage durations (seconds)")


def write_charts(
    directory: Path,
    metrics: dict[str, Any],
    class_counts: dict[str, dict[str, int]],
    stage_seconds: dict[str, float],
    prefix: str,
) -> list[Path]:
    """Write each chart as plain text (.txt) and coloured HTML (.html); returns the paths."""
    import plotext

    directory.mkdir(parents=True, exist_ok=True)
    first = next(iter(metrics))
    charts = {
        "scores": lambda p: draw_scores(p, metrics),
        "class_distribution": lambda p: draw_class_distribution(p, class_counts[first], first),
        "confusion_matrix": lambda p: draw_confusion(p, metrics[first]["confusion"], first),
        "stage_durations": lambda p: draw_stage_durations(p, stage_seconds),
    }
    written: list[Path] = []
    for name, draw in charts.items():
        plotext.clear_figure()
        plotext.plotsize(110, 32)
        draw(plotext)
        text = plotext.build()
        txt_path = directory / f"{prefix}_{name}.txt"
        html_path = directory / f"{prefix}_{name}.html"
        atomic_write_text(txt_path, plotext.uncolorize(text) + "\n")
        with atomic_path(html_path) as tmp, contextlib.redirect_stdout(io.StringIO()):
            plotext.save_fig(str(tmp), keep_colors=True)
        written += [txt_path, html_path]
    plotext.clear_figure()
    return written
