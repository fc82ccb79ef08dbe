"""Settings: training path (the legacy feature flag), default log level, theme; saved per user."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Select, Switch

from tui.messages import SettingChanged
from tui.settings import LOG_LEVELS, Settings
from tui.widgets.plain import Label, Static


class SettingsScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, settings: Settings, where: str = ""):
        super().__init__(classes="modal settings")
        self.settings = settings
        self.where = where

    def compose(self) -> ComposeResult:
        themes = sorted(self.app.available_themes)
        theme = self.settings.theme if self.settings.theme in themes else None
        with Vertical(classes="dialog"):
            yield Static("Settings", classes="dialog-title")
            with Horizontal(classes="setting-row"):
                yield Label("Legacy training path", classes="field-label")
                yield Switch(value=self.settings.legacy, id="setting-legacy", animate=False)
            yield Static("", id="setting-legacy-note", classes="field-help")
            with Horizontal(classes="setting-row"):
                yield Label("Default log level", classes="field-label")
                yield Select(
                    [(level, level) for level in LOG_LEVELS],
                    value=self.settings.log_level,
                    allow_blank=False,
                    id="setting-log-level",
                    compact=True,
                )
            with Horizontal(classes="setting-row"):
                yield Label("Theme", classes="field-label")
                yield Select(
                    [(name, name) for name in themes],
                    value=theme if theme else Select.NULL,
                    allow_blank=theme is None,
                    id="setting-theme",
                    compact=True,
                )
            yield Static(
                f"Saved to {self.where}\nA flag on the command line (--legacy, --log-level) wins for that session.",
                classes="dialog-hint",
            )
            yield Static("escape: close", classes="dialog-hint")

    def on_mount(self) -> None:
        self._note()
        self.query_one("#setting-legacy", Switch).focus()

    def _note(self) -> None:
        legacy = self.query_one("#setting-legacy", Switch).value
        note = (
            "on: the next run uses the legacy (pre-orchestrator) path"
            if legacy
            else "off: runs use the orchestrator (stages with timings)"
        )
        self.query_one("#setting-legacy-note", Static).update(Text(note, style="yellow" if legacy else "dim"))

    @on(Switch.Changed, "#setting-legacy")
    def _legacy(self, event: Switch.Changed) -> None:
        self.app.post_message(SettingChanged("legacy", event.value))
        self._note()

    @on(Select.Changed, "#setting-log-level")
    def _level(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL:
            self.app.post_message(SettingChanged("log_level", str(event.value)))

    @on(Select.Changed, "#setting-theme")
    def _theme(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL:
            self.app.post_message(SettingChanged("theme", str(event.value)))

    def action_close(self) -> None:
        self.dismiss(None)
