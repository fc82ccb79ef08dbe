"""Common parts of the wizard's steps."""

from __future__ import annotations

from textual.containers import VerticalScroll

from nexusml.core.cli.training_args import SPECS
from tui.form import FormState
from tui.widgets.field import ArgField


class Step(VerticalScroll):
    """One page of the wizard; its fields are the ArgFields inside it."""

    DEFAULT_CLASSES = "step"
    step_name = ""

    def __init__(self, state: FormState, *, id: str | None = None):
        super().__init__(id=id or f"step-{self.step_name}")
        self.state = state

    def new_field(self, dest: str) -> ArgField:
        """A field showing the form's value for ``dest`` and the error already found for it."""
        return ArgField(SPECS[dest], self.state.values.get(dest), self.state.errors.get(dest, ""))

    def fields(self) -> list[ArgField]:
        return list(self.query(ArgField))

    def field(self, dest: str) -> ArgField:
        return self.query_one(f"#field-{dest}", ArgField)

    def shown(self) -> None:
        """Called when the step becomes visible."""
