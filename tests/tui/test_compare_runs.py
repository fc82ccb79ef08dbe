"""After a retraining, the results say how each target's figures moved against the run before; past runs are a
leaderboard."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from textual.widgets import DataTable, Static
from tui_helpers import settle, text_of

from tui.app import create_app
from tui.runs import RunView
from tui.screens.results import ResultsScreen


def _train(data: Path, out: Path):
    from nexusml.options.arguments import arguments_from_values
    from nexusml.pipeline import run_training

    values = {"data_path": data, "targets": ["Kind"], "text_columns": ["Description"], "output_dir": out}
    return run_training(arguments_from_values(values))


def _noisy_then_clean(folder: Path, every: int):
    """Two runs into ``folder / "models"``: on a file with every ``every``-th label wrong, then on it corrected."""
    kinds = {"pump": "inline pump", "fan": "exhaust fan", "chiller": "screw chiller", "boiler": "gas boiler"}
    rows = [{"Description": f"{text} {i}", "Kind": kind} for i in range(60) for kind, text in kinds.items()]
    clean = pd.DataFrame(rows)
    noisy = clean.copy()
    noisy.loc[::every, "Kind"] = "fan"
    noisy.to_csv(folder / "noisy.csv", index=False)
    clean.to_csv(folder / "clean.csv", index=False)
    out = folder / "models"
    return _train(folder / "noisy.csv", out), _train(folder / "clean.csv", out), out


async def test_a_retrained_model_is_compared_with_the_one_before(tmp_path: Path) -> None:
    before, after, out = _noisy_then_clean(tmp_path, 7)  # the first file holds wrong labels; the second not
    app = create_app({"output_dir": str(out)})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(ResultsScreen(RunView.from_result(after)))
        await settle(pilot)
        table = app.screen.query_one("#metrics", DataTable)
        assert [str(c.label) for c in table.columns.values()][-1] == "F1 vs before"
        change = after.metrics["Kind"]["f1_macro"] - before.metrics["Kind"]["f1_macro"]
        assert str(table.get_row_at(0)[-1]) == f"{change:+.3f}"
        heading = text_of(app.screen.query_one("#results-heading", Static))
        assert f"against {Path(before.metadata_path).name}" in heading
        app.push_screen(ResultsScreen(RunView.from_result(before)))  # the first run has nothing before it
        await settle(pilot)
        columns = [str(c.label) for c in app.screen.query_one("#metrics", DataTable).columns.values()]
        assert "F1 vs before" not in columns


async def test_the_results_compare_accuracy_f1_and_coverage_and_past_runs_rank_the_runs(tmp_path: Path) -> None:
    from textual.widgets import DataTable

    from tui.runs import coverage_of
    from tui.screens.past_runs import PastRunsScreen

    before, after, out = _noisy_then_clean(tmp_path, 5)
    app = create_app({"output_dir": str(out)})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(ResultsScreen(RunView.from_result(after)))
        await settle(pilot)
        line = text_of(app.screen.query_one("#auto-coding", Static))
        was, now = before.metrics["Kind"], after.metrics["Kind"]
        assert "Against the run before:" in line
        assert f"accuracy {was['accuracy']:.3f} → {now['accuracy']:.3f}" in line
        assert f"macro-F1 {was['f1_macro']:.3f} → {now['f1_macro']:.3f}" in line
        assert f"auto-coded {coverage_of(was):.0%} → {coverage_of(now):.0%}" in line

        await pilot.press("ctrl+o")
        await settle(pilot)
        past = app.screen
        assert isinstance(past, PastRunsScreen)
        table = past.query_one("#past-table", DataTable)
        labels = [str(c.label) for c in table.ordered_columns]
        assert labels[:6] == ["created ▼", "data file", "macro-F1", "acc", "auto", "targets"]

        def column(name: str) -> list[str]:
            place = [str(c.key.value) for c in table.ordered_columns].index(name)
            return [str(table.get_row_at(i)[place]) for i in range(table.row_count)]

        assert column("data") == ["clean.csv", "noisy.csv"] and column("targets") == ["Kind", "Kind"]
        assert column("f1") == [f"{now['f1_macro']:.3f}", f"{was['f1_macro']:.3f}"]
        await pilot.press("f")  # best macro-F1 first
        await settle(pilot)
        f1 = [float(v) for v in column("f1")]
        assert f1 == sorted(f1, reverse=True) and "macro-F1 ▼" in [str(c.label) for c in table.ordered_columns]
        await pilot.press("f")  # again: worst first
        await settle(pilot)
        assert [float(v) for v in column("f1")] == sorted(f1)
        await pilot.press("enter")  # the row under the cursor is the run it opens
        await settle(pilot)
        assert isinstance(app.screen, ResultsScreen)
        assert f"{app.screen.view.metrics['Kind']['f1_macro']:.3f}" == f"{min(f1):.3f}"
