"""Shared fixtures: small, realistic training files written to tmp dirs."""

from __future__ import annotations

import contextlib
import gc
import io
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# A test process holds what pandas, scikit-learn and Textual import, and the pilot tests make many short-lived
# objects: with the default threshold (700) a full collection (~0.2 s each, walking all of it) ran every few
# seconds and garbage collection took a sixth of a worker's time. Young collections every 10,000 allocations.
gc.set_threshold(10_000, 10, 10)


# The test files that take longest, handed to the xdist workers first: the short ones then fill the gaps, and no
# worker is left running a long file while the others are done. Only the order changes (a file's tests keep
# theirs, and a file missing here simply comes after these).
LONGEST_FILES = (
    "tests/tui/test_screen_snapshots.py",
    "tests/tui/test_readiness.py",
    "tests/tui/test_results_tables.py",
    "tests/tui/test_review.py",
    "tests/test_train_model_pipeline_v2.py",
    "tests/test_robustness.py",
    "tests/test_promises.py",
    "tests/test_model_quality.py",
    "tests/test_model_files.py",
    "tests/test_dask.py",
    "tests/tui/test_wizard.py",
    "tests/tui/test_suspects_tab.py",
    "tests/tui/test_training_process.py",
    "tests/test_kill_during_save.py",
    "tests/tui/test_run.py",
    "tests/core/test_default_model.py",
    "tests/test_terminal_output.py",
    "tests/tui/test_hostile_data.py",
    "tests/test_bounded_reads.py",
)


