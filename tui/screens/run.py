"""The run: stage list, progress bar and a log streaming every event and log record."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, ProgressBar, RichLog

from nexusml.pipeline import (
    CancelToken,
    RunFinished,
    RunStarted,
    StageFailed,
    StageFinished,
    StageProgress,
    StageStarted,
)
from tui.messages import RunEvent, RunFailed, RunLog, RunSucceeded, TrainingEnded
from tui.training_process import run_in_process
from tui.widgets.footer import Footer
from tui.widgets.plain import Static
from tui.widgets.stage_list import StageList

if TYPE_CHECKING:
    from nexusml.options.arguments import TrainingArguments
    from nexusml.pipeline import Event, TrainingResult

LEVEL_STYLES = {
    logging.DEBUG: "dim",
    logging.INFO: "",
    logging.WARNING: "yellow",
    logging.ERROR: "bold red",
    logging.CRITICAL: "bold red",
}


class RunScreen(Screen):
    HELP_TITLE = "a training run"
    # Trains in a child process (the screen stays responsive while scikit-learn holds the GIL);
    # takes (args, on_event, on_log, cancel_token) and returns the TrainingResult.
    runner = staticmethod(run_in_process)

    BINDINGS = [
        Binding("escape", "leave", "Cancel / back"),
        Binding("ctrl+c", "cancel_run", "Cancel run", priority=True),
        Binding("enter", "results", "Results", show=False),
        Binding("t", "traceback", "Traceback", show=False),
    ]

    def __init__(self, args: TrainingArguments):
        super().__init__(classes="run")
        self.args = args
        self.token = CancelToken()
        self.running = False
        self.result: TrainingResult | None = None
        self.failure: RunFailed | None = None
        self.path = ""
        self._stage_total = 0
        self._stages_done = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="run-body"):
            with Vertical(id="run-side"):
                yield Static("", id="run-title")
                yield StageList(id="stages")
            with Vertical(id="run-main"):
                yield ProgressBar(total=None, id="run-progress", show_eta=False)
                yield Static("", id="run-status")
                yield RichLog(id="run-log", wrap=True, markup=False, highlight=False, max_lines=5000, min_width=20)
        yield Footer()

    def on_mount(self) -> None:
        path = "legacy" if self.args.legacy else "orchestrator"
        self.query_one("#run-title", Static).update(
            Text.assemble(("Training ", "bold"), (self.args.model_name, "bold cyan"), (f"\n{path} path", "dim"))
        )
        self._status("starting …", "yellow")
        self.running = True
        self.train()

    # -- the worker -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="training")
    def train(self) -> None:
        from nexusml.pipeline import TrainingCancelled, TrainingError

        def on_event(event: Event) -> None:
            self.post_message(RunEvent(event))

        def on_log(level: int, name: str, text: str) -> None:
            self.post_message(RunLog(level, name, text))

        try:
            result = self.runner(self.args, on_event, on_log, self.token)
        except TrainingCancelled as exc:
            self.post_message(RunFailed(exc.stage, exc.message, exc.traceback, cancelled=True, outcome=exc.outcome))
        except TrainingError as exc:
            self.post_message(RunFailed(exc.stage, exc.message, exc.traceback, outcome=exc.outcome))
        except Exception as exc:  # outside the run itself: starting the child, reading its messages
            import traceback

            from nexusml.pipeline.failures import describe_error

            self.post_message(RunFailed("setup", describe_error(exc), traceback.format_exc()))
        else:
            self.post_message(RunSucceeded(result))

    # -- messages from the worker -----------------------------------------------------------------

    def _log(self, text: str | Text, style: str = "") -> None:
        self.query_one("#run-log", RichLog).write(text if isinstance(text, Text) else Text(text, style=style))

    def _status(self, text: str, style: str = "") -> None:
        self.query_one("#run-status", Static).update(Text(text, style=style))

    def _progress(self, fraction: float = 0.0) -> None:
        bar = self.query_one("#run-progress", ProgressBar)
        if self._stage_total:
            bar.update(total=self._stage_total, progress=min(self._stage_total, self._stages_done + fraction))

    @on(RunEvent)
    def _event(self, message: RunEvent) -> None:
        event = message.event
        stages = self.query_one("#stages", StageList)
        if isinstance(event, RunStarted):
            self.path = event.path
            stages.set_stages(event.stages, event.path)
            self._stage_total = len(event.stages)
            self._progress()
            self._log(f"▶ run started: {event.path} path, {len(event.stages)} stages", "bold")
            if event.path == "legacy":
                self._log("  the legacy path reports its stages through the log records below", "dim")
        elif isinstance(event, StageStarted):
            stages.mark(event.stage, "running", title=event.title)
            self._status(f"[{event.index}/{event.total}] {event.title} …", "yellow")
            self._log(f"[{event.index}/{event.total}] {event.title} …", "cyan")
        elif isinstance(event, StageProgress):
            self._progress(event.fraction)
            if event.message:
                self._log(f"    {event.message}", "dim")
        elif isinstance(event, StageFinished):
            stages.mark(event.stage, "done", seconds=event.seconds)
            self._stages_done += 1
            self._progress()
            self._log(f"  ✓ {event.stage} done in {event.seconds:.2f}s: {event.summary}", "green")
        elif isinstance(event, StageFailed):
            stages.mark(event.stage, "cancelled" if event.cancelled else "failed")
            style = "yellow" if event.cancelled else "bold red"
            verb = "stopped" if event.cancelled else "failed"
            self._log(f"  ✗ {event.stage} {verb}: {event.error}", style)
        elif isinstance(event, RunFinished):
            stages.finish(event.result.stage_seconds)
            self._log(f"■ model saved: {event.result.model_path}", "bold green")

    @on(RunLog)
    def _record(self, message: RunLog) -> None:
        style = LEVEL_STYLES.get(message.level, "")
        name = message.name.removeprefix("nexusml.")
        line = Text()
        line.append(f"{logging.getLevelName(message.level)[:4]:<4} ", style or "dim")
        line.append(f"{name}: ", "dim")
        line.append(message.text, style)
        self._log(line)

    @on(RunSucceeded)
    def _succeeded(self, message: RunSucceeded) -> None:
        self.running = False
        self.refresh_bindings()
        self.result = message.result
        bar = self.query_one("#run-progress", ProgressBar)
        bar.update(total=1, progress=1)
        self._status(
            f"✓ done; model saved to {message.result.model_path}   (enter: results, escape: back)", "bold green"
        )
        self.app.post_message(TrainingEnded(ok=True, result=message.result))
        self.action_results()

    @on(RunFailed)
    def _failed(self, message: RunFailed) -> None:
        self.running = False
        self.refresh_bindings()
        self.failure = message
        bar = self.query_one("#run-progress", ProgressBar)
        bar.update(total=1, progress=0)
        if message.cancelled:
            self._status(f"■ cancelled during '{message.stage}'; {message.outcome}   (escape: back)", "bold yellow")
            self._log(f"■ run cancelled; {message.outcome}", "bold yellow")
        else:
            self._status(
                f"✗ stage '{message.stage}' failed: {message.message}   (t: traceback, escape: back)", "bold red"
            )
            self._log(f"✗ run failed in stage '{message.stage}': {message.message}", "bold red")
        self.app.post_message(TrainingEnded(ok=False, cancelled=message.cancelled))

    # -- keys -------------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.running if action == "cancel_run" else True  # no "Cancel run" key once the run ended

    def ask_cancel(self, then=None) -> None:
        from tui.screens.confirm import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes and self.running:
                self.token.cancel("cancelled in the wizard")
                self._status("cancelling after the current step …", "yellow")
                self._log("■ cancel requested", "yellow")
            if yes and then is not None:
                then()

        self.app.push_screen(ConfirmScreen("Cancel the training run?", "Cancel run", "Keep training"), answer)

    def action_cancel_run(self) -> None:
        if self.running:
            self.ask_cancel()

    def action_leave(self) -> None:
        if self.running:
            self.ask_cancel()
        else:
            self.app.pop_screen()

    def action_results(self) -> None:
        if self.result is not None:
            from tui.runs import RunView
            from tui.screens.results import ResultsScreen

            self.app.push_screen(ResultsScreen(RunView.from_result(self.result)))

    def action_traceback(self) -> None:
        if self.failure is not None and not self.failure.cancelled:
            from tui.screens.traceback import TracebackScreen

            self.app.push_screen(TracebackScreen(self.failure.stage, self.failure.message, self.failure.traceback))
