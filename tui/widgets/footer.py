"""Textual's footer, fitted to the width it has and rebuilt only when the keys it shows have changed.

A key that does not fit is left out, the screen's minor keys first (sorting, zoom, the app's settings);
``f1`` Help stays, and the help it opens lists every key of the screen. Under :data:`ROOMY` columns the
keys sit closer together, and the command palette's key (``ctrl+p`` still works) shows only if there is room.
"""

from __future__ import annotations

from typing import NamedTuple

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

ROOMY = 120  # from this width the footer has Textual's usual spacing
KEPT = frozenset({"help"})  # never left out
# Left out first when the keys do not fit (the action's name, without its arguments).
MINOR = frozenset(
    {"sort", "zoom", "next_chart", "focus_filter", "focus_text", "focus_try", "settings", "past_runs", "quit"}
)
MINOR_OFF = {"WizardScreen": frozenset({"run"})}  # the run is minor on every screen but the wizard's


class Shown(NamedTuple):
    binding: Binding
    enabled: bool
    tooltip: str


class Keys(NamedTuple):
    """What the footer shows: its keys, whether they sit close together, whether the palette's key shows."""

    chosen: tuple[Shown, ...]
    compact: bool
    palette: bool


def action_name(action: str) -> str:
    return action.split("(", 1)[0].rpartition(".")[2]


def key_width(key: str, description: str, compact: bool) -> int:
    """The columns a FooterKey takes: its key and description with their padding (and margin, compact)."""
    return len(key) + len(description) + (2 if compact else 3)


def fitted(keys: list[tuple[Shown, str]], width: int, compact: bool, minor: frozenset[str]) -> list[Shown]:
    """The keys that fit in ``width`` columns, in their order: the minor ones go first, then from the end."""
    sizes = [key_width(display, item.binding.description, compact) for item, display in keys]
    kept = list(range(len(keys)))
    names = [action_name(item.binding.action) for item, _ in keys]
    for rank in (True, False):  # minor keys first, then any key but help
        for place in reversed(list(kept)):
            if sum(sizes[i] for i in kept) <= width:
                return [keys[i][0] for i in kept]
            if names[place] not in KEPT and (names[place] in minor) is rank:
                kept.remove(place)
    return [keys[i][0] for i in kept]


class Footer(TextualFooter):
    """The footer of every screen.

    Textual's footer rebuilds its keys each time the screen's bindings may have changed: a focus move
    or a tab switch asks for it several times, mostly with the same keys, and each rebuild restyles a
    dozen widgets. This one compares what it would show with what it shows and skips an identical rebuild;
    other keys in the same style are shown on the key widgets there are, adding or removing the difference.
    """

    _composed = False
    _shown: Keys | None = None  # None: the bindings were not ready

    def _width(self) -> int:
        return self.app.size.width

    def _minor(self) -> frozenset[str]:
        return MINOR | frozenset({"run"}) - MINOR_OFF.get(type(self.screen).__name__, frozenset())

    def _layout(self) -> tuple[list[Shown], bool, bool]:
        """The keys shown, whether they sit close together and whether the palette's key shows."""
        active = self.screen.active_bindings
        by_action: dict[str, tuple[Shown, str]] = {}
        for item in active.values():
            if item.binding.show and item.binding.action not in by_action:
                shown = Shown(item.binding, item.enabled, item.tooltip)
                by_action[item.binding.action] = (shown, self.app.get_key_display(item.binding))
        keys = list(by_action.values())
        width = self._width()
        compact = width < ROOMY
        chosen = fitted(keys, width, compact, self._minor())
        used = sum(key_width(d, s.binding.description, compact) for s, d in keys if s in chosen)
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        room = palette is not None and self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE
        if room and palette is not None:
            room = (
                used + key_width(self.app.get_key_display(palette.binding), palette.binding.description, False) < width
            )
        return chosen, compact, bool(room)

    def _keys(self) -> Keys | None:
        """What ``compose`` shows, or None while the bindings are not ready."""
        if not self._bindings_ready:
            return None
        chosen, compact, palette = self._layout()
        return Keys(tuple(chosen), compact, palette)

    def compose(self) -> ComposeResult:
        self._composed = True
        self._shown = keys = self._keys()
        if keys is None:
            return
        chosen, compact, palette = keys
        self.set_reactive(TextualFooter.compact, compact)
        self.set_class(compact, "-compact")
        for shown in chosen:
            yield self._key(shown, compact)
        if palette:
            yield self._palette_key()

    def _palette_key(self) -> FooterKey:
        item = self.screen.active_bindings[self.app.COMMAND_PALETTE_BINDING]
        shown = Shown(item.binding, item.enabled, item.binding.tooltip or item.binding.description)
        return self._key(shown, compact=False, classes="-command-palette")

    def _key(self, shown: Shown, compact: bool, classes: str = "") -> FooterKey:
        binding, enabled, tooltip = shown
        key = FooterKey(
            binding.key,
            self.app.get_key_display(binding),
            binding.description,
            binding.action,
            disabled=not enabled,
            tooltip=tooltip,
            classes=classes,
        )
        if not classes:
            # Made in the footer's style, where Textual's binds it to the footer: each key then mounted in one
            # style and restyled into the other (a footer whose style changes is composed again anyway).
            key.set_reactive(FooterKey.compact, compact)
            key.set_class(compact, "-compact", update=False)
        return key

    async def _relabel(self, keys: tuple[Shown, ...], compact: bool, palette: bool) -> None:
        """Show ``keys`` (and the palette's key, if ``palette``) on the key widgets there are, adding or removing
        the difference: a rebuild restyles them all."""
        shown = list(self.query_children(FooterKey))
        palettes = [w for w in shown if w.has_class("-command-palette")]
        widgets = [w for w in shown if w not in palettes]
        for widget, (binding, enabled, tooltip) in zip(widgets, keys, strict=False):
            widget.key, widget.action = binding.key, binding.action
            widget.key_display, widget.description = self.app.get_key_display(binding), binding.description
            widget._disabled = not enabled  # what a click on it reads (FooterKey keeps it from its constructor)
            widget.set_class(not enabled, "-disabled")
            widget.tooltip = tooltip or None
            widget.refresh(layout=True)
        surplus = widgets[len(keys) :] + ([] if palette else palettes)
        if surplus:
            await self.remove_children(surplus)
        added = [self._key(item, compact) for item in keys[len(widgets) :]]
        if palette and not palettes:
            added.append(self._palette_key())
        if added:
            await self.mount_all(added, before=palettes[0] if palettes and palette else None)

    def on_resize(self) -> None:
        if self.is_attached and self._composed:
            self.call_after_refresh(self.recompose)

    async def recompose(self) -> None:
        if self.is_attached and self._composed:
            keys, shown = self._keys(), self._shown
            if keys == shown:
                return
            if keys is not None and shown is not None and keys.compact == shown.compact:  # the same style
                self._shown = keys
                await self._relabel(*keys)
                return
        await super().recompose()
