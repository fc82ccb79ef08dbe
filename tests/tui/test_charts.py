"""The results screen's charts as they appear in the panel: every target, sized to fit, and the Coverage tab."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from textual.widgets import Select, TabbedContent
from tui_helpers import settle

from nexusml.evaluation.report import auto_coding, per_class_report
from tui.app import create_app
from tui.runs import RunView
from tui.screens.results import ResultsScreen
from tui.widgets.charts import ChartPlot

TARGETS = ("category_name", "mapping_IFC")


def make_view(tmp_path: Path, errors_file: bool = True) -> RunView:
    """A past run of two targets (8 and 40 classes, long names in the second) with its errors file."""
    metrics, counts, parts = {}, {}, []
    for k, target in enumerate(TARGETS):
        rng = np.random.default_rng(k)
        classes = 8 if k == 0 else 40
        names = [f"Cat{i}" if k == 0 else f"IfcDiscreteAccessoryType.USERDEFINED_{i:02d}" for i in range(classes)]
        weights = 1 / np.arange(1, classes + 1)
        truth = rng.choice(names, size=800, p=weights / weights.sum()).astype(str)
        predicted = np.where(rng.random(800) < 0.75, truth, rng.choice(names, size=800)).astype(str)
        right = truth == predicted
        confidence = np.where(right, rng.uniform(0.5, 1, 800), rng.uniform(0, 0.8, 800))
        metrics[target] = {
            "accuracy": float(right.mean()),
            "f1_macro": 0.7 - 0.1 * k,
            "support": 800,
            "per_class": per_class_report(truth, predicted),
            "auto_coding": auto_coding(confidence, right, 0.9),
        }
        counts[target] = pd.Series(truth).value_counts().to_dict()
        parts.append(pd.DataFrame({"target": target, "true": truth[~right], "predicted": predicted[~right]}))
    errors_path = tmp_path / "run_errors.csv"
    if errors_file:
        pd.concat(parts).to_csv(errors_path, index=False)
    return RunView(
        title="run_metadata.json",
        path="orchestrator",
        model_path=None,
        targets=TARGETS,
        metrics=metrics,
        class_counts=counts,
        stage_seconds={"load_data": 0.3, "train": 2.0},
        errors_path=errors_path,
    )


async def open_results(app, pilot, view: RunView) -> ResultsScreen:
    await settle(pilot)
    app.push_screen(ResultsScreen(view))
    await settle(pilot)
    assert isinstance(app.screen, ResultsScreen)
    return app.screen


def chart(screen: ResultsScreen, name: str) -> str:
    return screen.query_one(f"#chart-{name}", ChartPlot).chart_text()


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_charts_follow_the_target_and_fit_their_panel(tmp_path: Path, size) -> None:
    view = make_view(tmp_path)
    app = create_app({})
    async with app.run_test(size=size) as pilot:
        screen = await open_results(app, pilot, view)
        tabs = screen.query_one("#charts", TabbedContent)
        for target in TARGETS:
            screen.query_one("#target", Select).value = target
            await pilot.pause()
            for name, title in [
                ("classes", f"Rows per class: {target}"),
                ("confusion", f"Confusion matrix: {target}"),
                ("coverage", f"Precision against coverage: {target}"),
            ]:
                tabs.active = f"tab-{name}"
                await pilot.pause()
                widget = screen.query_one(f"#chart-{name}", ChartPlot)
                text = chart(screen, name)
                lines = text.split("\n")
                kind = title.partition(": ")[0]
                assert lines[0].startswith(f"{kind}: {target[:4]}") and lines[0].rstrip().endswith(target[-4:])
                assert len(lines) == widget.size.height and {len(line) for line in lines} == {widget.size.width}
        # The confusion matrix of the 40-class target: numbered from 1, the rest folded, counts in the cells.
        tabs.active = "tab-confusion"
        await pilot.pause()
        text = chart(screen, "confusion")
        header = next(line for line in text.split("\n") if line.startswith("true ↓"))
        columns = header.split("│")[0].split()[2:]
        assert columns[:3] == ["1", "2", "3"] and columns[-1] == "oth"
        assert columns[:-1] == [str(i) for i in range(1, len(columns))]
        first_row = next(line for line in text.split("\n") if re.match(r"^\s+1 ", line))
        assert re.search(r"\d", first_row[7:]), first_row


async def test_ctrl_g_goes_through_every_chart_including_coverage(tmp_path: Path) -> None:
    app = create_app({})
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_results(app, pilot, make_view(tmp_path))
        tabs = screen.query_one("#charts", TabbedContent)
        seen, shown = [tabs.active], {}
        for _ in range(5):
            await pilot.press("ctrl+g")
            await pilot.pause()
            seen.append(tabs.active)
            shown[tabs.active] = " ".join(chart(screen, tabs.active.removeprefix("tab-")).split())
        assert seen == ["tab-scores", "tab-classes", "tab-confusion", "tab-coverage", "tab-durations", "tab-scores"]
        assert "Coverage" in [str(tab.label) for tab in tabs.query("ContentTab")]
        target = TARGETS[0]
        threshold = screen.view.metrics[target]["auto_coding"]["threshold"]
        words = shown["tab-coverage"]
        assert f"Precision against coverage: {target}" in words
        assert f"● confidence >= {np.floor(threshold * 1000) / 1000:.3f}" in words


async def test_scores_chart_shows_each_value_beside_its_bar(tmp_path: Path) -> None:
    view = make_view(tmp_path)
    app = create_app({})
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_results(app, pilot, view)
        text = chart(screen, "scores")
        for target in TARGETS:
            f1 = f"{view.metrics[target]['f1_macro']:.3f}"
            row = next(line for line in text.split("\n") if "macro-F1│" in line and line.rstrip().endswith(f1))
            bar = row.split("│")[1].rstrip()[: -len(f1)]
            assert set(bar.strip()) <= set("█▏▎▍▌▋▊▉")


async def test_a_run_without_its_errors_file_says_why_there_is_no_matrix(tmp_path: Path) -> None:
    app = create_app({})
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_results(app, pilot, make_view(tmp_path, errors_file=False))
        screen.query_one("#charts", TabbedContent).active = "tab-confusion"
        await pilot.pause()
        assert "errors file of this run is missing" in chart(screen, "confusion")
