"""The most frequent mistakes of one target: "count  true → predicted", most frequent first."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll

from tui.widgets.plain import Static


class ConfusionList(VerticalScroll):
    """Top confusions of the chosen target, from ``metrics[target]["top_confusions"]``; scrolls when long."""

    DEFAULT_CLASSES = "confusion-list"

    def __init__(self, metrics: dict[str, dict[str, Any]], *, id: str | None = None):
        super().__init__(id=id)
        self.metrics = metrics
        self.target: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("", classes="confusion-lines")

    def show(self, target: str | None) -> None:
        self.target = target
        self.query_one(".confusion-lines", Static).update(self.lines())
        self.scroll_home(animate=False)

    def lines(self) -> Text:
        text = Text()
        if self.target is None:
            return text
        m = self.metrics.get(self.target) or {}
        confusions = m.get("top_confusions")
        if confusions is None:
            text.append("Most frequent mistakes: not recorded by this run", "dim")
            return text
        if not confusions:
            text.append("Most frequent mistakes: none, every held-out row was right", "dim")
            return text
        text.append("Most frequent mistakes (true → predicted)", "bold")
        width = max(len(str(c["count"])) for c in confusions)
        for c in confusions:
            text.append(f"\n{c['count']:>{width}}× ", "bold")
            text.append(str(c["true"]))
            text.append(" → ", "dim")
            text.append(str(c["predicted"]), "yellow")
        return text
