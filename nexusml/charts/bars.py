"""Bar charts: the scores of every target on an axis zoomed to them, rows per class, stage durations."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from nexusml.charts.text import (
    ACCURACY,
    BAR,
    BOLD,
    F1,
    Line,
    bar_of,
    fit_name,
    message_chart,
    note_lines,
    render,
    title_line,
)


def score_axis(values: Sequence[float]) -> float:
    """The lower end of a score axis that ends at 1: a tenth below the lowest score (0 when a score is low)."""
    low = min(values, default=0.0)
    return max(0.0, math.floor((low - 0.02) * 10) / 10) if low > 0.3 else 0.0


def _ticks(low: float, high: float, cells: int) -> list[float]:
    span = high - low
    for step in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5):
        if span / step <= max(cells // 7, 1):
            break
    first = math.ceil(low / step - 1e-9)
    return [round(i * step, 6) for i in range(first, math.floor(high / step + 1e-9) + 1)]


def draw_scores(metrics: dict[str, dict[str, Any]], width: int, height: int) -> str:
    """Accuracy and macro-F1 of every target as labelled bars on an axis zoomed to the scores."""
    targets = [t for t, m in metrics.items() if isinstance(m.get("accuracy"), (int, float))]
    title = "Held-out accuracy and macro-F1 per target"
    if not targets:
        return message_chart(title, "no scores", width, height)
    series = [("accuracy", "accuracy", ACCURACY), ("macro-F1", "f1_macro", F1)]
    low = score_axis([float(metrics[t][key]) for t in targets for _, key, _ in series])
    name_w = min(max(len(t) for t in targets), max(width // 3, 8))
    label_w = name_w + 1 + 8
    cells = max(width - label_w - 1 - 7, 5)
    fixed = 1 + 2 + 2  # title, axis, notes
    per_target = 3 if fixed + 3 * len(targets) - 1 <= height else 2
    shown = targets[: max((height - fixed + (per_target == 3)) // per_target, 1)]
    lines: list[Line] = [title_line(title, width)]
    for i, target in enumerate(shown):
        if i and per_target == 3:
            lines.append([(" " * label_w + "│", "")])
        for j, (name, key, style) in enumerate(series):
            value = float(metrics[target][key])
            label = f"{fit_name(target, name_w) if j == 0 else '':<{name_w}} {name:<8}"
            bar = bar_of((value - low) / (1 - low), cells)
            lines.append([(label + "│", ""), (bar, style), (" " * (cells - len(bar)) + f" {value:.3f}", BOLD)])
    axis = ["─"] * cells
    labels = [" "] * (cells + 8)
    for tick in _ticks(low, 1.0, cells):
        at = min(max(round((tick - low) / (1 - low) * cells) - 1, 0), cells - 1)
        axis[at] = "┴"
        text = f"{tick:g}"
        start = max(at - len(text) // 2, 0)
        if all(c == " " for c in labels[max(start - 1, 0) : start + len(text) + 1]):
            labels[start : start + len(text)] = text
    lines.append([(" " * label_w + "└" + "".join(axis), "")])
    lines.append([(" " * (label_w + 1) + "".join(labels).rstrip(), "")])
    more = f"; {len(targets) - len(shown)} more target(s) not shown" if len(shown) < len(targets) else ""
    note = f"The axis runs from {low:.2f} to 1 (zoomed to the scores); each bar ends at its value{more}."
    lines += note_lines(note, width, height - len(lines))
    return render(lines, width, height)


def _value_bars(
    title: str,
    items: Sequence[tuple[str, float, str]],
    note: str,
    width: int,
    height: int,
    style: str = BAR,
    legend: Sequence[str] = (),
) -> str:
    """Horizontal bars from 0, each labelled on its left and with its value (as text) on its right; ``legend``
    lines (the names behind numbered labels) follow the bars."""
    if not items:
        return message_chart(title, note or "nothing to show", width, height)
    name_w = min(max(len(name) for name, _, _ in items), max(width * 2 // 5, 8))
    value_w = max(len(text) for _, _, text in items)
    cells = max(width - name_w - 1 - value_w - 1, 5)
    top = max(value for _, value, _ in items) or 1.0
    lines: list[Line] = [title_line(title, width)]
    for name, value, text in items:
        bar = bar_of(value / top, cells)
        lines.append(
            [(f"{fit_name(name, name_w):>{name_w}}│", ""), (bar, style), (" " * (cells - len(bar)) + f" {text}", BOLD)]
        )
    lines += [[(row, "")] for row in legend]
    lines += note_lines(note, width, height - len(lines))
    return render(lines, width, height)


def draw_class_distribution(counts: dict[str, int], target: str, width: int, height: int) -> str:
    """Rows per class of a target, the most frequent classes that fit, each with its count.

    Names too long for the label column are numbered, with a legend of the whole names under the bars (a
    shortened name can look like another: "services and p… products").
    """
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    total = sum(v for _, v in ranked)
    numbered = any(len(str(name)) > max(width * 2 // 5, 8) for name, _ in ranked)
    room = max((height - 4) // 2 if numbered else height - 3, 1)
    shown = ranked if len(ranked) <= room else ranked[: max(room - 1, 1)]
    rest = total - sum(v for _, v in shown)
    note = f"{len(ranked)} classes, {total} rows (all data)"
    if len(shown) < len(ranked):
        note += f"; the {len(shown)} most frequent are shown, the other {len(ranked) - len(shown)} hold {rest} rows"
    title = f"Rows per class: {target}"
    if not numbered:
        items = [(str(name), float(value), str(value)) for name, value in shown]
        return _value_bars(title, items, note + ".", width, height)
    items = [(str(i), float(value), str(value)) for i, (_, value) in enumerate(shown, 1)]
    digits = len(str(len(shown)))
    legend = [f"{i:>{digits}} {fit_name(str(name), width - digits - 1)}" for i, (name, _) in enumerate(shown, 1)]
    return _value_bars(title, items, note + ".", width, height, legend=legend)


def draw_stage_durations(seconds: dict[str, float], width: int, height: int) -> str:
    items = [(name, float(value), f"{value:.2f} s") for name, value in seconds.items()]
    total = sum(seconds.values())
    note = f"{total:.1f} s in all." if items else "no stage timings"
    return _value_bars("Stage durations", items[: max(height - 3, 1)], note, width, height)
