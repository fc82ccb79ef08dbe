"""kill -9 of a run during ``--optimize --n-jobs 2`` leaves no worker process behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, cpu_seconds_of

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_search_workers_exit_within_seconds_of_their_run_being_killed(tmp_path):
    from scripts.synthetic import generate_inventory

    data = tmp_path / "inventory.csv"
    generate_inventory(3000, seed=3).to_csv(data, index=False)
    run = subprocess.Popen(
        [sys.executable, "-m", "nexusml", "--headless", "--data-path", str(data), "--output-dir", str(tmp_path / "out"),
         "--optimize", "--n-jobs", "2"],
        cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(REPO)),
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 and time.monotonic() < deadline and run.poll() is None:
            workers = [p for p in children_of(run.pid) if "popen_loky" in command_of(p)]
            time.sleep(0.1)
        assert len(workers) == 2, "the search never started its two workers"
        # The workers are fitting: each has used a second of CPU (its imports, then fits). Killed earlier, a
        # worker could find its queue closed before its first task and exit even without the guard.
        while min(cpu_seconds_of(p) for p in workers) < 1.0 and time.monotonic() < deadline:
            time.sleep(0.05)
        helpers = children_of(run.pid)  # the workers and the resource trackers
        cpu = {pid: cpu_seconds_of(pid) for pid in helpers}
        at_kill = dict(cpu)
        run.send_signal(signal.SIGKILL)
        run.wait(60)
        deadline = time.monotonic() + 60  # only against waiting forever: unguarded workers wait 300 s
        while any(running(p) for p in helpers) and time.monotonic() < deadline:
            for pid in helpers:
                with contextlib.suppress(OSError, ValueError, IndexError):  # gone (a zombie still answers)
                    cpu[pid] = cpu_seconds_of(pid)
            time.sleep(0.05)
        left = [command_of(p) for p in helpers if running(p)]
        assert not left, f"still running 60 s after kill -9: {left}"
        # Within seconds: a worker ends at its next look at its parent (every 0.5 s; 0.1-0.4 s of CPU measured)
        # instead of computing the fits it was handed (1.3-2 s of CPU without the guard, then it waits). In CPU
        # seconds, which a busy machine does not stretch.
        worked = {pid: round(cpu[pid] - at_kill[pid], 2) for pid in helpers}
        assert max(worked.values()) < 1.0, f"CPU seconds after kill -9: {worked}"
    finally:
        if run.poll() is None:
            run.kill()
        for pid in workers:
            if running(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_worker_whose_parent_is_gone_exits_and_one_whose_parent_runs_stays():
    probe = (
        "import os, sys, time\n"
        "from nexusml.model.workers import exit_with_parent\n"
        "exit_with_parent(int(sys.argv[1]), poll_seconds=0.05)\n"
        "time.sleep(float(sys.argv[2]))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    gone = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(0)"])
    gone.wait()
    orphan = subprocess.run([sys.executable, "-c", probe, str(gone.pid), "5"], env=env, timeout=30)
    assert orphan.returncode == 3  # its parent (as far as it was told) had already gone
    kept = subprocess.run([sys.executable, "-c", probe, str(os.getpid()), "0.3"], env=env, timeout=30)
    assert kept.returncode == 0
