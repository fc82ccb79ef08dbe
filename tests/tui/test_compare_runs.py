"""After a retraining, the results say how each target's macro-F1 moved against the run before."""

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


async def test_a_retrained_model_is_compared_with_the_one_before(tmp_path: Path) -> None:
    kinds = {"pump": "inline pump", "fan": "exhaust fan", "chiller": "screw chiller", "boiler": "gas boiler"}
    rows = [{"Description": f"{text} {i}", "Kind": kind} for i in range(60) for kind, text in kinds.items()]
    first = pd.DataFrame(rows)
    noisy = first.copy()
    noisy.loc[::7, "Kind"] = "fan"  # the first file holds wrong labels; the second has them corrected
    noisy.to_csv(tmp_path / "before.csv", index=False)
    first.to_csv(tmp_path / "after.csv", index=False)
    out = tmp_path / "models"
    before = _train(tmp_path / "before.csv", out)
    after = _train(tmp_path / "after.csv", out)
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
