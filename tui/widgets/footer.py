"""Textual's footer, rebuilt only when the keys it shows have changed."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """The footer of every screen.

    Textual's footer rebuilds its keys each time the screen's bindings may have changed: a focus move
    or a tab switch asks for it several times, mostly with the same keys, and each rebuild restyles a
    dozen widgets. This one compares what it would show with what it shows and skips an identical rebuild.
    """

    _shown: Any = None

    def _keys(self) -> Any:
        """What ``compose`` reads: the shown bindings, the command palette's and whether they are ready."""
        active = self.screen.active_bindings
        shown = tuple((b.binding, b.enabled, b.tooltip) for b in active.values() if b.binding.show)
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        return (
            self._bindings_ready,
            self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE,
            shown,
            None if palette is None else (palette.binding, palette.enabled, palette.tooltip),
        )

    def compose(self) -> ComposeResult:
        self._shown = self._keys()
        yield from super().compose()

    async def recompose(self) -> None:
        if self.is_attached and self._shown is not None and self._keys() == self._shown:
            return
        await super().recompose()
