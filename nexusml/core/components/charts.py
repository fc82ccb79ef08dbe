"""Charts of a run as text: each function returns exactly ``height`` lines of ``width`` cells with ANSI colours.

The same text is written to the chart files (plain and as HTML) and shown in
the wizard.  Bars and the confusion matrix are laid out here, so that every
bar carries its value and every matrix cell its count; the precision-coverage
line is drawn with plotext on a figure of its own, whose size never depends
on the terminal.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence
from typing import Any

import pandas as pd

Segment = tuple[str, str]  # (text, SGR parameters such as "1;32"; "" for none)
Line = list[Segment]

BOLD = "1"
DIM = "2"
ACCURACY = "38;5;12"  # bright blue
F1 = "38;5;10"  # bright green
BAR = "38;5;14"  # bright cyan
RIGHT = "1;38;5;10"
WRONG_STRONG = "1;38;5;9"  # at least a tenth of the row
WRONG = "38;5;11"
EIGHTHS = " ▏▎▍▌▋▊▉"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


# -- text layout ------------------------------------------------------------------------------------


def fit_name(name: Any, width: int) -> str:
    """``name`` in at most ``width`` cells; a long one keeps its start and its end around "…"."""
    name = str(name)
    if len(name) <= width:
        return name
    if width <= 1:
        return "…"[:width]
    head = math.ceil((width - 1) * 0.6)
    tail = width - 1 - head
    return name[:head] + "…" + (name[-tail:] if tail else "")


def render(lines: Sequence[Line], width: int, height: int) -> str:
    """The lines cut or padded to ``width`` cells, and blank lines up to ``height``, as ANSI text."""
    out = []
    for line in list(lines)[:height]:
        parts, used = [], 0
        for text, style in line:
            text = text[: max(width - used, 0)]
            if not text:
                continue
            used += len(text)
            parts.append(f"\x1b[{style}m{text}\x1b[0m" if style else text)
        parts.append(" " * (width - used))
        out.append("".join(parts))
    out += [" " * width] * (height - len(out))
    return "\n".join(out)


def message_chart(title: str, message: str, width: int, height: int) -> str:
    """A chart with nothing to draw: its title and why."""
    lines: list[Line] = [[(fit_name(title, width), BOLD)], []]
    lines += [[(row, DIM)] for row in textwrap.wrap(message, max(width, 10))]
    return render(lines, width, height)


def _title(text: str, width: int) -> Line:
    """A bold title in ``width`` cells; "Kind: name" keeps its kind and shortens the name."""
    kind, sep, name = text.partition(": ")
    if sep and len(text) > width and len(kind) + 2 < width - 8:
        text = kind + sep + fit_name(name, width - len(kind) - 2)
    return [(fit_name(text, width), BOLD)]


def _notes(text: str, width: int, rows: int) -> list[Line]:
    wrapped = textwrap.wrap(text, max(width, 10))
    if len(wrapped) > rows > 0:
        wrapped = wrapped[:rows]
        wrapped[-1] = wrapped[-1][: max(width - 2, 0)] + " …"
    return [[(row, DIM)] for row in wrapped[: max(rows, 0)]]


def _bar(fraction: float, cells: int) -> str:
    """A bar ``fraction`` of ``cells`` long, to an eighth of a cell."""
    eighths = round(min(max(fraction, 0.0), 1.0) * cells * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")


# -- bars -------------------------------------------------------------------------------------------


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
    lines: list[Line] = [_title(title, width)]
    for i, target in enumerate(shown):
        if i and per_target == 3:
            lines.append([(" " * label_w + "│", "")])
        for j, (name, key, style) in enumerate(series):
            value = float(metrics[target][key])
            label = f"{fit_name(target, name_w) if j == 0 else '':<{name_w}} {name:<8}"
            bar = _bar((value - low) / (1 - low), cells)
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
    lines += _notes(note, width, height - len(lines))
    return render(lines, width, height)


def _value_bars(
    title: str, items: Sequence[tuple[str, float, str]], note: str, width: int, height: int, style: str = BAR
) -> str:
    """Horizontal bars from 0, each labelled on its left and with its value (as text) on its right."""
    if not items:
        return message_chart(title, note or "nothing to show", width, height)
    name_w = min(max(len(name) for name, _, _ in items), max(width * 2 // 5, 8))
    value_w = max(len(text) for _, _, text in items)
    cells = max(width - name_w - 1 - value_w - 1, 5)
    top = max(value for _, value, _ in items) or 1.0
    lines: list[Line] = [_title(title, width)]
    for name, value, text in items:
        bar = _bar(value / top, cells)
        lines.append(
            [(f"{fit_name(name, name_w):>{name_w}}│", ""), (bar, style), (" " * (cells - len(bar)) + f" {text}", BOLD)]
        )
    lines += _notes(note, width, height - len(lines))
    return render(lines, width, height)


def draw_class_distribution(counts: dict[str, int], target: str, width: int, height: int) -> str:
    """Rows per class of a target, the most frequent classes that fit, each with its count."""
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    total = sum(v for _, v in ranked)
    room = max(height - 3, 1)
    shown = ranked if len(ranked) <= room else ranked[: max(room - 1, 1)]
    rest = total - sum(v for _, v in shown)
    note = f"{len(ranked)} classes, {total} rows (all data)"
    if len(shown) < len(ranked):
        note += f"; the {len(shown)} most frequent are shown, the other {len(ranked) - len(shown)} hold {rest} rows"
    items = [(str(name), float(value), str(value)) for name, value in shown]
    return _value_bars(f"Rows per class: {target}", items, note + ".", width, height)


def draw_stage_durations(seconds: dict[str, float], width: int, height: int) -> str:
    items = [(name, float(value), f"{value:.2f} s") for name, value in seconds.items()]
    total = sum(seconds.values())
    note = f"{total:.1f} s in all." if items else "no stage timings"
    return _value_bars("Stage durations", items[: max(height - 3, 1)], note, width, height)


# -- confusion matrix -------------------------------------------------------------------------------


ROW_W = 7  # "true ↓" and a space: the column of row numbers
TOTALS = " │ rows right"  # each row's true rows and the share of them predicted right
LEGEND_MIN = 12


def _cell_width(largest: int) -> int:
    return max(len(str(largest)), 3) + 1


LAYOUTS = (  # the most readable first: the legend beside the grid with each row's totals
    {"legend": "beside", "totals": True},
    {"legend": "below", "totals": True},
    {"legend": "beside", "totals": False},
    {"legend": "below", "totals": False},
)


def _fits(layout: dict[str, Any], width: int, height: int, rows: int, cell: int, names: int) -> bool:
    """Whether a grid of ``rows`` rows and columns fits ``width`` x ``height`` with that layout.

    ``names`` is the width the class names would like; beside the grid they
    get up to 28 cells with the totals and at least ``LEGEND_MIN`` without.
    """
    grid = ROW_W + rows * cell + (len(TOTALS) if layout["totals"] else 0)
    if layout["legend"] == "below":
        return 2 * rows + 5 <= height and grid <= width
    legend = min(names, 28) if layout["totals"] else min(names, LEGEND_MIN)
    return rows + 5 <= height and grid + 3 + 4 + legend <= width


def confusion_for(
    per_class: dict[str, dict[str, Any]], errors: pd.DataFrame | None, width: int, height: int, most: int = 30
) -> dict[str, Any]:
    """A target's confusion matrix over as many of its most frequent classes as fit the chart (at most ``most``).

    The counts come from ``report.confusion_counts`` (``labels``, ``matrix``);
    the result also says whether the last label folds the other classes
    (``folded``), how many (``other_classes``), how many of their rows are right
    (``other_right``), how many classes the target has (``classes``) and how to
    lay the chart out (``layout``): the most readable layout that shows at
    least 8 classes, or as many as any layout can.
    """
    from nexusml.core.components.report import confusion_counts

    frame = errors if errors is not None else pd.DataFrame(columns=["true", "predicted"])
    present = sorted((k for k, f in per_class.items() if f["support"]), key=lambda k: (-per_class[k]["support"], k))
    built: dict[int, dict[str, Any]] = {}

    def counts_of(n: int) -> dict[str, Any]:
        if n not in built:
            built[n] = confusion_counts(per_class, frame, n)
        return built[n]

    def largest_fit(layout: dict[str, Any]) -> int:
        for n in range(max(min(len(present), most, height - 6), 1), 0, -1):
            counts = counts_of(n)
            largest = max((max(row) for row in counts["matrix"]), default=0)
            names = max((len(name) for name in counts["labels"]), default=0)
            if len(present) > n:
                names = max(names, len(f"{len(present) - n} other classes"))
            if _fits(layout, width, height, len(counts["labels"]), _cell_width(largest), names):
                return n
        return 0

    fits = [largest_fit(layout) for layout in LAYOUTS]
    enough = min(max(fits), 8)
    choice = next((i for i, n in enumerate(fits) if n >= enough and n), len(LAYOUTS) - 1)
    n = max(fits[choice], 1)
    counts = dict(counts_of(n))
    counts["layout"] = LAYOUTS[choice]
    counts["folded"] = len(counts["labels"]) > min(n, len(present))
    if len(present) > n:
        folded = present[n:]
        counts["other_classes"] = len(folded)
        # The folded classes' own correct rows: the "other" diagonal also counts their confusions among themselves.
        counts["other_right"] = sum(round(per_class[k]["recall"] * per_class[k]["support"]) for k in folded)
    counts["classes"] = len(present)
    return counts


def draw_confusion(confusion: dict[str, Any], target: str, width: int, height: int) -> str:
    """The confusion matrix as numbered rows (true) and columns (predicted), each cell with its count.

    ``confusion`` is ``{"labels", "matrix"}``, with what ``confusion_for``
    adds; a folded last label is drawn as the row and column "oth".  The
    classes' names are listed by number beside or below the grid.
    """
    labels = [str(label) for label in confusion.get("labels", [])]
    matrix = [[int(c) for c in row] for row in confusion.get("matrix", [])]
    title = f"Confusion matrix: {target}"
    if not labels:
        return message_chart(title, "no held-out rows", width, height)
    other = bool(confusion.get("folded"))
    layout = confusion.get("layout") or {"legend": "beside", "totals": True}
    beside, totals = layout["legend"] == "beside", layout["totals"]
    number = ["oth" if other and i == len(labels) - 1 else str(i + 1) for i in range(len(labels))]
    names = list(labels)
    if other:
        names[-1] = (
            f"{confusion['other_classes']} other classes"
            if confusion.get("other_classes")
            else "predicted classes not among these"
        )
    cell = _cell_width(max(max(row) for row in matrix))
    lines: list[Line] = [_title(title, width), [(" " * ROW_W + "predicted →", BOLD)]]
    header: Line = [(f"{'true ↓':<{ROW_W}}", BOLD)] + [(f"{n:>{cell}}", BOLD) for n in number]
    if totals:
        header.append((TOTALS, ""))
    if beside:
        header += [(" │ ", ""), ("  # class", BOLD)]
    lines.append(header)
    used = ROW_W + cell * len(labels) + (len(TOTALS) if totals else 0) + 3 + 4
    for i, row in enumerate(matrix):
        line: Line = [(f"{number[i]:>{ROW_W - 1}} ", BOLD)]
        supports = sum(row)
        for j, count in enumerate(row):
            if not count:
                line.append((f"{'·':>{cell}}", DIM))
            else:
                if i == j:  # the folded diagonal mixes right rows and confusions among the folded classes
                    style = BOLD if number[i] == "oth" else RIGHT
                else:
                    style = WRONG_STRONG if count * 10 >= supports else WRONG
                line.append((f"{count:>{cell}}", style))
        if totals:
            right = int(confusion["other_right"]) if number[i] == "oth" and "other_right" in confusion else row[i]
            share = f"{right / supports:.0%}" if supports else "–"
            line.append((f" │ {supports:>4} {share:>5}", ""))
        if beside:
            line += [(" │ ", ""), (f"{number[i]:>3} ", BOLD), (fit_name(names[i], max(width - used, 4)), "")]
        lines.append(line)
    if not beside:
        for i, name in enumerate(names):
            lines.append([(f"{number[i]:>{ROW_W - 1}} ", BOLD), (fit_name(name, max(width - ROW_W, 4)), "")])
    shown = len(labels) - (1 if other else 0)
    if confusion.get("other_classes"):
        scope = (
            f"The {shown} most frequent of {confusion['classes']} true classes are shown; the other "
            f'{confusion["other_classes"]} are folded into "oth" (its diagonal also counts their confusions '
            "among themselves)."
        )
    elif other:
        scope = f'All {shown} true classes are shown; "oth" holds predictions of classes absent from these rows.'
    elif confusion.get("classes"):
        scope = f"All {shown} true classes are shown."
    else:
        scope = f"The {shown} most frequent true classes are shown."
    total = sum(map(sum, matrix))
    note = (
        f"Rows: true class; columns: predicted class; each cell counts held-out rows (· none), {total} in all. "
        + scope
        + (" right: the share of the row predicted correctly." if totals else "")
    )
    lines += _notes(note, width, height - len(lines))
    return render(lines, width, height)


# -- precision-coverage -----------------------------------------------------------------------------


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
    if threshold is None:
        chosen = f"No confidence threshold reaches {goal:.0%} precision: every row needs review."
    else:
        shown = math.floor(threshold * 1000) / 1000  # never shown above the recorded threshold
        chosen = (
            f"● confidence >= {shown:.3f} codes {auto_coding['coverage']:.0%} of the rows "
            f"at {auto_coding['precision']:.1%} precision (vertical line)."
        )
    # Explained under the chart: plotext cuts a title or a label that does not fit without a word.
    explained = f"{chosen} Horizontal line: the {goal:.0%} precision target."
    notes = _notes(explained, width, min(len(textwrap.wrap(explained, max(width, 10))), 3))
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
    return "\n".join([render([_title(title, width)], width, 1), *plot, render(notes, width, len(notes))])


def slug(name: str) -> str:
    """A file-name part for a target: letters, digits, "-" and "_" only."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", str(name)).strip("_") or "target"
