"""Every screen and dialog of the wizard at 80x24 (the smallest supported terminal) and at 120x40, as SVG snapshots.

The content is made up (``screen_data``) or read from relative paths, so the pictures do not vary between
machines. A changed picture is looked at before it is accepted (``--snapshot-update``).

Most screens are opened once, at 80x24, pictured, then the terminal is enlarged to 120x40 and they are pictured
again, as a user who enlarges the window sees them (the same pictures as a start at 120x40). A few lay out their
content when they open and keep it when the terminal grows (``OPENED_AT_EACH_SIZE``): those are opened at each
size. The pictures are compared as pytest-textual-snapshot's ``snap_compare`` compares them (its SVG extension
for syrupy, the steps of its screenshot), and a mismatch is in its HTML report.
"""

from __future__ import annotations

import pickle
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_textual_snapshot as textual_snapshot
from conftest import TINY_CSV
from rich.console import Console
from screen_data import coded_file, write_run
from syrupy import SnapshotAssertion
from textual.widgets import Input, TextArea

from tui.app import create_app

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
GIVEN = {"data_path": "tiny.csv", "output_dir": "models", "model_type": "logreg"}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Relative paths only, so the screens show the same text everywhere; a saved run in ``models``."""
    shutil.copy(TINY_CSV, tmp_path / "tiny.csv")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEXUSML_CONFIG_DIR", "cfg")
    write_run(Path("models"))
    return tmp_path


def results(app) -> None:
    from tui.runs import RunView
    from tui.screens.results import ResultsScreen

    app.push_screen(ResultsScreen(RunView.from_metadata(next(Path("models").glob("*_metadata.json")))))


def review(app) -> None:
    from tui.screens.review import ReviewScreen

    app.push_screen(ReviewScreen(*coded_file()))


def predict(app) -> None:
    for run in Path("models").glob("*_metadata.json"):  # a model file beside it: the run is listed
        (run.parent / run.name.replace("_metadata.json", ".skops")).write_bytes(b"")
    app.action_predict()


def confirm(app) -> None:
    from tui.screens.confirm import ConfirmScreen

    app.push_screen(ConfirmScreen("Cancel the training run?", "Cancel run", "Keep training"))


def traceback(app) -> None:
    from tui.screens.traceback import TracebackScreen

    text = 'Traceback (most recent call last):\n  File "stages.py", line 12, in run\nValueError: no rows left'
    app.push_screen(TracebackScreen("load_data", "no rows left after dropping the empty ones", text))


def nothing(app) -> None:
    return None


# name: (what opens the screen, then the keys pressed)
SCREENS: dict[str, tuple[Callable[[Any], None], tuple[str, ...]]] = {
    "wizard-data": (nothing, ()),
    "wizard-features": (nothing, ("ctrl+n",)),
    "wizard-training": (nothing, ("ctrl+n",) * 2),
    "wizard-output": (nothing, ("ctrl+n",) * 3),
    "wizard-review": (nothing, ("ctrl+n",) * 4),
    "settings": (nothing, ("f2",)),
    "help": (nothing, ("f1",)),
    "browse": (nothing, ("ctrl+f",)),
    "past-runs": (nothing, ("ctrl+o",)),
    "run-failed": (nothing, ("ctrl+r",)),
    "traceback": (traceback, ()),
    "confirm": (confirm, ()),
    "results": (results, ()),
    "results-per-class": (results, ("f3",)),
    "results-errors": (results, ("f4",)),
    "results-suspects": (results, ("f5",)),
    "results-warnings": (results, ("f7",)),
    "suspect-class-prompt": (results, ("f5", "t")),
    "predict": (predict, ()),
    "review": (review, ()),
    "review-help": (review, ("f1",)),
    "review-row": (review, ("enter",)),
    "review-path-prompt": (review, ("x",)),
}

# Laid out when opened, kept when the terminal grows (as a user enlarging the window sees them): the run log wraps
# each line as it is written, and the review table opened narrow shows one target at a time. Their 120x40
# pictures are of the screen opened at that size.
OPENED_AT_EACH_SIZE = {"run-failed", "review", "review-help", "review-row", "review-path-prompt"}


def fake_run(args, on_event, on_log, token):
    """Three stages, the third fails: the run screen's every part, with fixed figures."""
    from nexusml.pipeline import RunStarted, StageFailed, StageFinished, StageStarted, TrainingError

    stages = (("load_data", "Load data"), ("features", "Build features"), ("train", "Train"), ("save", "Save"))
    on_event(RunStarted(stages, "orchestrator"))
    for index, (name, title) in enumerate(stages[:2], 1):
        on_event(StageStarted(name, title, index, len(stages)))
        on_event(StageFinished(name, 0.5 * index, f"{title.lower()}: done"))
    on_event(StageStarted("train", "Train", 3, len(stages)))
    on_event(StageFailed("train", "the target has one class only", "ValueError", ""))
    raise TrainingError("train", "the target has one class only")


