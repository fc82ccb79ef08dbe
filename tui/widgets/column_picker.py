"""A list of columns to pick from: ``[x]`` / ``[ ]`` on each row, space or enter toggles, typing filters it.

Each list keeps its own filter, typed on the list itself (backspace takes a letter back, escape clears it):
space never goes to a filter (it toggles; a filter ignores spaces), and the other lists are not filtered.  The
closest names come first: the name typed exactly, then names that begin with it, then the others holding it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

SELECTED = "[x] "
UNSELECTED = "[ ] "


def _folded(text: str) -> str:
    """``text`` lowercased without its spaces: space toggles a column, so a filter is typed without them."""
    return "".join(text.lower().split())


def matches(name: str, text: str) -> bool:
    """Whether a column passes the filter: ``text`` is in its name (case and spacing ignored), so ``assetname``
    finds ``Asset Name`` and not ``Asset Category Name``."""
    return _folded(text) in _folded(name)


def closeness(name: str, text: str) -> int:
    """0 for the name ``text`` spells exactly, 1 for a name beginning with it, 2 for the other matches."""
    folded, typed = _folded(name), _folded(text)
    return 0 if folded == typed else 1 if folded.startswith(typed) else 2


class ColumnPicker(OptionList):
    """Columns with a selected mark; the selection is kept in :attr:`selected` in the order the columns come."""

    BINDINGS = [
        Binding("space", "toggle_column", "Toggle", show=False),
        Binding("backspace", "erase", "Filter back", show=False),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    @dataclass
    class Changed(Message):
        """The user toggled a column."""

        picker: ColumnPicker
        selected: tuple[str, ...]

        @property
        def control(self) -> ColumnPicker:
            return self.picker

    @dataclass
    class Filtered(Message):
        """The list's filter changed."""

        picker: ColumnPicker

    def __init__(self, *, id: str | None = None, empty: str = "no columns"):
        super().__init__(id=id, compact=True)
        self.columns: tuple[str, ...] = ()
        self.notes: dict[str, str] = {}
        self.selected: tuple[str, ...] = ()
        self.filter_text = ""
        self.empty = empty
        self._shown: list[str] = []

    # -- content ---------------------------------------------------------------------------------

    def set_columns(
        self, columns: Iterable[str], selected: Iterable[str], notes: Mapping[str, str] | None = None
    ) -> None:
        """Offer ``columns`` with ``selected`` marked (names not offered are left out of the selection)."""
        self.columns = tuple(columns)
        chosen = set(selected)
        self.selected = tuple(c for c in self.columns if c in chosen)
        self.notes = dict(notes or {})
        self._rebuild()

    def set_filter(self, text: str) -> None:
        if text != self.filter_text:
            self.filter_text = text
            self._rebuild(best_first=True)
            self.post_message(self.Filtered(self))

    @property
    def shown(self) -> tuple[str, ...]:
        """The columns that pass the filter, in order."""
        return tuple(self._shown)

    def count_text(self) -> str:
        count = f"{len(self.selected)} of {len(self.columns)} selected"
        if self.filter_text:
            count += f" · filter '{self.filter_text}': {len(self._shown)} match"
        return count

    def _prompt(self, name: str) -> Text:
        on = name in self.selected
        text = Text(SELECTED if on else UNSELECTED, style="bold" if on else "dim", no_wrap=True, overflow="ellipsis")
        text.append(name, style="bold" if on else "")
        if name in self.notes:
            text.append(f" {self.notes[name]}", style="dim italic")
        return text

    def _rebuild(self, best_first: bool = False) -> None:
        current = None if best_first else self.highlighted_column
        shown = [c for c in self.columns if matches(c, self.filter_text)]
        if self.filter_text.strip():
            shown.sort(key=lambda c: closeness(c, self.filter_text))  # stable: the file's order within a rank
        self._shown = shown
        options: list[Option] = [Option(self._prompt(c)) for c in self._shown]
        if not options:
            message = "no column matches the filter" if self.columns else self.empty
            options = [Option(Text(message, style="dim italic", no_wrap=True, overflow="ellipsis"), disabled=True)]
        self.set_options(options)
        if self._shown:
            self.highlighted = self._shown.index(current) if current in self._shown else 0

    @property
    def highlighted_column(self) -> str | None:
        index = self.highlighted
        if index is None or not 0 <= index < len(self._shown):
            return None
        return self._shown[index]

    # -- keys ------------------------------------------------------------------------------------

    def action_toggle_column(self) -> None:
        name = self.highlighted_column
        if name is None:
            return
        chosen = set(self.selected) ^ {name}
        self.selected = tuple(c for c in self.columns if c in chosen)
        assert self.highlighted is not None
        self.replace_option_prompt_at_index(self.highlighted, self._prompt(name))
        self.post_message(self.Changed(self, self.selected))

    def action_select(self) -> None:
        self.action_toggle_column()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("erase", "clear_filter") and not self.filter_text:
            return False  # escape and backspace then do what they do elsewhere (escape: back a step)
        return super().check_action(action, parameters)

    def action_erase(self) -> None:
        self.set_filter(self.filter_text[:-1])

    def action_clear_filter(self) -> None:
        if self.filter_text:
            self.set_filter("")

    def on_key(self, event: events.Key) -> None:
        character = event.character
        if event.is_printable and character and character not in " ?":
            event.stop()
            event.prevent_default()
            self.set_filter(self.filter_text + character)
