"""Step 5: every value, the equivalent headless command (to copy), and saving the values as a --config YAML.

The saved file holds the chosen columns itself and writes paths under its
folder relative to it, so it works for a colleague or in CI.
"""

from __future__ import annotations

from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input

from nexusml.options.parser import command_line
from nexusml.options.run_config import save_run_config
from nexusml.options.validators import ArgumentError
from tui.form import COLUMN_FIELDS, WIZARD_SPECS, display_value, label_for
from tui.steps.base import Step
from tui.widgets.plain import Label, Static, plain

DEFAULT_CONFIG_NAME = "nexusml_run.yml"


class ReviewStep(Step):
    step_name = "review"

    def content(self) -> ComposeResult:
        yield Static("Check the values, then press ctrl+r to train.", classes="step-intro")
        with Horizontal(id="command-title-row"):
            yield Label("Equivalent command", classes="section-title")
            yield Button("Copy (ctrl+y)", id="copy-command", compact=True)
        yield Static("", id="review-command")
        yield Label("Values", classes="section-title")
        yield Static("", id="review-values")
        yield Label("Save these values as a run config (nexusml-train --config FILE)", classes="section-title")
        with Horizontal(id="save-row"):
            yield Input(DEFAULT_CONFIG_NAME, id="config-path", compact=True)
            yield Button("Save config", id="save-config", compact=True)
        yield Static("", id="save-status")

    def shown(self) -> None:
        self.refresh_review()

    def refresh_review(self) -> None:
        if not self.built:
            return
        command = self.query_one("#review-command", Static)
        try:
            args = self.state.arguments()
        except ArgumentError as exc:
            command.update(Text(f"✗ {label_for(exc.field)}: {exc.message}", style="bold red"))
        else:
            command.update(Text(command_line(args), style="bold"))
        table = Table.grid(padding=(0, 2))
        table.add_column(style="dim")
        table.add_column()
        for spec in WIZARD_SPECS:
            raw = self.state.values.get(spec.dest)
            default = "(from the feature config)" if spec.dest in COLUMN_FIELDS else "(default)"
            shown = display_value(raw) or default
            error = self.state.errors.get(spec.dest)
            table.add_row(spec.label, plain(Text(f"{shown}  ✗ {error}", style="red") if error else shown))
        table.add_row("Training path", "legacy" if self.state.legacy else "orchestrator")
        self.query_one("#review-values", Static).update(table)

    def save_config(self) -> Path | None:
        status = self.query_one("#save-status", Static)
        target = self.query_one("#config-path", Input).value.strip()
        if not target:
            status.update(Text("✗ give a file name for the run config", style="red"))
            return None
        try:
            args = self.state.arguments()
        except ArgumentError as exc:
            status.update(Text(f"✗ cannot save: {label_for(exc.field)}: {exc.message}", style="red"))
            return None
        path = Path(target).expanduser()
        try:
            written = save_run_config(args, path)
        except OSError as exc:
            status.update(Text(f"✗ cannot write {path}: {exc.strerror or exc}", style="red"))
            return None
        status.update(Text(f"✓ saved {written}", style="green"))
        return Path(written)
