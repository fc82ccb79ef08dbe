"""The pilot tests skip the frames a headless app would draw between two screens (``frames_drawn_when_looked_at``),
but a widget that cannot draw what it shows still fails the test that shows it."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static


class Fragile(Static):
    """Draws until it is told to fail."""

    failing = False

    def render(self) -> str:
        if self.failing:
            raise ValueError("cannot draw this")
        return "fine"


class Demo(App[None]):
    def compose(self) -> ComposeResult:
        yield Fragile()


async def test_a_widget_that_cannot_draw_its_last_state_fails_the_test() -> None:
    app = Demo()
    with pytest.raises(ValueError, match="cannot draw this"):
        async with app.run_test() as pilot:
            widget = app.query_one(Fragile)
            widget.failing = True
            widget.refresh()
            await pilot.pause()
            widget.refresh()


async def test_a_widget_that_cannot_draw_a_new_screen_fails_the_test() -> None:
    app = Demo()
    with pytest.raises(ValueError, match="cannot draw this"):
        async with app.run_test() as pilot:
            from textual.screen import Screen

            class Second(Screen[None]):
                def compose(self) -> ComposeResult:
                    broken = Fragile()
                    broken.failing = True
                    yield broken

            app.push_screen(Second())
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
