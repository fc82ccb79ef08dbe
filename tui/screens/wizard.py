"""The wizard: five steps of forms built from the argument spec."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, ContentSwitcher, Header, Input

from tui.form import COLUMN_FIELDS, STEP_FIELDS, STEPS, FormState, label_for
from tui.messages import CopyCommand, FieldChanged, PreviewLoaded, StartTraining
from tui.steps.base import Step
from tui.steps.data import DataStep
from tui.steps.features import FeaturesStep
from tui.steps.options import OutputStep, TrainingStep
from tui.steps.review import ReviewStep
from tui.widgets.footer import Footer
from tui.widgets.plain import Static


class WizardScreen(Screen):
    BINDINGS = [
        Binding("ctrl+n,alt+right", "next_step", "Next"),
        Binding("ctrl+b,alt+left", "previous_step", "Back"),
        Binding("escape", "previous_step", "Back", show=False),
        Binding("ctrl+f", "browse", "Browse", show=False),
        Binding("ctrl+y", "copy_command", "Copy command", show=False),
    ]
    # A field, never the step around it: the first focusable widget is the step (it scrolls), which on_mount
    # then left for the first field, restyling the step and its fields twice on the way.
    AUTO_FOCUS = "Input"

    def __init__(self, state: FormState):
        super().__init__(id="wizard")
        self.state = state
        self.step_index = 0
        self.read_paths = 0
        """How many data files were read (the first one only notifies about columns the user gave)."""
        self.explicit_at_start = {d for d in COLUMN_FIELDS if state.values.get(d) is not None}
        self.train_when_read = False
        """ctrl+r was pressed while the data file was read: the run starts (or says why not) once it is."""

    def compose(self) -> ComposeResult:
        state = self.state
        yield Header()
        yield Static("", id="step-bar")
        with ContentSwitcher(initial="step-data", id="steps"):
            yield DataStep(state)
            yield FeaturesStep(state)
            yield TrainingStep(state)
            yield OutputStep(state)
            yield ReviewStep(state)
        with Horizontal(id="nav"):
            yield Static("", id="nav-status")
            yield Button("◀ Back", id="back", compact=True)
            yield Button("Next ▶", id="next", variant="primary", compact=True)
            yield Button("Train (ctrl+r)", id="train", variant="success", compact=True)
        yield Footer()

    async def on_mount(self) -> None:
        await self.show_step(0, focus=False)
        self.query_one("#input-data_path").focus()

    # -- steps ------------------------------------------------------------------------------------

    @property
    def step_name(self) -> str:
        return STEPS[self.step_index][0]

    def help_title(self) -> str:
        return f"the wizard's {STEPS[self.step_index][1]} step"

    def step(self, name: str) -> Step:
        return self.query_one(f"#step-{name}", Step)

    @property
    def data_step(self) -> DataStep:
        return self.query_one("#step-data", DataStep)

    @property
    def features_step(self) -> FeaturesStep:
        return self.query_one("#step-features", FeaturesStep)

    @property
    def review_step(self) -> ReviewStep:
        return self.query_one("#step-review", ReviewStep)

    async def show_step(self, index: int, focus: bool = True) -> None:
        """Show step ``index`` (its widgets are made the first time) and, with ``focus``, its first control."""
        self.step_index = max(0, min(index, len(STEPS) - 1))
        name = self.step_name
        step = self.step(name)
        await step.build()
        self.query_one("#steps", ContentSwitcher).current = f"step-{name}"
        step.shown()
        self.query_one("#back", Button).disabled = self.step_index == 0
        self.query_one("#next", Button).display = self.step_index < len(STEPS) - 1
        self.render_status()
        if focus:
            controls = [f.control for f in step.fields()]
            target = controls[0] if controls else None
            if name == "features":
                target = self.query_one("#targets")
            elif name == "review":
                target = self.query_one("#config-path")
            if target is not None:
                self.call_after_refresh(target.focus)

    def render_status(self) -> None:
        """The step bar (steps with errors marked) and the first problem of the form."""
        text = Text()
        for i, (name, title) in enumerate(STEPS):
            if i:
                text.append("  ›  ", "dim")
            bad = self.state.step_error(name) is not None
            style = "bold reverse" if i == self.step_index else ("red" if bad else "")
            text.append(f" {i + 1} {title}{' ✗' if bad else ''} ", style)
        self.query_one("#step-bar", Static).update(text)
        problem = self.state.first_error()
        if self.train_when_read and not (problem and problem[0] == "reading"):
            self.train_when_read = False  # ctrl+r was pressed while the file was read: its answer now
            self.app.post_message(StartTraining())
        status = self.query_one("#nav-status", Static)
        if problem and problem[0] == "reading":
            status.update(Text(f"… {problem[1]}", style="dim"))
        elif problem:
            status.update(Text(f"✗ {label_for(problem[0])}: {problem[1]}", style="red"))
        else:
            status.update(Text("✓ ready to train", style="green"))

    async def action_next_step(self) -> None:
        problem = self.state.step_error(self.step_name)
        if problem is not None:
            self.notify(f"{label_for(problem[0])}: {problem[1]}", title="Fix this field first", severity="error")
            await self.focus_field(problem[0])
            return
        if self.step_index < len(STEPS) - 1:
            await self.show_step(self.step_index + 1)

    async def action_previous_step(self) -> None:
        if self.step_index > 0:
            await self.show_step(self.step_index - 1)

    async def focus_field(self, dest: str) -> None:
        """Show the step holding ``dest`` and focus its control (a column check: its picker)."""
        if dest == "columns":
            dest = self.state.column_check.field
        if dest == "reading":
            dest = "data_path"
        for i, (name, _) in enumerate(STEPS):
            if dest in STEP_FIELDS[name] or (name == "features" and dest in COLUMN_FIELDS):
                if i != self.step_index:
                    await self.show_step(i, focus=False)
                if dest in COLUMN_FIELDS:
                    target: Widget = self.features_step.picker(dest)
                    self.call_after_refresh(target.focus)
                else:
                    target = self.step(name).field(dest)
                    self.call_after_refresh(target.control.focus)
                self.call_after_refresh(target.scroll_visible)
                return

    # -- buttons ----------------------------------------------------------------------------------

    @on(Button.Pressed, "#next")
    async def _next(self) -> None:
        await self.action_next_step()

    @on(Button.Pressed, "#back")
    async def _back(self) -> None:
        await self.action_previous_step()

    @on(Button.Pressed, "#train")
    def _train(self) -> None:
        self.app.post_message(StartTraining())

    @on(Button.Pressed, "#copy-command")
    def _copy_pressed(self) -> None:
        self.action_copy_command()

    @on(Button.Pressed, "#browse")
    def _browse_pressed(self) -> None:
        self.action_browse()

    @on(Button.Pressed, "#save-config")
    @on(Input.Submitted, "#config-path")
    async def _save_pressed(self) -> None:
        await self.action_save_config()

    def action_browse(self) -> None:
        from tui.screens.browse import BrowseScreen

        current = self.data_step.field("data_path").raw_value

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.data_step.field("data_path").set_raw(str(path))

        self.app.push_screen(BrowseScreen(current), chosen)

    def action_copy_command(self) -> None:
        self.app.post_message(CopyCommand())

    async def action_save_config(self) -> None:
        if self.step_name != "review":
            await self.show_step(len(STEPS) - 1)
        path = self.review_step.save_config()
        if path is not None:
            self.notify(f"Saved {path}", title="Run config")

    # -- form changes -----------------------------------------------------------------------------

    def show_values(self, values: Mapping[str, str]) -> None:
        """Show values set in the form from outside the wizard in the fields of the steps built so far
        (a step built later shows the form's values); their change messages validate them again."""
        for dest, value in values.items():
            for step in self.query(Step):
                field = step.find_field(dest)
                if field is not None:
                    field.set_raw(value)
        self.render_status()

    @on(FieldChanged)
    def _field_changed(self, message: FieldChanged) -> None:
        self.state.set(message.dest, message.raw, message.error)  # the field has validated it
        if message.dest in {"data_path", "sheet"}:
            self.state.set_extra_error("data_path", "")
            self.data_step.reload()
            self.features_step.refresh_columns()
        if message.dest == "feature_config" or message.dest in COLUMN_FIELDS:
            self.features_step.refresh_columns()
        self.render_status()
        if self.step_name == "review":
            self.review_step.refresh_review()

    @on(PreviewLoaded)
    def _preview_loaded(self, message: PreviewLoaded) -> None:
        data_field = self.data_step.field("data_path")
        if message.error:
            self.state.reading_failed()
            self.state.set_extra_error("data_path", f"cannot read the file: {message.error}")
            data_field.show_error(f"cannot read the file: {message.error}")
        else:
            self.state.set_extra_error("data_path", "")
            data_field.show_error(data_field.error)
            first = self.read_paths == 0
            self.read_paths += 1
            dropped = self.state.set_header(message.columns, message.numeric)
            if dropped:
                lists = "; ".join(f"{label_for(dest).lower()} {', '.join(names)}" for dest, names in dropped.items())
                note = f"Not in {message.path.name}, so no longer chosen: {lists}"
                if not first or any(dest in self.explicit_at_start for dest in dropped):
                    self.notify(note, title="Columns changed")
            self.features_step.dropped_note = note if dropped else ""
        self.features_step.refresh_columns()
        self.render_status()
        if self.step_name == "review":
            self.review_step.refresh_review()
