"""Data is shown, never interpreted: the wizard's one boundary between file content and the screen.

A cell, a column name, a label, a path or a past run's metadata can hold text that
means something to the screen: Textual markup (``Pump [/y]`` would raise a
``MarkupError``) or terminal control sequences (an ESC sequence can set the window
title or clear the screen).  Everything the wizard shows goes through :func:`plain`:
no markup is parsed and control characters other than line breaks become ``?``.
The widgets here (``Static``, ``Label``, ``DataTable``) do that for whatever they are
given, so a screen cannot forget it; styled ``Text`` keeps its styles.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import widgets

from nexusml.errors import printable_lines

__all__ = ["DataTable", "Label", "Static", "plain", "printable_lines"]


def plain(value: Any) -> Any:
    """``value`` ready for the screen: a string as plain text (no markup), styled text without control characters.

    Other renderables (tables, charts) are returned as they are.
    """
    if isinstance(value, Text):
        cleaned = printable_lines(value.plain)
        if cleaned == value.plain:
            return value
        copy = value.copy()
        copy.plain = cleaned
        return copy
    if isinstance(value, str):
        return Text(printable_lines(value))
    return value


class PlainContent:
    """Shows its content as it is (see :func:`plain`): mixed into ``Static`` and ``Label`` below."""

    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        kwargs.setdefault("markup", False)
        super().__init__(plain(content), **kwargs)  # type: ignore[call-arg]

    def update(self, content: Any = "", **kwargs: Any) -> None:
        super().update(plain(content), **kwargs)  # type: ignore[misc]


class Static(PlainContent, widgets.Static):
    """A ``Static`` whose content is shown as it is."""


class Label(PlainContent, widgets.Label):
    """A ``Label`` whose content is shown as it is."""


class DataTable(widgets.DataTable):
    """A ``DataTable`` whose column labels and cells are shown as they are (see :func:`plain`)."""

    def add_column(self, label: Any = "", *args: Any, **kwargs: Any) -> Any:
        return super().add_column(plain(label), *args, **kwargs)

    def add_columns(self, *labels: Any) -> list[Any]:
        return super().add_columns(*(plain(label) for label in labels))

    def add_row(self, *cells: Any, **kwargs: Any) -> Any:
        return super().add_row(*(plain(cell) for cell in cells), **kwargs)

    def update_cell(self, row_key: Any, column_key: Any, value: Any, **kwargs: Any) -> None:
        super().update_cell(row_key, column_key, plain(value), **kwargs)