async def settled(pilot) -> None:
    """The app's workers done (a directory tree's loader waits for folders to open: it never ends), then a pause."""
    from textual.widgets import DirectoryTree

    app = pilot.app
    workers = [w for w in app.workers if not isinstance(w.node, DirectoryTree)]
    if workers:  # an empty list would mean every worker
        await app.workers.wait_for_complete(workers)
    await pilot.pause()


def steady(open_screen: Callable[[Any], None], keys: tuple[str, ...]):
    async def run_before(pilot) -> None:
        app = pilot.app
        await settled(pilot)
        open_screen(app)
        for key in keys:
            await settled(pilot)
            await pilot.press(key)
        for _ in range(3):
            await settled(pilot)
        for widget in app.screen.query(Input):
            widget.cursor_blink = False
        for area in app.screen.query(TextArea):
            area.cursor_blink = False
        for root in app.screen.query("#browse-root"):
            root.update("(the working directory)")  # an absolute path otherwise
        app.clear_notifications()
        await pilot.pause()

    return run_before


class SizedSVG(textual_snapshot.SVGImageExtension):
    """One file per size: ``test_screen[NAME-80x24].svg`` for the assertion named ``80x24``."""

    @classmethod
    def get_snapshot_name(cls, *, test_location: Any, index: Any = 0) -> str:
        return super().get_snapshot_name(test_location=test_location, index=index).replace("][", "-")


def screenshots(app: Any, run_before: Callable[[Any], Any], sizes: dict[str, tuple[int, int]]) -> dict[str, str]:
    """The app's screen at each of ``sizes``, started at the first and resized to the next: the steps of textual's
    ``take_svg_screenshot`` (which ``snap_compare`` runs) before each picture."""
    title = app.title
    shots: dict[str, str] = {}

    async def auto_pilot(pilot) -> None:
        await run_before(pilot)
        for size, (width, height) in sizes.items():
            if shots:  # the terminal enlarged, as a user would: the screen lays itself out again
                await pilot.resize_terminal(width, height)
                for _ in range(3):
                    await settled(pilot)
                app.clear_notifications()
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            await pilot.pause()
            await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            shots[size] = app.export_screenshot(title=title, simplify=True)
        app.exit()

    app.run(headless=True, auto_pilot=auto_pilot, size=next(iter(sizes.values())))
    return shots


def mismatched(snapshot: SnapshotAssertion, request: pytest.FixtureRequest, shots: dict[str, str]) -> list[str]:
    """The sizes whose picture differs from its stored SVG (each written with ``--snapshot-update``), and each in
    pytest-textual-snapshot's report as ``snap_compare`` puts it there."""
    sized = snapshot.use_extension(SizedSVG)
    node = request.node
    full_path, line_number, name = node.reportinfo()
    console = Console(legacy_windows=False, force_terminal=True)
    pseudo_app = textual_snapshot.PseudoApp(textual_snapshot.PseudoConsole(console.legacy_windows, console.size))
    failed = []
    for size, svg in shots.items():
        stored = Path(SizedSVG.get_location(test_location=sized.test_location, index=size))
        expected = textual_snapshot.normalize_svg(stored.read_text(encoding="utf-8")) if stored.exists() else None
        matches = sized(name=size) == svg
        if not matches:
            failed.append(size)
        sized_name = name.replace("]", f"-{size}]")
        report = (matches, expected, svg, pseudo_app, full_path, line_number, sized_name,
                  node.function.__doc__ or "", "", expected is not None)  # fmt: skip
        path = textual_snapshot.node_to_report_path(node)
        path.with_name(f"{path.name}{size}").write_bytes(pickle.dumps(report))
    return failed


@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(
    snapshot: SnapshotAssertion,
    request: pytest.FixtureRequest,
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    from tui.screens.run import RunScreen

    monkeypatch.setattr(RunScreen, "runner", staticmethod(fake_run))
    open_screen, keys = SCREENS[name]
    if name in OPENED_AT_EACH_SIZE:
        shots: dict[str, str] = {}
        for size, width_height in SIZES.items():
            shots |= screenshots(create_app(dict(GIVEN)), steady(open_screen, keys), {size: width_height})
    else:
        shots = screenshots(create_app(dict(GIVEN)), steady(open_screen, keys), SIZES)
    failed = mismatched(snapshot, request, shots)
    assert not failed, f"{name} at {', '.join(failed)} differs from its snapshot: see snapshot_report.html"
