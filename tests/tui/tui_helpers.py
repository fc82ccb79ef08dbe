from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from textual.pilot import Pilot


async def settle(pilot: Pilot, rounds: int = 3) -> None:
    """Let workers finish and the messages they posted be handled."""
    app = pilot.app
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()


def text_of(widget) -> str:
    """Plain text of a Static-like widget."""
    rendered = widget.render()
    return str(getattr(rendered, "plain", rendered))


async def until(pilot: Pilot, condition, timeout: float = 5.0) -> bool:
    """Let the app run until ``condition()`` holds (layout after a resize can take a few frames on a busy machine)."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await pilot.pause(0.05)
    return True


@contextlib.asynccontextmanager
async def results_of_a_saved_run(folder: Path, size: tuple[int, int] = (80, 24)) -> AsyncIterator[tuple[Any, Pilot]]:
    """The wizard showing the results screen of a run ``screen_data`` saves in ``folder``: (app, pilot)."""
    from screen_data import write_run

    from tui.app import create_app
    from tui.runs import RunView
    from tui.screens.results import ResultsScreen

    view = RunView.from_metadata(write_run(folder))
    app = create_app({"output_dir": str(folder)})
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.push_screen(ResultsScreen(view))
        await settle(pilot)
        yield app, pilot
