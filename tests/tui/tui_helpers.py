from __future__ import annotations

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
