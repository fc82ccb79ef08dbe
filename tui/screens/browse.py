"""Pick a data file from a directory tree."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Static

from nexusml.core.cli.training_args import DATA_SUFFIXES


class DataFileTree(DirectoryTree):
    """Directories and data files only; hidden entries left out."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        out = []
        for path in paths:
            if path.name.startswith("."):
                continue
            try:
                if path.is_dir() or path.suffix.lower() in DATA_SUFFIXES:
                    out.append(path)
            except OSError:
                continue
        return out


def start_directory(current: Any) -> Path:
    text = str(current or "").strip()
    if text:
        path = Path(text).expanduser()
        if path.is_file():
            return path.parent
        if path.is_dir():
            return path
        if path.parent.is_dir():
            return path.parent
    return Path.cwd()


class BrowseScreen(ModalScreen[Path | None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("backspace", "up", "Parent folder"),
    ]

    def __init__(self, current: Any = None):
        super().__init__(classes="modal")
        self.root = start_directory(current)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static("Choose a data file", classes="dialog-title")
            yield Static(str(self.root), id="browse-root", classes="dialog-hint")
            yield DataFileTree(self.root, id="browse-tree")
            yield Static(
                "enter: open folder / choose file   backspace: parent folder   escape: close", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        self.query_one(DataFileTree).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_up(self) -> None:
        tree = self.query_one(DataFileTree)
        parent = Path(tree.path).resolve().parent
        tree.path = parent
        self.query_one("#browse-root", Static).update(str(parent))

    @on(DirectoryTree.FileSelected)
    def _chosen(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(Path(event.path))
