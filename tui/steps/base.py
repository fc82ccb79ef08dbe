"""Common parts of the wizard's steps."""

from __future__ import annotations

from textual.containers import VerticalScroll

from tui.widgets.field import ArgField


class Step(VerticalScroll):
    """One page of the wizard; its fields are the ArgFields inside it."""

    DEFAULT_CLASSES = "step"
    step_name = ""

    def fields(self) -> list[ArgField]:
        return list(self.query(ArgField))

    def field(self, dest: str) -> ArgField:
        return self.query_one(f"#field-{dest}", ArgField)

    def shown(self) -> None:
        """Called when the step becomes visible."""
