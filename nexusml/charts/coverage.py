"""Precision against coverage, drawn with plotext on a figure of its own (its size never depends on the terminal)."""

from __future__ import annotations

import math
import textwrap
from typing import Any

from nexusml.charts.text import ANSI, message_chart, note_lines, render, title_line


def _figure(width: int, height: int) -> Any:
    """A plotext figure of its own, exactly ``width`` x ``height`` whatever the terminal is."""
    from plotext._figure import _figure_class

    figure = _figure_class()
    figure._limit_size(False, False)
    figure.plot_size(width, height)
    figure.theme("clear")
    return figure


def draw_coverage(auto_coding: dict[str, Any], target: str, width: int, height: int) -> str:
    """Precision against coverage (rows at or above each confidence), with the target and the chosen threshold."""
    title = f"Precision against coverage: {target}"
    curve = (auto_coding or {}).get("curve") or {}
    coverage, precision = list(curve.get("coverage") or []), list(curve.get("precision") or [])
    if not coverage:
        return message_chart(title, "no confidence figures for this target", width, height)
    goal = float(auto_coding["precision_target"])
    threshold = auto_coding.get("threshold")
    if threshold is None and auto_coding.get("reason") == "too_few":
        chosen = f"Too few held-out items to promise {goal:.0%} precision: every row needs review."
    elif threshold is None:
        chosen = f"No confidence threshold reaches {goal:.0%} precision: every row needs review."
    else:
        shown = math.floor(threshold * 1000) / 1000  # never shown above the recorded threshold
        chosen = (
            f"● confidence >= {shown:.3f} codes {auto_coding['coverage']:.0%} of the rows "
            f"at {auto_coding['precision']:.1%} precision (vertical line)."
        )
    # Explained under the chart: plotext cuts a title or a label that does not fit without a word.
    explained = f"{chosen} Horizontal line: the {goal:.0%} precision target."
    notes = note_lines(explained, width, min(len(textwrap.wrap(explained, max(width, 10))), 3))
    figure = _figure(width, height - 1 - len(notes))
    figure.plot(coverage, precision, color="blue+", marker="braille")
    figure.horizontal_line(goal, color="red")
    if threshold is not None:
        figure.vertical_line(float(auto_coding["coverage"]), color="green")
        figure.scatter([float(auto_coding["coverage"])], [float(auto_coding["precision"])], color="green+", marker="●")
    low = min(min(precision), goal)
    figure.ylim(max(0.0, low - max((1 - low) * 0.1, 0.005)), 1.0)
    figure.xlim(0.0, 1.0)
    figure.xticks([0, 0.2, 0.4, 0.6, 0.8, 1.0], ["0 %", "20 %", "40 %", "60 %", "80 %", "100 %"])
    figure.xlabel("coverage: share of rows auto-coded" if width >= 70 else "coverage")
    figure.ylabel("precision")
    plot = figure.build().rstrip("\n").split("\n")
    plot = [row + " " * (width - len(ANSI.sub("", row))) for row in plot[: height - 1 - len(notes)]]
    plot += [" " * width] * (height - 1 - len(notes) - len(plot))
    return "\n".join([render([title_line(title, width)], width, 1), *plot, render(notes, width, len(notes))])
