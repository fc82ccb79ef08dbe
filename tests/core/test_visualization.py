"""The chart files and the charts in them, read as a person reads them: the text on the grid, the files on disk."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import confusion_matrix

from nexusml.charts import (
    confusion_for,
    draw_confusion,
    draw_coverage,
    draw_scores,
    fit_name,
)
from nexusml.charts.files import FILE_SIZE, plain_text, write_charts
from nexusml.evaluation.report import auto_coding, per_class_report

REPO = Path(__file__).resolve().parents[2]


# -- helpers ----------------------------------------------------------------------------------------


def held_out(classes: int, seed: int = 0, rows: int = 600, names: str = "class_{:02d}"):
    """Truth and predictions over ``classes`` classes of decreasing frequency, about 70 % right."""
    rng = np.random.default_rng(seed)
    labels = [names.format(i) for i in range(classes)]
    weights = 1 / np.arange(1, classes + 1)
    truth = rng.choice(labels, size=rows, p=weights / weights.sum())
    wrong = rng.random(rows) > 0.7
    predicted = np.where(wrong, rng.choice(labels, size=rows), truth)
    return truth.astype(str), predicted.astype(str)


def errors_frame(truth, predicted, target: str = "t") -> pd.DataFrame:
    wrong = truth != predicted
    return pd.DataFrame({"target": target, "true": truth[wrong], "predicted": predicted[wrong]})


def read_grid(text: str) -> tuple[list[str], list[str], list[list[int]], dict[str, str]]:
    """Column labels, row labels, cell counts and the legend (number -> name) of a drawn confusion matrix."""
    lines = text.split("\n")
    top = next(i for i, line in enumerate(lines) if line.startswith("true ↓"))
    columns = lines[top].split("│")[0].split()[2:]  # after "true" and "↓"
    rows, cells, legend = [], [], {}
    for line in lines[top + 1 : top + 1 + len(columns)]:
        parts = line.split("│")
        tokens = parts[0].split()
        rows.append(tokens[0])
        cells.append([0 if t == "·" else int(t) for t in tokens[1:]])
        if len(parts) == 3:  # the legend beside the grid
            number, _, name = parts[2].strip().partition(" ")
            legend[number] = name.strip()
    for line in lines[top + 1 + len(columns) :]:  # the legend below the grid
        match = re.match(r"^\s+(\d+|oth) (\S.*?)\s*$", line)
        if not match:
            break
        legend[match.group(1)] = match.group(2)
    return columns, rows, cells, legend


def expected_matrix(truth, predicted, shown: list[str]) -> np.ndarray:
    """scikit-learn's confusion matrix over every class, with the classes not in ``shown`` folded into one."""
    everything = sorted(set(truth) | set(predicted))
    full = confusion_matrix(truth, predicted, labels=everything)
    index = {name: i for i, name in enumerate(everything)}
    rest = [index[name] for name in everything if name not in shown]
    order = [index[name] for name in shown]
    size = len(shown) + (1 if rest else 0)
    out = np.zeros((size, size), dtype=int)
    groups = [[i] for i in order] + ([rest] if rest else [])
    for a, rows in enumerate(groups):
        for b, columns in enumerate(groups):
            out[a, b] = full[np.ix_(rows, columns)].sum()
    return out


# -- the confusion matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize(("classes", "size"), [(2, (110, 32)), (3, (110, 32)), (10, (110, 32)), (30, (110, 32))])
def test_confusion_tick_labels_name_the_cells_under_them(classes, size):
    truth, predicted = held_out(classes, seed=classes)
    per_class = per_class_report(truth, predicted)
    chart = plain_text(draw_confusion(confusion_for(per_class, errors_frame(truth, predicted), *size), "t", *size))
    columns, rows, cells, legend = read_grid(chart)

    # Every row and column is labelled, in order, from 1 (and "oth" last when classes are folded).
    folded = "oth" in columns
    numbers = [str(i) for i in range(1, len(columns) + (0 if folded else 1))]
    assert columns == numbers + (["oth"] if folded else [])
    assert rows == columns
    assert folded == (classes == 30)  # 30 classes do not fit 110 columns: the least frequent are folded
    # The legend names each number; the numbered classes are the most frequent ones.
    counts = pd.Series(truth).value_counts()
    names = [legend[n] for n in numbers]
    frequency = sorted(counts.index, key=lambda k: (-counts[k], k))
    assert names == frequency[: len(numbers)]
    if folded:
        assert legend["oth"] == f"{classes - len(numbers)} other classes"
    # Each cell holds the count scikit-learn gives for (its row's true class, its column's predicted class).
    assert cells == expected_matrix(truth, predicted, names).tolist()
    assert "Rows: true class; columns: predicted class" in " ".join(chart.split())
    assert "predicted →" in chart and "true ↓" in chart


