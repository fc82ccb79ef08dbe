"""The NexusML training wizard: app factory and entry point."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen

from nexusml.options.parser import command_line
from nexusml.options.training_args import SPECS
from nexusml.options.validators import ArgumentError
from tui.form import FormState, label_for
from tui.messages import (
    CopyCommand,
    OpenPredict,
    Retrain,
    SettingChanged,
    StartTraining,
    TrainingEnded,
    UndoTrainingFile,
    WroteTrainingFile,
)
from tui.settings import DEFAULT_THEME, default_settings_path, load_settings, save_settings
from tui.widgets.plain import printable_lines

if TYPE_CHECKING:
    from nexusml.pipeline import TrainingResult
    from tui.file_undo import FileUndo
    from tui.screens.run import RunScreen
    from tui.screens.wizard import WizardScreen


class NexusTrainApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "NexusML"
    SUB_TITLE = "training wizard"
    BINDINGS = [
        Binding("ctrl+r", "run", "Train", priority=True),
        Binding("ctrl+s", "settings", "Settings"),
        Binding("f2", "settings", "Settings", show=False),
        Binding("ctrl+o", "past_runs", "Past runs"),
        Binding("f1", "help", "Help", priority=True),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, given: dict[str, Any] | None = None, settings_path: Path | None = None):
        super().__init__()
        self.given = dict(given or {})
        self.settings_path = Path(settings_path) if settings_path else default_settings_path()
        self.settings = load_settings(self.settings_path)
        self.form = FormState.from_given(self.given, self.settings.argument_values())
        self.active_run: RunScreen | None = None
        self.last_run_failed = False
        self.last_result: TrainingResult | None = None
        self.undo_writes: list[FileUndo] = []  # training files written since the last run started, newest last

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A notification shown as written: its text often quotes a file's content, a label or a path."""
        message, title = printable_lines(str(message)), printable_lines(str(title))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def on_mount(self) -> None:
        import logging

        # Records of the nexusml logger outside a run must not reach Python's last-resort stderr handler.
        self._quiet = logging.NullHandler()
        logging.getLogger("nexusml").addHandler(self._quiet)
        self._apply_theme(self.settings.theme)
        from tui.screens.wizard import WizardScreen

        self.push_screen(WizardScreen(self.form))
        if self.given.get("predict"):  # nexusml-train --predict MODEL [--data-path FILE]
            data = str(self.given.get("data_path") or "")
            self.action_predict(str(self.given["predict"]), data, start=bool(data))  # both given: code it at once
        self._subtitle()
        if "config" in self.form.extra_errors:
            self.notify(self.form.extra_errors["config"], title="--config not loaded", severity="error")
        if "legacy" in self.form.extra_errors:
            self.notify(self.form.extra_errors["legacy"], title="Training path not chosen", severity="error")

    def on_unmount(self) -> None:
        import logging

        logging.getLogger("nexusml").removeHandler(self._quiet)
        self.forget_writes()

    def _apply_theme(self, name: str) -> None:
        self.theme = name if name in self.available_themes else DEFAULT_THEME

    def _subtitle(self) -> None:
        self.sub_title = f"training wizard · {'legacy' if self.form.legacy else 'orchestrator'} path"

    # -- settings ---------------------------------------------------------------------------------

    def update_settings(self, **changes: Any) -> None:
        self.settings = self.settings.replace(**changes)
        try:
            save_settings(self.settings, self.settings_path)
        except OSError as exc:
            self.notify(f"Settings not saved: {exc}", severity="error")
        if "legacy" in changes:
            self.form.legacy = bool(changes["legacy"])
            self.form.set_extra_error("legacy", "")  # choosing the path in the settings settles contradicting flags
            self._subtitle()
            self._refresh_wizard_status()
        if "theme" in changes:
            self._apply_theme(changes["theme"])

    @on(SettingChanged)
    def _setting_changed(self, message: SettingChanged) -> None:
        self.update_settings(**{message.name: message.value})

    def _refresh_wizard_status(self) -> None:
        wizard = self.wizard()
        if wizard is not None:
            wizard.render_status()
            wizard.review_step.refresh_review()  # its command and "Training path" (nothing if not built)

    def action_settings(self) -> None:
        from tui.screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen(self.settings, str(self.settings_path)))

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen, screen_keys

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(*screen_keys(self.screen)))

    def output_dir(self) -> Path:
        """The output folder the form names (the spec's default when it is blank)."""
        raw = self.form.values.get("output_dir")
        return Path(str(raw or SPECS["output_dir"].default)).expanduser()

    def action_past_runs(self) -> None:
        from tui.screens.past_runs import PastRunsScreen

        if isinstance(self.screen, PastRunsScreen):
            return
        self.push_screen(PastRunsScreen(self.output_dir()))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The command palette (ctrl+p): the wizard's own commands, then Textual's."""
        yield SystemCommand("Train", "Start training with the form's values (ctrl+r)", self.action_run)
        yield SystemCommand("Save run config", "Save the values as a --config YAML file", self.action_save_config)
        yield SystemCommand(
            "Copy command", "Copy the equivalent nexusml-train command (ctrl+y)", self.action_copy_command
        )
        yield SystemCommand("Past runs", "Models in the output directory (ctrl+o)", self.action_past_runs)
        yield SystemCommand(
            "Code a file (predict)", "Code a new file with a saved model, then review it", self.action_predict
        )
        yield from self.screen_commands(screen)
        yield SystemCommand("Settings", "Training path, log level, theme (ctrl+s)", self.action_settings)
        yield SystemCommand("Help", "Keys and a short guide (f1)", self.action_help)
        yield from super().get_system_commands(screen)

    # -- the wizard screen -------------------------------------------------------------------------

    def wizard(self) -> WizardScreen | None:
        """The wizard screen on the stack (it is pushed when the app starts and stays at the bottom)."""
        from tui.screens.wizard import WizardScreen

        return next((screen for screen in self.screen_stack if isinstance(screen, WizardScreen)), None)

    def back_to_wizard(self) -> WizardScreen | None:
        """Close the screens above the wizard and return it (None, closing nothing, when it is not on the stack)."""
        wizard = self.wizard()
        if wizard is not None:
            while self.screen is not wizard and len(self.screen_stack) > 1:
                self.pop_screen()
        return wizard

    @on(Retrain)
    def _retrain(self, message: Retrain) -> None:
        """Train on a new file (reviewed rows added) with the model's feature config: fill the wizard, show it."""
        values = {"data_path": str(message.data_path), "sheet": ""}
        if message.feature_config:
            values["feature_config"] = message.feature_config
        undo = next((u for u in reversed(self.undo_writes) if u.path == message.data_path.absolute()), None)
        if undo is not None and not undo.form_before:  # the undo gives the wizard its file back too
            undo.form_before = {dest: str(self.form.values.get(dest) or "") for dest in values}
        for dest, value in values.items():
            self.form.set(dest, value or None)
        wizard = self.back_to_wizard()
        if wizard is not None:
            wizard.show_values(values)
        note = f"The wizard now trains on {message.data_path.name}: ctrl+r starts the run."
        if undo is not None:
            note += " Until then, 'Undo' in the palette (ctrl+p) puts the file back as it was."
        self.notify(note, title="Retrain")

    # -- writes to training files, undone until the next run ------------------------------------------

    @on(WroteTrainingFile)
    def remember_write(self, message: WroteTrainingFile) -> None:
        self.undo_writes.append(message.undo)
        self.screen.refresh_bindings()

    @on(UndoTrainingFile)
    def _undo_requested(self) -> None:
        self.action_undo_write()

    def action_undo_write(self) -> None:
        """Put the training file written last back as it was (and the wizard's data file, if it took it)."""
        from tui.file_undo import UndoError

        if not self.undo_writes:
            self.notify("No training file to put back (a write is undone only until a training run starts).")
            return
        undo = self.undo_writes.pop()
        self.screen.refresh_bindings()
        try:
            done = undo.restore()
        except UndoError as exc:
            undo.discard()
            self.notify(str(exc), title="Not undone", severity="error")
            return
        raw = self.form.values.get("data_path")
        if undo.form_before and raw and Path(str(raw)).absolute() == undo.path:
            for dest, value in undo.form_before.items():
                self.form.set(dest, value or None)
            wizard = self.wizard()
            if wizard is not None:
                wizard.show_values(undo.form_before)
            done += "; the wizard trains on the file it had before"
        self.notify(done, title="Undone")

    def forget_writes(self) -> None:
        """A run started (or the wizard closes): the writes stay as they are."""
        for undo in self.undo_writes:
            undo.discard()
        self.undo_writes.clear()

    def screen_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette's commands for the screen it opened on, and the undo of a write while there is one."""
        from tui.screens.predict import PredictScreen
        from tui.screens.review import ReviewScreen

        if isinstance(screen, PredictScreen):
            yield SystemCommand(
                "Predict the file", "Code the chosen file with the chosen model (f5)", screen.action_predict
            )
        if self.undo_writes:
            last = self.undo_writes[-1]
            yield SystemCommand(
                "Undo the write to the training file",
                f"Put {last.path.name} back as it was before the {last.what} (until a training run starts)",
                self.action_undo_write,
            )
        if isinstance(screen, ReviewScreen):
            yield SystemCommand(
                "Review: next row to review", "The next line that needs a decision (n)", screen.action_next_pending
            )
            yield SystemCommand(
                "Export the coded file", "Write the coded rows as .xlsx or .csv (x)", screen.action_export
            )
            yield SystemCommand(
                "Add to training data", "Add the reviewed rows to a training file (t)", screen.action_to_training
            )

    def action_copy_command(self) -> None:
        try:
            command = command_line(self.form.arguments())
        except ArgumentError as exc:
            self.notify(f"{label_for(exc.field)}: {exc.message}", title="No command yet", severity="error")
            return
        self.copy_to_clipboard(command)
        self.notify(command, title="Command copied")

    @on(CopyCommand)
    def _copy_command(self) -> None:
        self.action_copy_command()

    async def action_save_config(self) -> None:
        wizard = self.wizard()
        if wizard is None or self.screen is not wizard:
            self.notify("Go back to the wizard to save the run config.", severity="warning")
            return
        await wizard.action_save_config()

    def action_predict(self, model: str = "", data: str = "", start: bool = False) -> None:
        from tui.screens.predict import PredictScreen

        if not isinstance(self.screen, PredictScreen):
            self.push_screen(PredictScreen(self.output_dir(), model or None, data or None, start=start))

    @on(OpenPredict)
    def _open_predict(self, message: OpenPredict) -> None:
        self.action_predict(message.model)

    # -- running ----------------------------------------------------------------------------------

    def action_run(self) -> None:
        if self.active_run is not None and self.active_run.running:
            self.notify("A run is already going; escape cancels it.", severity="warning")
            return
        try:
            args = self.form.arguments()
        except ArgumentError as exc:
            wizard = self.wizard()
            if exc.field == "reading" and wizard is not None:  # pressed while the file is read: start after it
                wizard.train_when_read = True
                self.notify("The data file is still being read; training starts as soon as it is.", title="Train")
                return
            self.notify(f"{label_for(exc.field)}: {exc.message}", title="Cannot start training", severity="error")
            wizard = self.back_to_wizard()
            if wizard is not None:
                self.call_later(wizard.focus_field, exc.field)
            return
        from tui.screens.run import RunScreen

        self.forget_writes()  # the run trains on what was written: no putting it back from here on
        self.back_to_wizard()
        self.active_run = RunScreen(args)
        self.push_screen(self.active_run)

    @on(StartTraining)
    def _start_training(self) -> None:
        self.action_run()

    @on(TrainingEnded)
    def _training_ended(self, message: TrainingEnded) -> None:
        self.last_run_failed = not message.ok and not message.cancelled
        if message.ok:
            self.last_result = message.result

    async def action_quit(self) -> None:
        if self.active_run is not None and self.active_run.running:
            from tui.screens.confirm import ConfirmScreen

            def answer(yes: bool | None) -> None:
                if yes:
                    if self.active_run is not None:
                        self.active_run.token.cancel("the wizard was closed")
                    self.exit(self.exit_code_now())

            self.push_screen(ConfirmScreen("A run is going. Cancel it and quit?", "Quit", "Keep training"), answer)
            return
        self.exit(self.exit_code_now())

    def exit_code_now(self) -> int:
        return 1 if self.last_run_failed else 0


def create_app(given: dict[str, Any] | None = None, settings_path: Path | None = None) -> NexusTrainApp:
    """Build the wizard without running it (tests drive it with ``run_test``)."""
    return NexusTrainApp(given, settings_path)


def run_wizard(given: dict[str, Any] | None = None, headless: bool = False) -> int:
    """Open the wizard with the given raw flag values; returns the process exit code.

    A wizard that crashed (Textual printed the error) exits 1, never 0.
    """
    from tui.training_process import start_helpers, stop_training_processes

    start_helpers()  # before the wizard owns the terminal; the libraries load while the form is filled
    app = create_app(given)
    try:
        code = app.run(headless=headless)
    finally:
        stop_training_processes()  # a run cancelled by quitting must not keep the process alive
    if app.return_code:  # an exception ended the app
        return app.return_code
    if isinstance(code, int):
        return code
    return app.exit_code_now()
