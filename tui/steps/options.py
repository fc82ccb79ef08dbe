"""The Training and Output steps: plain forms built from the argument spec."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static

from nexusml.core.cli.training_args import specs_for_group
from tui.steps.base import Step
from tui.widgets.field import ArgField


class FormStep(Step):
    intro = ""

    def __init__(self, values: dict[str, Any], *, id: str | None = None):
        super().__init__(id=id or f"step-{self.step_name}")
        self._values = values

    def compose(self) -> ComposeResult:
        if self.intro:
            yield Static(self.intro, classes="step-intro")
        for spec in specs_for_group(self.step_name):
            if spec.wizard:
                yield ArgField(spec, self._values.get(spec.dest))


class TrainingStep(FormStep):
    step_name = "training"
    intro = "How the model is trained: the held-out share, the seed, the model and an optional search."


class OutputStep(FormStep):
    step_name = "output"
    intro = "Where the model, its metadata and the run log are written."