def test_long_class_names_keep_their_start_and_end():
    truth, predicted = held_out(4, names="IfcDiscreteAccessoryType.USERDEFINED_{:02d}")
    per_class = per_class_report(truth, predicted)
    chart = plain_text(draw_confusion(confusion_for(per_class, errors_frame(truth, predicted), 60, 30), "t", 60, 30))
    _, _, _, legend = read_grid(chart)
    assert sorted(legend.values()) == sorted(set(truth))  # full names below the grid in a narrow panel
    assert fit_name("IfcDiscreteAccessoryType.USERDEFINED", 20) == "IfcDiscreteA…DEFINED"
    narrow = plain_text(draw_confusion(confusion_for(per_class, errors_frame(truth, predicted), 40, 12), "t", 40, 12))
    assert all(len(line) == 40 for line in narrow.split("\n"))


def test_the_confusion_matrix_fits_the_panel_it_is_drawn_in():
    truth, predicted = held_out(60, seed=4, rows=2000)
    per_class = per_class_report(truth, predicted)
    errors = errors_frame(truth, predicted)
    shown = {}
    for size in [(40, 14), (60, 30), (110, 32), (160, 50)]:
        chart = plain_text(draw_confusion(confusion_for(per_class, errors, *size), "t", *size))
        lines = chart.split("\n")
        assert len(lines) == size[1] and {len(line) for line in lines} == {size[0]}
        columns, _, cells, _ = read_grid(chart)
        shown[size] = len(columns) - 1
        assert sum(map(sum, cells)) == len(truth)  # nothing is lost in the fold
    assert shown[(40, 14)] < shown[(60, 30)] <= shown[(110, 32)] < shown[(160, 50)] <= 30


# -- bars -------------------------------------------------------------------------------------------


