"""A modal asking for a file path (export, training file)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input

from tui.widgets.plain import Static


class PathPromptScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "close", "Cancel")]

    def __init__(self, title: str, value: str, hint: str):
        super().__init__(classes="modal")
        self.title_text, self.value, self.hint = title, value, hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(self.title_text, classes="dialog-title")
            yield Input(self.value, id="prompt-path")
            yield Static(f"{self.hint}\nenter: go   escape: cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#prompt-path", Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#prompt-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.dismiss(event.value.strip())
