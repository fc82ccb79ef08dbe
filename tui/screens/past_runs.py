"""Past runs in the output directory, read from their metadata files."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header

from nexusml.errors import NexusMLError
from tui.messages import OpenPredict
from tui.runs import PastRun, RunView, list_past_runs
from tui.widgets.footer import Footer
from tui.widgets.plain import DataTable, Static


class PastRunsScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("f5", "reload", "Reload"),
        Binding("f6", "predict_file", "Code a file"),
    ]

    def __init__(self, output_dir: Path):
        super().__init__(classes="past-runs")
        self.output_dir = Path(output_dir)
        self.runs: list[PastRun] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="past-heading")
        yield DataTable(id="past-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#past-table", DataTable)
        table.add_columns("created", "model file", "path", "targets", "mean macro-F1")
        self.action_reload()
        table.focus()

    def action_reload(self) -> None:
        self.runs = list_past_runs(self.output_dir)
        table = self.query_one("#past-table", DataTable)
        table.clear()
        for i, run in enumerate(self.runs):
            name = Text(run.model_file or run.metadata_path.name, style="" if run.exists else "dim strike")
            f1 = f"{run.mean_f1:.3f}" if run.mean_f1 is not None else "–"
            table.add_row(run.created, name, run.training_path, str(run.targets), f1, key=str(i))
        heading = Text()
        heading.append(f"Past runs in {self.output_dir}", "bold")
        if self.runs:
            heading.append(f"  ({len(self.runs)}; enter opens one)", "dim")
        else:
            heading.append("\nNo saved runs here yet: train one with ctrl+r.", "dim")
        self.query_one("#past-heading", Static).update(heading)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self) -> None:
        table = self.query_one("#past-table", DataTable)
        if not self.runs or table.cursor_row is None or table.cursor_row >= len(self.runs):
            return
        self.open_run(self.runs[table.cursor_row])

    def action_predict_file(self) -> None:
        table = self.query_one("#past-table", DataTable)
        if not self.runs or table.cursor_row is None or table.cursor_row >= len(self.runs):
            return
        run = self.runs[table.cursor_row]
        model = run.metadata_path.parent / run.model_file if run.model_file else None
        self.app.post_message(OpenPredict(str(model) if model is not None and model.exists() else ""))

    def open_run(self, run: PastRun) -> None:
        from tui.screens.results import ResultsScreen

        try:
            view = RunView.from_metadata(run.metadata_path)
        except (OSError, ValueError, NexusMLError) as exc:
            self.notify(f"Cannot read {run.metadata_path.name}: {exc}", severity="error")
            return
        self.app.push_screen(ResultsScreen(view))

    @on(DataTable.RowSelected, "#past-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()
