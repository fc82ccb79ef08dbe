"""The list of training stages with their state (pending / running / done / failed) and seconds."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from tui.widgets.plain import Static

ICONS = {
    "pending": ("·", "dim"),
    "running": ("▶", "bold yellow"),
    "done": ("✓", "green"),
    "failed": ("✗", "bold red"),
    "cancelled": ("■", "yellow"),
}


@dataclass
class StageRow:
    name: str
    title: str
    state: str = "pending"
    seconds: float | None = None
    note: str = ""


class StageList(Static):
    """Renders one line per stage; updated from the run's events."""

    DEFAULT_CLASSES = "stage-list"

    def __init__(self, *, id: str | None = None):
        super().__init__("", id=id)
        self.rows: list[StageRow] = []
        self.path = ""

    def set_stages(self, stages: tuple[tuple[str, str], ...], path: str) -> None:
        self.rows = [StageRow(name, title) for name, title in stages]
        self.path = path
        self._redraw()

    def _row(self, stage: str, title: str = "") -> StageRow:
        for row in self.rows:
            if row.name == stage:
                return row
        row = StageRow(stage, title or stage)
        self.rows.append(row)
        return row

    def mark(self, stage: str, state: str, seconds: float | None = None, title: str = "", note: str = "") -> None:
        row = self._row(stage, title)
        row.state = state
        if seconds is not None:
            row.seconds = seconds
        if note:
            row.note = note
        self._redraw()

    def finish(self, stage_seconds: dict[str, float]) -> None:
        """Mark every stage done with its time, from the result of a finished run (either path)."""
        for row in self.rows:
            row.state = "done"
            row.seconds = stage_seconds.get(row.name, row.seconds)
        self._redraw()

    def state_of(self, stage: str) -> str:
        return self._row(stage).state

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for row in self.rows:
            out[row.state] = out.get(row.state, 0) + 1
        return out

    def _redraw(self) -> None:
        text = Text()
        if not self.rows:
            self.update(Text("waiting for the run to start", "dim"))
            return
        width = max(len(r.title) for r in self.rows)
        for i, row in enumerate(self.rows):
            icon, style = ICONS.get(row.state, ICONS["pending"])
            text.append(f"{icon} ", style)
            text.append(f"{row.title:<{width}}", "bold" if row.state == "running" else "")
            if row.seconds is not None:
                text.append(f" {row.seconds:6.2f}s", "dim")
            elif row.state == "running":
                text.append("   ...", "yellow")
            if i < len(self.rows) - 1:
                text.append("\n")
        self.update(text)
