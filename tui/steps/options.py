"""The Training and Output steps: plain forms built from the argument spec."""

from __future__ import annotations

from textual.app import ComposeResult

from nexusml.options.training_args import specs_for_group
from tui.steps.base import Step
from tui.widgets.plain import Static


class FormStep(Step):
    intro = ""

    def content(self) -> ComposeResult:
        if self.intro:
            yield Static(self.intro, classes="step-intro")
        for spec in specs_for_group(self.step_name):
            if spec.wizard:
                yield self.new_field(spec.dest)


class TrainingStep(FormStep):
    step_name = "training"
    intro = "How the model is trained: the held-out share, the seed, the model and an optional search."


class OutputStep(FormStep):
    step_name = "output"
    intro = "Where the model, its metadata and the run log are written."
