"""Save an SVG screenshot of the wizard (for the README): ``python -m tui.screenshot OUT.svg [DATA_FILE]``."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from textual.widgets import Input

from tui.app import create_app


async def _capture(path: Path, given: dict[str, Any], size: tuple[int, int], step: int) -> Path:
    app = create_app(given)
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for _ in range(step):
            await pilot.press("ctrl+n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        for widget in app.screen.query(Input):
            widget.cursor_blink = False
        await pilot.pause()
        app.save_screenshot(filename=path.name, path=str(path.parent))
    return path


def save_wizard_screenshot(
    path: Path | str,
    data_path: Path | str | None = None,
    size: tuple[int, int] = (120, 40),
    step: int = 0,
) -> Path:
    """Write an SVG of the wizard (``step``: 0 Data ... 4 Review) to ``path``."""
    path = Path(path).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    given: dict[str, Any] = {}
    if data_path is not None:
        given["data_path"] = str(data_path)
    return asyncio.run(_capture(path, given, size, step))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in {"-h", "--help"}:
        print("usage: python -m tui.screenshot OUT.svg [DATA_FILE]")
        return 0 if argv else 2
    written = save_wizard_screenshot(argv[0], argv[1] if len(argv) > 1 else None)
    print(written)
    return 0


if __name__ == "__main__":
    sys.exit(main())
