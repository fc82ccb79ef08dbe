"""The wizard trains in a child process: same results, events and logs as in-process, and it can be stopped."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from nexusml.options.arguments import arguments_from_values
from nexusml.pipeline import (
    CancelToken,
    RunFinished,
    RunStarted,
    StageFinished,
    StageStarted,
    TrainingCancelled,
    TrainingError,
)
from tui.training_process import CHILD_NAME, run_in_process, run_in_thread


def _args(data: Path, out: Path, **extra):
    return arguments_from_values({"data_path": data, "output_dir": out, **extra})


@pytest.fixture(params=["default", "spawn"])
def start_method(request, monkeypatch: pytest.MonkeyPatch) -> str:
    """The start method of this platform (forkserver on Linux) and spawn, which macOS and Windows use."""
    if request.param == "spawn":
        import tui.training_process as training_process

        monkeypatch.setattr(training_process, "_context", lambda: multiprocessing.get_context("spawn"))
    return request.param


@pytest.fixture(scope="module")
def in_thread_result(inventory_csv: Path, tmp_path_factory: pytest.TempPathFactory):
    """The run in this process, once: both start methods are compared with it."""
    out = tmp_path_factory.mktemp("here")
    return run_in_thread(_args(inventory_csv, out), lambda event: None, lambda *record: None, CancelToken())


def test_child_process_gives_the_in_process_results_events_and_logs(
    inventory_csv: Path, tmp_path: Path, start_method: str, in_thread_result
) -> None:
    events, logs = [], []
    result = run_in_process(
        _args(inventory_csv, tmp_path / "child"), events.append, lambda *record: logs.append(record), CancelToken()
    )
    same = in_thread_result

    assert result.metrics == same.metrics and result.split_fingerprint == same.split_fingerprint
    assert Path(result.model_path).exists() and Path(result.model_path).parent == tmp_path / "child"
    assert isinstance(events[0], RunStarted) and isinstance(events[-1], RunFinished)
    started = [e.stage for e in events if isinstance(e, StageStarted)]
    assert started == [e.stage for e in events if isinstance(e, StageFinished)] and "train" in started
    assert logs and all(isinstance(level, int) and name.startswith("nexusml") for level, name, _ in logs)


def test_cancelling_stops_the_child_and_saves_nothing(inventory_csv: Path, tmp_path: Path, start_method: str) -> None:
    token = CancelToken()
    token.cancel("cancelled in the wizard")
    with pytest.raises(TrainingCancelled) as info:
        run_in_process(_args(inventory_csv, tmp_path), lambda event: None, lambda *record: None, token)
    assert "cancelled in the wizard" in info.value.message
    assert info.value.stage == "load_data"  # a token cancelled before the start stops the first stage
    assert not list(tmp_path.glob("*.skops")) and not list(tmp_path.glob("*.json"))


def test_a_child_that_ignores_cancel_is_stopped_after_the_grace_period(
    inventory_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.training_process as training_process

    monkeypatch.setattr(training_process, "CANCEL_GRACE_SECONDS", 0.0)
    token = CancelToken()
    after_cancel: list[object] = []

    def cancel_during_training(event) -> None:
        if token.cancelled:
            after_cancel.append(event)
        if isinstance(event, StageStarted) and event.stage == "train":
            token.cancel("the wizard was closed")

    with pytest.raises(TrainingCancelled) as info:
        run_in_process(_args(inventory_csv, tmp_path), cancel_during_training, lambda *record: None, token)
    # Terminated by the wizard once the (zero) grace period was over, not stopped by the child at its own next
    # check nor after its fit: the child reported nothing more, and the message says the run was stopped.
    assert info.value.stage == "train" and after_cancel == []
    assert info.value.message == "the wizard was closed during stage 'train' (the run was stopped)"
    assert not [c for c in multiprocessing.active_children() if c.name == CHILD_NAME]
    assert not list(tmp_path.glob("*.skops"))


def test_the_child_may_start_processes_of_its_own(inventory_csv: Path, tmp_path: Path) -> None:
    """A search on two local workers starts them from the child (a daemon child could not: joblib would run the
    search in the child alone, with a warning). The workers stay until the child exits; they are looked for from
    the start, as processes below this one whose parent is not this process."""
    psutil = pytest.importorskip("psutil")
    here, found, done = psutil.Process(), set(), threading.Event()

    def look_for_workers() -> None:
        while not done.is_set() and not found:
            for process in here.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    if process.ppid() != here.pid and "popen_loky" in " ".join(process.cmdline()):
                        found.add(process.ppid())
            time.sleep(0.05)

    watcher = threading.Thread(target=look_for_workers, daemon=True)
    watcher.start()
    try:
        result = run_in_process(
            _args(inventory_csv, tmp_path, optimize=True, n_jobs=2, cv_folds=2),
            lambda event: None,
            lambda *record: None,
            CancelToken(),
        )
    finally:
        done.set()
        watcher.join(10)
    assert result.search is not None and result.search["best_params"] and result.search["workers"] == 2
    assert found, "no worker process of the child's search was seen"


def test_a_failing_stage_is_reported_with_its_traceback(inventory_csv: Path, tmp_path: Path) -> None:
    config = tmp_path / "features.yml"
    config.write_text("text_combinations:\n  - name: combined_text\n    columns: [description]\ntargets: [nope]\n")
    with pytest.raises(TrainingError) as info:
        run_in_process(
            _args(inventory_csv, tmp_path, feature_config=config),
            lambda event: None,
            lambda *record: None,
            CancelToken(),
        )
    assert not isinstance(info.value, TrainingCancelled)
    assert "nope" in info.value.message and info.value.stage in {"load_data", "validate", "features"}
    assert "Traceback" in info.value.traceback


def test_a_child_that_dies_is_a_failed_run_naming_its_stage(inventory_csv: Path, tmp_path: Path) -> None:
    seen = []

    def kill_on_training(event) -> None:
        if isinstance(event, StageStarted):
            seen.append(event.stage)
            if event.stage == "train":
                for child in multiprocessing.active_children():
                    if child.name == CHILD_NAME:
                        os.kill(child.pid, signal.SIGKILL)

    with pytest.raises(TrainingError) as info:
        run_in_process(_args(inventory_csv, tmp_path), kill_on_training, lambda *record: None, CancelToken())
    # Named after the last stage the wizard heard of (the child may have begun the next one).
    assert "train" in seen and info.value.stage == seen[-1]
    assert "killed by SIGKILL" in info.value.message and "out of memory" in info.value.message
    assert not list(tmp_path.glob("*.skops"))
