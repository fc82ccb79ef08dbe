"""A form field built from an ArgSpec: a label, the right input widget and an inline error line."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, Static, Switch

from nexusml.core.cli.training_args import ArgSpec
from tui.form import check_field, display_value
from tui.messages import FieldChanged


class ArgField(Vertical):
    """Edits one argument; validates on every change and posts :class:`FieldChanged`."""

    DEFAULT_CLASSES = "arg-field"

    def __init__(self, spec: ArgSpec, raw: Any = None, *, id: str | None = None):
        super().__init__(id=id or f"field-{spec.dest}")
        self.spec = spec
        self._initial = raw
        self.error = ""

    @property
    def dest(self) -> str:
        return self.spec.dest

    def compose(self) -> ComposeResult:
        spec = self.spec
        with Horizontal(classes="field-row"):
            yield Label(spec.label, classes="field-label")
            yield self._make_control()
            if self.spec.kind == "bool":
                yield Static("", classes="switch-state", id=f"state-{self.spec.dest}")
        yield Static("", classes="field-error", id=f"error-{spec.dest}")
        yield Static(spec.help, classes="field-help")

    def _make_control(self):
        spec, raw = self.spec, self._initial
        control_id = f"input-{spec.dest}"
        if spec.kind == "bool":
            value = raw if isinstance(raw, bool) else str(raw).strip().lower() in {"1", "true", "yes", "on"}
            return Switch(value=value, id=control_id, animate=False)
        if spec.kind == "choice":
            options = [(choice, choice) for choice in spec.choices]
            text = display_value(raw)
            match = next((c for c in spec.choices if c.lower() == text.lower()), None)
            if match is not None:
                return Select(options, value=match, allow_blank=False, id=control_id, compact=True)
            select = Select(options, allow_blank=True, prompt=text or "choose", id=control_id, compact=True)
            return select
        placeholder = spec.placeholder or (str(spec.default) if spec.default is not None else "")
        return Input(display_value(raw), placeholder=placeholder, id=control_id, compact=True)

    def on_mount(self) -> None:
        self.show_error(check_field(self.dest, self.raw_value))
        self._show_switch_state()

    def _show_switch_state(self) -> None:
        if self.spec.kind == "bool":
            on_ = bool(self.raw_value)
            self.query_one(".switch-state", Static).update("on" if on_ else "off")

    @property
    def control(self):
        return self.query_one(f"#input-{self.dest}")

    @property
    def raw_value(self) -> Any:
        control = self.control
        if isinstance(control, Switch):
            return control.value
        if isinstance(control, Select):
            if control.value is Select.NULL:
                return display_value(self._initial)
            return control.value
        return control.value

    def set_raw(self, raw: Any) -> None:
        """Put a value in the control (the change message then validates it)."""
        control = self.control
        if isinstance(control, Switch):
            control.value = bool(raw)
        elif isinstance(control, Select):
            if raw in self.spec.choices:
                control.value = raw
        else:
            control.value = display_value(raw)

    def show_error(self, error: str) -> None:
        self.error = error
        label = self.query_one(".field-error", Static)
        label.update(f"✗ {error}" if error else "")
        label.display = bool(error)
        self.set_class(bool(error), "-invalid")

    def on_descendant_focus(self) -> None:
        self.add_class("-focused")

    def on_descendant_blur(self) -> None:
        self.remove_class("-focused")

    def _changed(self) -> None:
        self._show_switch_state()
        raw = self.raw_value
        error = check_field(self.dest, raw)
        self.show_error(error)
        self.post_message(FieldChanged(self.dest, raw, error))

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._changed()

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._changed()

    @on(Switch.Changed)
    def _switch_changed(self, event: Switch.Changed) -> None:
        event.stop()
        self._changed()