@pytest.fixture(autouse=True)
def _suspects_only_where_tested(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs in this process skip the suspect-labels stage unless the test is marked ``suspects`` (or asks with
    --suspects): it costs about one more fit per run, and the tests of every other feature do not read it. The
    stage's own tests, the wizard's Suspects tab and the legacy/orchestrator equivalence run it as users do."""
    if request.node.get_closest_marker("suspects") is None:
        monkeypatch.setattr("nexusml.evaluation.suspects.AUTO_MAX_ROWS", 0)


def pytest_configure(config: pytest.Config) -> None:
    """In the process that starts the xdist workers (or runs alone): compile the project once, before they start.

    With PYTHONDONTWRITEBYTECODE set (as here) no process writes bytecode, so each worker, and each subprocess a
    test starts, compiled nexusml/ and tui/ from source again, and each worker rewrote the asserts of every test
    file it collects (about 1.5 and 3 CPU seconds per worker). Written here once (``__pycache__`` is ignored by
    git), they read the ``.pyc`` files; a file changed since is compiled again, here and by whoever imports it.
    """
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    import compileall

    for folder in ("nexusml", "tui", "scripts", "tests"):
        compileall.compile_dir(REPO / folder, quiet=2)  # a file that does not compile is left to its importer
    _write_rewritten_tests(config)


def _write_rewritten_tests(config: pytest.Config) -> None:
    """The test files and conftests as pytest's assert rewriting makes them, cached where its import hook looks
    (it reads a cached file even when it writes none). These are pytest's private helpers: if they change, the
    workers rewrite the files themselves as before."""
    try:
        from _pytest.assertion.rewrite import (
            PYC_TAIL,
            _read_pyc,
            _rewrite_test,
            _write_pyc,
            assertstate_key,
            get_cache_dir,
        )
    except ImportError:
        return
    state = config.stash.get(assertstate_key, None)
    if state is None:  # --assert=plain: nothing is rewritten
        return
    for source in sorted((REPO / "tests").rglob("*.py")):
        if source.name != "conftest.py" and not source.name.startswith("test_"):
            continue  # the default python_files, test_*.py
        pyc = get_cache_dir(source) / (source.name[:-3] + PYC_TAIL)
        try:
            if _read_pyc(source, pyc) is None:
                pyc.parent.mkdir(parents=True, exist_ok=True)
                stat, code = _rewrite_test(source, config)
                _write_pyc(state, code, stat, pyc)
        except Exception:  # a file that does not compile, or private helpers that changed their shape
            continue  # left to the worker that imports it


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Collect the garbage twice, then freeze what is left, before pytest's last look for exceptions in finalizers.

    That look (the unraisable-exception plugin's cleanup, after this hook) runs five full collections, each walking
    everything pandas, scikit-learn and Textual hold: 2-3.4 s at the end of each worker, the last one's on the wall
    clock. The first two collections here run the finalizers, under the same watch; the five then walk only what
    those two left.
    """
    gc.collect()
    gc.collect()
    gc.freeze()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {name: i for i, name in enumerate(LONGEST_FILES)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))  # stable: the rest keep order


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` (pyproject's addopts): three workers for every two cores, where xdist starts one a core.

    A good part of a worker's time is spent waiting, not computing: a pilot key press waits until the app
    has been idle for a while, runs wait for their child process or search workers, some tests sleep. The
    extra worker computes meanwhile. PYTEST_XDIST_AUTO_NUM_WORKERS still sets the number.
    """
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    from xdist.plugin import pytest_xdist_auto_num_workers as one_a_core

    cores = one_a_core(config)
    return cores + (cores + 1) // 2


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The wizard's settings and saved feature configs go to the test's own directory, never the user's."""
    directory = tmp_path / "config"
    monkeypatch.setenv("NEXUSML_CONFIG_DIR", str(directory))
    return directory


@pytest.fixture(scope="session")
def inventory_csv(tmp_path_factory) -> Path:
    """400 rows of the bundled inventory format."""
    from scripts.synthetic import generate_inventory

    path = tmp_path_factory.mktemp("data") / "inventory.csv"
    generate_inventory(400, seed=3).to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def bundled_model(tmp_path_factory) -> Path:
    """A model trained (headless, as a user would) on the first 400 rows of the bundled inventory."""
    from nexusml.train_model_pipeline_v2 import main as train_main

    folder = tmp_path_factory.mktemp("bundled_model")
    data = folder / "inventory.csv"
    bundled = REPO / "nexusml" / "data" / "equipment_inventory.csv"
    data.write_text("".join(bundled.read_text().splitlines(keepends=True)[:401]))
    argv = ["--headless", "--data-path", str(data), "--output-dir", str(folder), "--log-level", "ERROR"]
    assert train_main(argv) == 0
    return folder / "equipment_classifier_latest.skops"


@pytest.fixture(scope="session")
def asset_register(tmp_path_factory) -> tuple[Path, Path]:
    """A file with other column names (with spaces) and the feature config that describes it."""
    from scripts.synthetic import generate_asset_register

    folder = tmp_path_factory.mktemp("assets")
    data = folder / "assets.csv"
    generate_asset_register(500, seed=5).to_csv(data, index=False)
    config = folder / "assets_features.yml"
    config.write_text(
        "text_combinations:\n"
        "  - name: combined_text\n"
        "    columns: [Asset Label, Make, Notes]\n"
        "numeric_columns:\n"
        "  - {name: Capacity, new_name: capacity, fill_value: 0, dtype: float}\n"
        "targets: [System, Trade Group]\n",
        encoding="utf-8",
    )
    return data, config


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 180, module: str = "nexusml"
) -> subprocess.CompletedProcess:
    """A real entry point in a subprocess (stdin/stdout are not a terminal, as in cron).

    ``module``: ``nexusml`` (nexusml-train), ``nexusml.commands.predict`` or ``nexusml.commands.evaluate``.
    """
    env = dict(os.environ, PYTHONPATH=str(REPO), COLUMNS="200")
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def call_main(main: Callable[[list[str]], int], *args: str) -> subprocess.CompletedProcess:
    """An entry point's ``main`` called in this process: its exit code, stdout and stderr as ``run_cli`` gives them.

    For tests of what a program does with its arguments; tests of the process itself (signals, a fresh
    interpreter's imports, two programs at once) use ``run_cli``.
    """
    out, err = io.StringIO(), io.StringIO()
    # The root logger as a new interpreter has it (pytest's capture handlers set aside): what the program
    # logs reaches its stderr as it would in a terminal.
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers = []
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse's errors and --help
                code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    finally:
        root.handlers = handlers
        root.setLevel(level)
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    return run_cli


def cpu_seconds_of(pid: int) -> float:
    """The CPU seconds process ``pid`` has used so far: its threads and the children it has waited for (Linux).

    Tests measure "it stopped at once" in CPU seconds, not on the wall clock: a busy machine gives a process
    less of a core, which stretches its wall time but not the work it does.
    """
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(ticks) for ticks in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime


def finish(proc: subprocess.Popen, timeout: float = 120) -> tuple[str, str, float]:
    """Wait for ``proc`` while reading its pipes: its stdout, its stderr and the CPU seconds it used in all.

    The CPU time is the child's own (from wait4, as ``cpu_seconds_of`` counts it), so
    ``finish(proc)[2] - cpu_seconds_of(proc.pid)`` taken earlier is the work done in between.
    """
    import threading
    import time

    texts = {"stdout": "", "stderr": ""}

    def read(name: str) -> None:
        with getattr(proc, name) as stream:
            texts[name] = stream.read()

    readers = [threading.Thread(target=read, args=(name,)) for name in texts if getattr(proc, name) is not None]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + timeout  # only against hanging forever
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            raise subprocess.TimeoutExpired(proc.args, timeout)
        time.sleep(0.02)
    proc.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    return texts["stdout"], texts["stderr"], usage.ru_utime + usage.ru_stime
