"""A form field built from an ArgSpec: a label, the right input widget and an inline error line."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Input, Select, Switch

from nexusml.options.spec import Kind
from nexusml.options.training_args import ArgSpec
from nexusml.options.validators import ArgumentError, validate_bool
from tui.form import check_field, display_value
from tui.messages import FieldChanged
from tui.widgets.plain import Label, Static


class SpecValidator(Validator):
    """The argument's own validator, as a Textual validator (the Input then marks itself ``-invalid``)."""

    def __init__(self, spec: ArgSpec):
        super().__init__()
        self.spec = spec

    def validate(self, value: str) -> ValidationResult:
        error = check_field(self.spec.dest, value)
        return self.failure(error, value) if error else self.success()


def switch_value(spec: ArgSpec, raw: Any) -> bool:
    """How a raw value shows on a switch: read as the command line and ``--config`` read it."""
    try:
        return validate_bool(spec.default if raw is None else raw, spec.dest)
    except ArgumentError:
        return False  # the field shows the validator's message


class ArgField(Vertical):
    """Edits one argument; validates each change once and posts :class:`FieldChanged` with the verdict."""

    DEFAULT_CLASSES = "arg-field"

    def __init__(self, spec: ArgSpec, raw: Any = None, error: str | None = None, *, id: str | None = None):
        super().__init__(id=id or f"field-{spec.dest}")
        self.spec = spec
        self._initial = raw
        self.error = check_field(spec.dest, raw) if error is None else error
        """The validator's message for the current value ('' when it is valid)."""

    @property
    def dest(self) -> str:
        return self.spec.dest

    def compose(self) -> ComposeResult:
        spec = self.spec
        with Horizontal(classes="field-row"):
            yield Label(spec.label, classes="field-label")
            yield self._make_control()
            if self.spec.kind is Kind.BOOL:
                yield Static("", classes="switch-state", id=f"state-{self.spec.dest}")
        yield Static("", classes="field-error", id=f"error-{spec.dest}")
        yield Static(spec.help, classes="field-help")

    def _make_control(self) -> Widget:
        spec, raw = self.spec, self._initial
        control_id = f"input-{spec.dest}"
        if spec.kind is Kind.BOOL:
            return Switch(value=switch_value(spec, raw), id=control_id, animate=False)
        if spec.kind is Kind.CHOICE:
            options = [(choice, choice) for choice in spec.choices]
            text = display_value(raw)
            match = next((c for c in spec.choices if c.lower() == text.lower()), None)
            if match is not None:
                return Select(options, value=match, allow_blank=False, id=control_id, compact=True)
            return Select(options, allow_blank=True, prompt=text or "choose", id=control_id, compact=True)
        placeholder = spec.placeholder or (str(spec.default) if spec.default is not None else "")
        return Input(
            display_value(raw),
            placeholder=placeholder,
            id=control_id,
            compact=True,
            validators=[SpecValidator(spec)],
            validate_on=["changed"],
            classes="-invalid" if self.error else None,
        )

    def on_mount(self) -> None:
        self.show_error(self.error)
        self._show_switch_state()

    def _show_switch_state(self) -> None:
        if self.spec.kind is Kind.BOOL:
            on_ = bool(self.raw_value)
            self.query_one(".switch-state", Static).update("on" if on_ else "off")

    @property
    def control(self) -> Widget:
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
        if isinstance(control, Input):
            return control.value
        raise TypeError(f"unexpected control {control!r}")

    def set_raw(self, raw: Any) -> None:
        """Put a value in the control (the change message then validates it)."""
        control = self.control
        if isinstance(control, Switch):
            control.value = switch_value(self.spec, raw)
        elif isinstance(control, Select):
            if raw in self.spec.choices:
                control.value = raw
        elif isinstance(control, Input):
            control.value = display_value(raw)

    def show_error(self, error: str) -> None:
        """Show a message under the field (the validator's, or a problem found later such as an unreadable file)."""
        label = self.query_one(".field-error", Static)
        label.update(f"✗ {error}" if error else "")
        label.display = bool(error)
        self.set_class(bool(error), "-invalid")

    def on_descendant_focus(self) -> None:
        self.add_class("-focused")

    def on_descendant_blur(self) -> None:
        self.remove_class("-focused")

    def _report(self, raw: Any, error: str) -> None:
        self.error = error
        self.show_error(error)
        self.post_message(FieldChanged(self.dest, raw, error))

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        result = event.validation_result  # the SpecValidator's verdict: the value is not checked again
        error = ""
        if result is not None and not result.is_valid:
            error = next(iter(result.failure_descriptions), "") or "invalid value"
        self._report(event.value, error)

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        event.stop()
        raw = self.raw_value
        self._report(raw, check_field(self.dest, raw))

    @on(Switch.Changed)
    def _switch_changed(self, event: Switch.Changed) -> None:
        event.stop()
        self._show_switch_state()
        self._report(event.value, check_field(self.dest, event.value))
