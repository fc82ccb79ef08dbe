"""The confusion matrix: as many of a target's most frequent classes as fit, each cell with its count."""

from __future__ import annotations

from typing import Any

import pandas as pd

from nexusml.charts.text import (
    BOLD,
    DIM,
    RIGHT,
    WRONG,
    WRONG_STRONG,
    Line,
    fit_name,
    message_chart,
    note_lines,
    render,
    title_line,
)

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
    from nexusml.evaluation.report import confusion_counts

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


def _other_line(confusion: dict[str, Any], matrix: list[list[int]]) -> str:
    """What the folded "oth" row holds, in numbers that add up: its rows, how many are right, and how many of its
    diagonal are rows predicted as another of the folded classes (wrong, though inside "oth")."""
    rows, diagonal = sum(matrix[-1]), matrix[-1][-1]
    right = int(confusion.get("other_right", diagonal))
    share = f" ({right / rows:.0%})" if rows else ""
    line = f'"oth" folds the other {confusion["other_classes"]} classes: {rows} rows, {right}{share} predicted right'
    if diagonal > right:
        line += f"; its diagonal {diagonal} also holds {diagonal - right} predicted as another of those classes"
    return line + "."


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
    lines: list[Line] = [title_line(title, width), [(" " * ROW_W + "predicted →", BOLD)]]
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
        scope = f"The {shown} most frequent of {confusion['classes']} true classes are shown. " + _other_line(
            confusion, matrix
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
    lines += note_lines(note, width, height - len(lines))
    return render(lines, width, height)
