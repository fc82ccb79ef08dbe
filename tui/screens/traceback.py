"""The full traceback of a failed run."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import TextArea

from tui.widgets.plain import Static


class TracebackScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,t,q", "dismiss_screen", "Close")]

    def __init__(self, stage: str, message: str, traceback: str):
        super().__init__(classes="modal")
        self.stage, self.message, self.traceback = stage, message, traceback

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(f"Stage '{self.stage}' failed: {self.message}", classes="dialog-title")
            yield TextArea(self.traceback or "(no traceback was recorded)", read_only=True, id="traceback-text")
            yield Static("escape: close", classes="dialog-hint")

    def action_dismiss_screen(self) -> None:
        self.dismiss(None)
