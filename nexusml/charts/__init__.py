"""Charts of a run as text: each function returns exactly ``height`` lines of ``width`` cells with ANSI colours.

The same text is written to the chart files (plain and as HTML) and shown in the wizard.  Bars and the
confusion matrix are laid out here, so that every bar carries its value and every matrix cell its
count; the precision-coverage line is drawn with plotext on a figure of its own, whose size never
depends on the terminal.  Each kind of chart has its own module (``bars``, ``confusion``,
``coverage``), on the layout primitives and palette of ``text``.
"""

from nexusml.charts.bars import (
    draw_class_distribution,
    draw_scores,
    draw_stage_durations,
    score_axis,
)
from nexusml.charts.confusion import confusion_for, draw_confusion
from nexusml.charts.coverage import draw_coverage
from nexusml.charts.text import fit_name, message_chart, render, slug

__all__ = [
    "confusion_for",
    "draw_class_distribution",
    "draw_confusion",
    "draw_coverage",
    "draw_scores",
    "draw_stage_durations",
    "fit_name",
    "message_chart",
    "render",
    "score_axis",
    "slug",
]
