"""Chart files of a run: every chart as plain text (.txt) and as a small HTML page (.html), one per target and kind."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from nexusml.charts import (
    confusion_for,
    draw_class_distribution,
    draw_confusion,
    draw_coverage,
    draw_scores,
    draw_stage_durations,
    message_chart,
    slug,
)
from nexusml.store.io import atomic_write_text

log = logging.getLogger(__name__)

FILE_SIZE = (110, 32)  # the size of every chart file, whatever the terminal (or none) is
ANSI = re.compile(r"\x1b\[([0-9;]*)m")
BASIC = [
    (0, 0, 0),
    (205, 49, 49),
    (13, 188, 121),
    (229, 229, 16),
    (36, 114, 200),
    (188, 63, 188),
    (17, 168, 205),
    (229, 229, 229),
    (102, 102, 102),
    (241, 76, 76),
    (35, 209, 139),
    (245, 245, 67),
    (59, 142, 234),
    (214, 112, 214),
    (41, 184, 219),
    (255, 255, 255),
]


def plain_text(chart: str) -> str:
    """The chart without its colours."""
    return ANSI.sub("", chart)


def _xterm(code: int) -> str:
    if code < 16:
        r, g, b = BASIC[code]
    elif code < 232:
        code -= 16
        r, g, b = ((0 if c == 0 else 55 + 40 * c) for c in (code // 36, code // 6 % 6, code % 6))
    else:
        r = g = b = 8 + 10 * (code - 232)
    return f"#{r:02x}{g:02x}{b:02x}"


def _apply(params: str, state: dict[str, str]) -> None:
    """Update the style ``state`` (keys color, background, bold, dim) with one SGR sequence."""
    codes = [int(c) for c in params.split(";") if c.isdigit()] or [0]
    i = 0
    while i < len(codes):
        code = codes[i]
        if code == 0:
            state.clear()
        elif code == 1:
            state["bold"] = "1"
        elif code == 2:
            state["dim"] = "1"
        elif code == 22:
            state.pop("bold", None)
            state.pop("dim", None)
        elif code in (38, 48) and i + 1 < len(codes):
            key = "color" if code == 38 else "background"
            if codes[i + 1] == 5 and i + 2 < len(codes):
                state[key] = _xterm(codes[i + 2])
                i += 2
            elif codes[i + 1] == 2 and i + 4 < len(codes):
                state[key] = "#{:02x}{:02x}{:02x}".format(*codes[i + 2 : i + 5])
                i += 4
        elif code == 39:
            state.pop("color", None)
        elif code == 49:
            state.pop("background", None)
        elif 30 <= code <= 37 or 90 <= code <= 97:
            state["color"] = _xterm(code - 30 if code < 90 else code - 82)
        elif 40 <= code <= 47 or 100 <= code <= 107:
            state["background"] = _xterm(code - 40 if code < 100 else code - 92)
        i += 1


def _css(state: dict[str, str]) -> str:
    parts = []
    if "color" in state:
        parts.append(f"color:{state['color']}")
    if "background" in state:
        parts.append(f"background:{state['background']}")
    if "bold" in state:
        parts.append("font-weight:bold")
    if "dim" in state:
        parts.append("opacity:.65")
    return ";".join(parts)


def to_html(chart: str, title: str) -> str:
    """A standalone HTML page showing the chart in a ``<pre>``: one ``<span>`` per run of same-styled text."""
    body: list[str] = []
    state: dict[str, str] = {}
    for line in chart.split("\n"):
        runs: list[tuple[str, str]] = []  # (css, text) with neighbours of the same style merged
        position = 0
        for match in ANSI.finditer(line + "\x1b[0m"):
            text = line[position : match.start()]
            if text:
                css = _css(state) if text.strip() else ""  # spaces need no colour (but keep a background)
                if not css and "background" in state:
                    css = f"background:{state['background']}"
                if runs and runs[-1][0] == css:
                    runs[-1] = (css, runs[-1][1] + text)
                else:
                    runs.append((css, text))
            _apply(match.group(1), state)
            position = match.end()
        body.append(
            "".join(
                f'<span style="{css}">{html.escape(text, quote=False)}</span>'
                if css
                else html.escape(text, quote=False)
                for css, text in runs
            ).rstrip()
        )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n"
        "<style>body{background:#1e1e1e;color:#d4d4d4;margin:1.5em}"
        "pre{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:13px;line-height:1.2}</style>\n"
        "</head>\n"
        "<body>\n"
        "<pre>\n" + "\n".join(body).rstrip("\n") + "\n</pre>\n"
        "</body>\n"
        "</html>\n"
    )


def _chart(draw: Callable[[int, int], str], title: str, width: int, height: int) -> str:
    try:
        return draw(width, height)
    except Exception as exc:  # one chart that cannot be drawn must not cost the others (nor the run)
        log.warning("chart %r not drawn: %s", title, exc)
        return message_chart(title, f"chart unavailable: {exc}", width, height)


def target_confusion(metrics: dict[str, Any], report: dict[str, Any] | None, errors: pd.DataFrame | None):
    """How to draw a target's confusion matrix at a size: from its per-class figures and errors, else the report's."""
    per_class = metrics.get("per_class")
    if per_class and errors is not None:
        return lambda width, height: confusion_for(per_class, errors, width, height)
    confusion = (report or {}).get("confusion")
    if confusion:
        return lambda width, height: confusion
    return None


def chart_set(
    metrics: dict[str, dict[str, Any]],
    class_counts: dict[str, dict[str, int]],
    stage_seconds: dict[str, float],
    errors: pd.DataFrame | None,
    report: dict[str, Any] | None = None,
) -> dict[str, tuple[str, Callable[[int, int], str]]]:
    """Every chart of a run by file-name part: (title, draw(width, height))."""
    charts: dict[str, tuple[str, Callable[[int, int], str]]] = {
        "scores": ("Held-out scores", lambda w, h: draw_scores(metrics, w, h)),
    }
    used: set[str] = set()
    for target, figures in metrics.items():
        name = slug(target)
        while name in used:
            name += "_"
        used.add(name)
        own = None if errors is None or "target" not in errors else errors[errors["target"].astype(str) == target]
        confusion = target_confusion(figures, (report or {}).get(target), own)
        counts = class_counts.get(target) or {}
        auto = figures.get("auto_coding") or {}

        def classes(w: int, h: int, counts: dict = counts, target: str = target) -> str:
            return draw_class_distribution(counts, target, w, h)

        def matrix(w: int, h: int, confusion: Any = confusion, target: str = target) -> str:
            if confusion is None:
                return message_chart(f"Confusion matrix: {target}", "no confusion figures for this target", w, h)
            return draw_confusion(confusion(w, h), target, w, h)

        def coverage(w: int, h: int, auto: dict = auto, target: str = target) -> str:
            return draw_coverage(auto, target, w, h)

        charts[f"class_distribution_{name}"] = (f"Rows per class: {target}", classes)
        charts[f"confusion_matrix_{name}"] = (f"Confusion matrix: {target}", matrix)
        charts[f"coverage_{name}"] = (f"Auto-coding: {target}", coverage)
    charts["stage_durations"] = ("Stage durations", lambda w, h: draw_stage_durations(stage_seconds, w, h))
    return charts


def write_charts(
    directory: Path,
    prefix: str,
    metrics: dict[str, dict[str, Any]],
    class_counts: dict[str, dict[str, int]],
    stage_seconds: dict[str, float],
    errors: pd.DataFrame | None = None,
    report: dict[str, Any] | None = None,
    size: tuple[int, int] = FILE_SIZE,
) -> list[Path]:
    """Write ``{prefix}_{kind}[_{target}].txt`` and ``.html`` for every chart of the run; returns the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    width, height = size
    written: list[Path] = []
    for name, (title, draw) in chart_set(metrics, class_counts, stage_seconds, errors, report).items():
        chart = _chart(draw, title, width, height)
        txt_path = directory / f"{prefix}_{name}.txt"
        html_path = directory / f"{prefix}_{name}.html"
        atomic_write_text(txt_path, plain_text(chart) + "\n")
        atomic_write_text(html_path, to_html(chart, title))
        written += [txt_path, html_path]
    return written
