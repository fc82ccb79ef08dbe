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

# column key: (label, the value the runs are sorted by)
COLUMNS = {
    "created": ("created", lambda r: (r.created, r.saved_ns)),
    "data": ("data file", lambda r: r.data_file.casefold()),
    "f1": ("macro-F1", lambda r: _number(r.mean_f1)),
    "accuracy": ("acc", lambda r: _number(r.mean_accuracy)),
    "coverage": ("auto", lambda r: _number(r.mean_coverage)),
    "targets": ("targets", lambda r: ", ".join(r.target_names).casefold()),
    "model": ("model file", lambda r: r.model_file.casefold()),
}
DESCENDING = {"created", "f1", "accuracy", "coverage"}  # newest, best first


def _number(value: float | None) -> float:
    return -1.0 if value is None else value


def _figure(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "–"
    return f"{value:.0%}" if percent else f"{value:.3f}"


class PastRunsScreen(Screen):
    """The runs in the output folder as a leaderboard: the data file, the targets, the mean accuracy, macro-F1 and
    share of rows coded automatically over the targets; sorted by a column (a header click, or a key)."""

    HELP_TITLE = "past runs"
    HELP_KEYS = [("enter", "open the run's results"), ("a click on a column's name", "sort by it (again: reverse)")]
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("f", "sort('f1')", "Best F1", tooltip="Sort by mean macro-F1, best first"),
        Binding("d", "sort('created')", "Newest", tooltip="Sort by date, newest first"),
        Binding("f5", "reload", "Reload"),
        Binding("f6", "predict_file", "Code a file"),
    ]

    def __init__(self, output_dir: Path):
        super().__init__(classes="past-runs")
        self.output_dir = Path(output_dir)
        self.runs: list[PastRun] = []
        self.sort_key, self.reverse = "created", False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="past-heading")
        yield DataTable(id="past-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()
        self.query_one("#past-table", DataTable).focus()

    def action_sort(self, key: str) -> None:
        self.reverse = not self.reverse if key == self.sort_key else False
        self.sort_key = key
        self.show_runs()

    @on(DataTable.HeaderSelected, "#past-table")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        self.action_sort(str(event.column_key.value))

    def action_reload(self) -> None:
        self.runs = list_past_runs(self.output_dir)
        self.show_runs()

    def show_runs(self) -> None:
        order = COLUMNS[self.sort_key][1]
        descending = (self.sort_key in DESCENDING) != self.reverse
        self.runs.sort(key=order, reverse=descending)
        table = self.query_one("#past-table", DataTable)
        table.clear(columns=True)
        for key, (label, _) in COLUMNS.items():
            mark = (" ▼" if descending else " ▲") if key == self.sort_key else ""
            table.add_column(label + mark, key=key)
        for i, run in enumerate(self.runs):
            name = Text(run.model_file or run.metadata_path.name, style="" if run.exists else "dim strike")
            table.add_row(
                run.created.replace("T", " ")[:16],
                run.data_file or "?",
                _figure(run.mean_f1),
                _figure(run.mean_accuracy),
                _figure(run.mean_coverage, percent=True),
                ", ".join(run.target_names) or str(run.targets),
                name,
                key=str(i),
            )
        heading = Text()
        heading.append(f"Past runs in {self.output_dir}", "bold")
        if self.runs:
            heading.append(f"  ({len(self.runs)}; enter opens one)", "dim")
            heading.append(
                "\nmeans over each run's targets: macro-F1, accuracy and the share of rows coded automatically", "dim"
            )
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