def bar_rows(chart: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(target, series) -> (the bar, the value written after it) of a scores chart."""
    out, target = {}, ""
    for line in chart.split("\n"):
        match = re.match(r"^(.*?)\s*(accuracy|macro-F1)│(.*)$", line)
        if match:
            target = match.group(1).strip() or target
            bar, _, value = match.group(3).rstrip().rpartition(" ")
            out[(target, match.group(2))] = (bar.rstrip(), value)
    return out


def test_scores_have_their_values_beside_the_bars_and_no_legend_over_them():
    metrics = {
        "close_to_one": {"accuracy": 0.98, "f1_macro": 0.95},
        "perfect": {"accuracy": 1.0, "f1_macro": 0.999},
        "lower": {"accuracy": 0.88, "f1_macro": 0.86},
    }
    chart = plain_text(draw_scores(metrics, *FILE_SIZE))
    bars = bar_rows(chart)
    assert set(bars) == {(t, s) for t in metrics for s in ("accuracy", "macro-F1")}
    for (target, series), (bar, value) in bars.items():
        key = "accuracy" if series == "accuracy" else "f1_macro"
        assert value == f"{metrics[target][key]:.3f}"  # the value, printed outside the bar
        assert set(bar) <= set("█▏▎▍▌▋▊▉")  # nothing but the bar inside it: no legend, no label
    length = {key: len(bar) for key, (bar, _) in bars.items()}
    # Near 1 the axis is zoomed: 0.95, 0.98 and 1.0 are bars of clearly different lengths.
    f95, a98, a100 = (
        length[("close_to_one", "macro-F1")],
        length[("close_to_one", "accuracy")],
        length[("perfect", "accuracy")],
    )
    assert f95 + 5 <= a98 and a98 + 5 <= a100
    assert "from 0.80 to 1" in chart
    assert "0.8" in chart.split("└")[1] and "1" in chart.split("└")[1]  # the axis' range under it


# -- precision-coverage -----------------------------------------------------------------------------


def test_coverage_chart_marks_the_chosen_threshold_and_the_target():
    rng = np.random.default_rng(1)
    confidence = rng.random(2000)
    correct = rng.random(2000) < 0.5 + 0.5 * confidence
    figures = auto_coding(confidence, correct, 0.9)
    assert figures["threshold"] is not None
    chart = plain_text(draw_coverage(figures, "t", *FILE_SIZE))
    lines = chart.split("\n")
    assert len(lines) == FILE_SIZE[1] and {len(line) for line in lines} == {FILE_SIZE[0]}
    shown = np.floor(figures["threshold"] * 1000) / 1000
    words = " ".join(chart.split())  # the notes under the chart, unwrapped
    assert f"● confidence >= {shown:.3f} codes {figures['coverage']:.0%} of the rows" in words
    assert "Horizontal line: the 90% precision target" in words
    # The marker sits where the chosen coverage is on the x axis (0 % at the left edge, 100 % at the right).
    row = next(line for line in lines if "●" in line)
    left = lines[1].index("┌")
    right = lines[1].rindex("┐")
    at = (row.index("●") - left) / (right - left)
    assert at == pytest.approx(figures["coverage"], abs=0.05)
    # The target line crosses the plot: a row of "─" inside the frame.
    assert any(line.count("─") > (right - left) * 0.8 and "├" in line for line in lines)


def test_coverage_chart_says_when_no_threshold_reaches_the_target():
    figures = auto_coding(np.linspace(0, 1, 50), np.arange(50) % 2 == 0, 0.99)
    assert figures["threshold"] is None
    chart = plain_text(draw_coverage(figures, "t", 80, 24))
    assert "No confidence threshold reaches 99% precision" in " ".join(chart.split()) and "●" not in chart


# -- the files --------------------------------------------------------------------------------------

TARGETS = ("category_name", "Equipment Type/Sub")


def run_figures() -> tuple[dict, dict, dict, pd.DataFrame]:
    metrics, counts, parts = {}, {}, []
    for k, target in enumerate(TARGETS):
        truth, predicted = held_out(8 + 20 * k, seed=k)
        rng = np.random.default_rng(k)
        confidence = np.where(truth == predicted, rng.uniform(0.5, 1, len(truth)), rng.uniform(0, 0.8, len(truth)))
        metrics[target] = {
            "accuracy": float(np.mean(truth == predicted)),
            "f1_macro": 0.7,
            "per_class": per_class_report(truth, predicted),
            "auto_coding": auto_coding(confidence, truth == predicted, 0.95),
        }
        counts[target] = pd.Series(truth).value_counts().to_dict()
        parts.append(errors_frame(truth, predicted, target))
    stages = {"load_data": 0.2, "train": 3.5, "evaluate": 0.4}
    return metrics, counts, stages, pd.concat(parts, ignore_index=True)


def test_one_file_set_per_target_with_counts_in_the_confusion_text(tmp_path):
    metrics, counts, stages, errors = run_figures()
    paths = write_charts(tmp_path, "model_1", metrics, counts, stages, errors)
    names = {p.name for p in paths}
    kinds = ("class_distribution", "confusion_matrix", "coverage")
    slugs = ("category_name", "Equipment_Type_Sub")
    expected = {"model_1_scores", "model_1_stage_durations"} | {f"model_1_{k}_{s}" for k in kinds for s in slugs}
    assert names == {f"{stem}{ext}" for stem in expected for ext in (".txt", ".html")}
    assert {p.name for p in tmp_path.iterdir()} == names
    for target, name in zip(TARGETS, slugs, strict=True):
        text = (tmp_path / f"model_1_confusion_matrix_{name}.txt").read_text(encoding="utf-8")
        assert f"Confusion matrix: {target}" in text
        columns, rows, cells, legend = read_grid(text)
        per_class = metrics[target]["per_class"]
        # The diagonal counts in the file are each class's correct rows.
        for number in columns:
            if number != "oth":
                figures = per_class[legend[number]]
                right = cells[rows.index(number)][columns.index(number)]
                assert right == round(figures["recall"] * figures["support"]) > 0


def test_chart_files_do_not_depend_on_the_terminal(tmp_path):
    """Cron (no terminal, COLUMNS unset), a terminal of another size and a pseudo-terminal write the same files."""
    metrics, counts, stages, errors = run_figures()
    figures = tmp_path / "figures.json"
    figures.write_text(json.dumps({"m": metrics, "c": counts, "s": stages}), encoding="utf-8")
    errors.to_csv(tmp_path / "errors.csv", index=False)
    script = (
        "import json, sys, pandas as pd; from pathlib import Path\n"
        "from nexusml.charts.files import write_charts\n"
        f"f = json.loads(Path({str(figures)!r}).read_text())\n"
        f"e = pd.read_csv({str(tmp_path / 'errors.csv')!r}, dtype=str, keep_default_na=False)\n"
        "write_charts(Path(sys.argv[1]), 'm', f['m'], f['c'], f['s'], e)\n"
    )
    base = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    base["PYTHONPATH"] = str(REPO)
    runs = {
        "cron": dict(base),
        "small": dict(base, COLUMNS="80", LINES="24"),
        "large": dict(base, COLUMNS="200", LINES="60"),
    }
    for name, env in runs.items():
        subprocess.run([sys.executable, "-c", script, str(tmp_path / name)], env=env, check=True, timeout=120)
    # In a pseudo-terminal of 150 x 45 cells.
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 45, 150, 0, 0))
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "tty")],
        env=base,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        timeout=120,
    )
    os.close(follower)
    os.close(leader)
    assert done.returncode == 0
    reference = {p.name: p.read_bytes() for p in (tmp_path / "cron").iterdir()}
    assert len(reference) == (2 + 3 * len(TARGETS)) * 2
    for name in ("small", "large", "tty"):
        assert {p.name: p.read_bytes() for p in (tmp_path / name).iterdir()} == reference, name
    width, height = FILE_SIZE
    for file_name, data in reference.items():
        if file_name.endswith(".txt"):
            lines = data.decode("utf-8").rstrip("\n").split("\n")
            assert len(lines) == height and {len(line) for line in lines} == {width}, file_name


class Checked(HTMLParser):
    """Records the doctype, the charset and whether every element is closed in order."""

    VOID = {"meta", "br", "link", "img", "hr", "input"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doctype, self.charset, self.stack, self.problems, self.pre = "", "", [], [], []
        self.spans = 0

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "meta":
            self.charset = dict(attrs).get("charset", self.charset)
        if tag == "span":
            self.spans += 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "pre" in self.stack:
            self.pre.append(data)


def test_html_files_are_valid_small_pages_showing_the_text_chart(tmp_path):
    metrics, counts, stages, errors = run_figures()
    paths = write_charts(tmp_path, "m", metrics, counts, stages, errors)
    pages = [p for p in paths if p.suffix == ".html"]
    assert len(pages) == 2 + 3 * len(TARGETS)
    for page in pages:
        source = page.read_text(encoding="utf-8")
        assert source.startswith("<!DOCTYPE html>")
        checked = Checked()
        checked.feed(source)
        checked.close()
        assert checked.doctype.lower() == "doctype html" and checked.charset == "utf-8", page.name
        assert checked.problems == [] and checked.stack == [], page.name
        assert len(source.encode("utf-8")) < 30_000, page.name  # about 150 KB a chart before
        assert checked.spans < 400, page.name  # runs of one colour, not a span per character
        text = page.with_suffix(".txt").read_text(encoding="utf-8")
        shown = "".join(checked.pre).strip("\n").split("\n")
        assert [line.rstrip() for line in shown] == [line.rstrip() for line in text.rstrip("\n").split("\n")][
            : len(shown)
        ]
        assert all(not line.strip() for line in text.rstrip("\n").split("\n")[len(shown) :])


def test_the_folded_row_says_how_many_of_its_rows_are_right_and_how_many_are_mix_ups_among_them():
    from nexusml.charts.confusion import draw_confusion

    confusion = {
        "labels": ["Pump", "Fan", "other"],
        "matrix": [[5, 1, 0], [0, 4, 1], [0, 1, 10]],  # "other": 11 rows, 10 on its diagonal, 7 of them right
        "folded": True,
        "other_classes": 3,
        "other_right": 7,
        "classes": 5,
    }
    text = " ".join(plain_text(draw_confusion(confusion, "kind", 110, 40)).split())
    assert '"oth" folds the other 3 classes: 11 rows, 7 (64%) predicted right' in text
    assert "its diagonal 10 also holds 3 predicted as another of those classes" in text
    assert "64%" in text.split("oth", 1)[1]  # the row's share of right rows agrees with the note


def test_long_class_names_are_numbered_with_a_legend_that_tells_them_apart():
    from nexusml.charts.bars import draw_class_distribution

    names = [f"services and products for signage, systems and {x} products" for x in ("fire", "water", "gas")]
    chart = plain_text(draw_class_distribution(dict(zip(names, (30, 20, 10), strict=True)), "kind", 80, 20))
    lines = [line.rstrip() for line in chart.splitlines()]
    assert [line.split("│")[0] for line in lines[1:4]] == ["1", "2", "3"]  # bars numbered, most rows first
    for number, name in enumerate(names, 1):
        assert f"{number} {name}" in lines  # each whole name once, under its number
