"""Code a new file: pick a saved model and an input file, predict it in chunks, then review it."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input, ProgressBar

from tui.runs import PastRun, list_past_runs
from tui.widgets.footer import Footer
from tui.widgets.plain import DataTable, Label, Static


class PredictScreen(Screen):
    HELP_TITLE = "coding a file"
    HELP_KEYS = [("enter (on a saved model)", "code the file with it"), ("tab", "the next box")]

    @dataclass
    class Checked(Message):
        model: Any
        frame: Any
        error: str

    @dataclass
    class Progress(Message):
        done: int
        total: int

    @dataclass
    class Finished(Message):
        coded: Any
        model: Any
        state: Any
        note: str
        error: str
        cancelled: bool

    BINDINGS = [
        Binding("f5", "predict", "Predict"),
        Binding("f4", "browse", "Browse"),
        Binding("escape", "back", "Back / cancel"),
    ]

    def __init__(
        self,
        output_dir: Path,
        model_path: Path | str | None = None,
        input_path: Path | str | None = None,
        start: bool = False,
    ):
        super().__init__(classes="predict")
        self.output_dir = Path(output_dir)
        self.initial = (str(model_path or ""), str(input_path or ""))
        self.start = start  # predict at once (nexusml-train --predict MODEL --data-path FILE)
        self.runs: list[PastRun] = []
        self.loaded: tuple[str, str, Any, Any] | None = None  # model path, input path, model, frame
        self.stop = threading.Event()
        self.running = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Code a new file with a saved model", "bold"), id="predict-heading")
        yield Label(f"Saved models in {self.output_dir} (enter picks one)", classes="section-title")
        yield DataTable(id="predict-models", cursor_type="row", zebra_stripes=True)
        with Horizontal(classes="predict-line"):
            yield Label("Model file ", classes="predict-label")
            yield Input(self.initial[0], placeholder="path/to/model.pkl", id="predict-model", compact=True)
        with Horizontal(classes="predict-line"):
            yield Label("File to code", classes="predict-label")
            yield Input(self.initial[1], placeholder="path/to/new.csv (f4 browses)", id="predict-input", compact=True)
        yield Static("", id="predict-columns")
        yield ProgressBar(id="predict-progress", show_eta=False)
        yield Static("f5 predicts the file; escape cancels a prediction", id="predict-status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#predict-models", DataTable)
        table.add_columns("created", "model file", "targets", "mean macro-F1")
        self.runs = [r for r in list_past_runs(self.output_dir) if r.exists]
        for i, run in enumerate(self.runs):
            f1 = f"{run.mean_f1:.3f}" if run.mean_f1 is not None else "–"
            table.add_row(run.created, run.model_file, str(run.targets), f1, key=str(i))
        if all(self.initial):
            self.action_predict() if self.start else self.check()
        focus = "#predict-input" if self.initial[0] else "#predict-models" if self.runs else "#predict-model"
        self.query_one(focus).focus()

    def paths(self) -> tuple[str, str]:
        return (
            self.query_one("#predict-model", Input).value.strip(),
            self.query_one("#predict-input", Input).value.strip(),
        )

    def status(self, text: str | Text) -> None:
        self.query_one("#predict-status", Static).update(text)

    # -- choosing -------------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#predict-models")
    def _model_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        run = self.runs[int(str(event.row_key.value))]
        self.query_one("#predict-model", Input).value = str(run.metadata_path.parent / run.model_file)
        self.query_one("#predict-input", Input).focus()
        self.check()

    @on(Input.Submitted, "#predict-model, #predict-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "predict-model":
            self.query_one("#predict-input", Input).focus()
        self.check()

    def action_browse(self) -> None:
        from tui.screens.browse import BrowseScreen

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.query_one("#predict-input", Input).value = str(path)
                self.check()

        self.app.push_screen(BrowseScreen(self.paths()[1] or None), chosen)

    def check(self) -> None:
        model_path, input_path = self.paths()
        if model_path and input_path and not self.running:
            self.query_one("#predict-columns", Static).update(Text("Reading the model and the file ...", "dim"))
            self.load(model_path, input_path)

    def _cached(self, model_path: str, input_path: str) -> tuple[Any, Any]:
        from nexusml.readers.loader import load_data
        from nexusml.store.load import load_model

        if self.loaded and self.loaded[:2] == (model_path, input_path):
            return self.loaded[2], self.loaded[3]
        model = load_model(model_path)
        frame = load_data(input_path)
        self.loaded = (model_path, input_path, model, frame)
        return model, frame

    @work(thread=True, exclusive=True, exit_on_error=False, group="predict-check")
    def load(self, model_path: str, input_path: str) -> None:
        from nexusml.errors import NexusMLError

        try:
            model, frame = self._cached(model_path, input_path)
        except (NexusMLError, OSError) as exc:
            self.post_message(self.Checked(None, None, str(exc)))
            return
        self.post_message(self.Checked(model, frame, ""))

    @on(Checked)
    def _checked(self, message: PredictScreen.Checked) -> None:
        shown = self.query_one("#predict-columns", Static)
        if message.error:
            shown.update(Text(message.error, "red"))
            return
        shown.update(columns_text(message.model, message.frame))

    # -- predicting -----------------------------------------------------------------------------

    def action_predict(self) -> None:
        model_path, input_path = self.paths()
        if self.running:
            return
        if not model_path or not input_path:
            self.notify("Give a model file and a file to code first.", severity="warning")
            return
        self.stop.clear()
        self.running = True
        self.query_one("#predict-progress", ProgressBar).update(total=None, progress=0)
        self.status("Reading ...")
        self.predict(model_path, input_path)

    @work(thread=True, exclusive=True, exit_on_error=False, group="predict-run")
    def predict(self, model_path: str, input_path: str) -> None:
        from nexusml import coding
        from nexusml.errors import Cancelled, NexusMLError

        def progress(done: int, total: int) -> None:
            self.post_message(self.Progress(done, total))

        try:
            model, frame = self._cached(model_path, input_path)
            coded = coding.code_frame(
                model,
                frame,
                on_progress=progress,
                should_stop=self.stop.is_set,
            )
            note = ""
            try:
                state = coding.ReviewState.open(input_path, model_path)
            except coding.ReviewMismatch as exc:
                state = coding.ReviewState.open(input_path, model_path, start_over=True)
                note = f"{exc}; the old review was kept as {state.path.name}.old"
        except Cancelled:
            self.post_message(self.Finished(None, None, None, "", "", True))
            return
        except (NexusMLError, OSError, ValueError) as exc:
            self.post_message(self.Finished(None, None, None, "", str(exc), False))
            return
        self.post_message(self.Finished(coded, model, state, note, "", False))

    @on(Progress)
    def _progress(self, message: PredictScreen.Progress) -> None:
        self.query_one("#predict-progress", ProgressBar).update(total=message.total, progress=message.done)
        if not self.stop.is_set():
            self.status(f"Predicting: {message.done:,} of {message.total:,} rows (escape cancels)")

    @on(Finished)
    def _finished(self, message: PredictScreen.Finished) -> None:
        from tui.screens.review import ReviewScreen

        self.running = False
        if message.cancelled:
            self.status(Text("Prediction cancelled; f5 starts again.", "yellow"))
            return
        if message.error:
            self.status(Text(message.error, "red"))
            self.notify(message.error, title="Prediction failed", severity="error")
            return
        done = f"{len(message.coded):,} rows predicted."
        outside = message.coded.out_of_range.warning()
        self.status(Text(f"{done} {outside}.", "yellow") if outside else done)
        if outside:
            self.notify(outside, title="Numbers outside the training range", severity="warning", timeout=15)
        if message.note:
            self.notify(message.note, title="Review file", severity="warning", timeout=10)
        self.app.push_screen(ReviewScreen(message.coded, message.model, message.state, Path(self.paths()[1])))

    def action_back(self) -> None:
        if self.running:
            self.stop.set()
            self.status(Text("Cancelling ...", "yellow"))
            return
        self.app.pop_screen()


def columns_text(model: Any, frame: Any) -> Text:
    """Which of the model's input columns the file has and lacks (and whether it has the target columns)."""
    from nexusml.features.engineering import missing_inputs

    config = model.feature_config
    lacking = missing_inputs(frame.columns, config)
    having = [c for c in config.input_columns if c not in lacking]
    out = Text()
    out.append(f"{len(frame):,} rows. ", "bold")
    out.append(f"Predicts {', '.join(model.targets)}. ")
    out.append("Has: ", "bold green")
    out.append(", ".join(having) or "none of the model's columns")
    if lacking:
        out.append("  Lacks: ", "bold yellow")
        out.append(", ".join(lacking) + " (read as empty)")
    if not having:
        out.append("\nThe file has none of the columns the model reads: it cannot be coded.", "red")
    return out
