"""Pick a data file from a directory tree, or type its path."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Input

from nexusml.data import bundled_data_path
from nexusml.options.training_args import DATA_SUFFIXES
from nexusml.options.validators import ArgumentError, validate_data_path
from tui.widgets.plain import Static


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
    """The folder of the current data file; the working directory when there is none or it is the bundled sample."""
    text = str(current or "").strip()
    if text and Path(text).expanduser().absolute() != bundled_data_path():
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
            yield Input(placeholder="or type a file or folder path and press enter", id="browse-path", compact=True)
            yield Static("", id="browse-error")
            yield Static(str(self.root), id="browse-root", classes="dialog-hint")
            yield DataFileTree(self.root, id="browse-tree")
            yield Static(
                "enter: open folder / choose file   backspace: parent folder   tab: type a path   escape: close",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#browse-error", Static).display = False
        self.query_one(DataFileTree).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_up(self) -> None:
        if isinstance(self.focused, Input):
            return
        tree = self.query_one(DataFileTree)
        self._show_folder(Path(tree.path).resolve().parent)

    def _show_folder(self, folder: Path) -> None:
        self.query_one(DataFileTree).path = folder
        self.query_one("#browse-root", Static).update(str(folder))

    def _error(self, message: str) -> None:
        label = self.query_one("#browse-error", Static)
        label.update(f"✗ {message}" if message else "")
        label.display = bool(message)

    @on(Input.Submitted, "#browse-path")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            return
        path = Path(text).expanduser()
        if path.is_dir():
            self._error("")
            self._show_folder(path.resolve())
            self.query_one(DataFileTree).focus()
            return
        try:
            chosen = validate_data_path(text)
        except ArgumentError as exc:
            self._error(exc.message)
            return
        self.dismiss(chosen)

    @on(DirectoryTree.FileSelected)
    def _chosen(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.dismiss(Path(event.path))
