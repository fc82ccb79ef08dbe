"""SIGKILL at every step of a model save: every file left loads or is refused cleanly; _latest loads."""

from __future__ import annotations

import itertools
import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from nexusml.store.layout import MODEL_SUFFIX
from nexusml.store.load import ModelLoadError, load_model
from nexusml.store.serializer import save_model

pytestmark = pytest.mark.skipif(sys.platform == "win32" or not hasattr(os, "fork"), reason="needs fork and SIGKILL")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    from nexusml.options.arguments import arguments_from_values
    from nexusml.pipeline import run_training
    from tests.test_robustness import small_frame

    folder = tmp_path_factory.mktemp("trained")
    small_frame(80).to_csv(folder / "good.csv", index=False)
    result = run_training(arguments_from_values({"data_path": folder / "good.csv", "output_dir": folder / "models"}))
    return load_model(result.model_path), result.metadata


# The audit events of what a save does to the file system (Python raises them just before each operation);
# opening a file for reading (to fsync it) and listing a folder change nothing.
FILE_EVENTS = ("open", "os.", "shutil.", "tempfile.", "fcntl.")
READS = {"os.listdir", "os.scandir", "os.kill"}


def save_killed_at(model, metadata: dict, out: Path, run: int, kill_at: int, names_fd: int | None = None) -> None:
    """The child: save a model, SIGKILLing itself at step ``kill_at`` of the save (0: never).

    A step is a file operation (killed just before it) or a write of the model, the metadata or a report
    (killed halfway through it, that half on disk). ``names_fd`` gets the name of each step, one a line.
    """
    from nexusml.store import serializer

    steps = itertools.count(1)

    def step(name: str) -> bool:
        if names_fd is not None:
            os.write(names_fd, f"{name}\n".encode())
        return next(steps) == kill_at

    def audit(event: str, args: tuple) -> None:
        changes = event.startswith(FILE_EVENTS) and event not in READS and not (event == "open" and args[1] == "r")
        if changes and step(event):
            os.kill(os.getpid(), signal.SIGKILL)

    write_model, write_text = serializer._HashingWriter.write, Path.write_text

    def model_halfway(self, data):
        if step("write model"):
            write_model(self, data[: len(data) // 2])
            self.handle.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        return write_model(self, data)

    def text_halfway(self, data, *args, **kwargs):
        if step(f"write {self.name}"):
            write_text(self, data[: len(data) // 2], *args, **kwargs)
            os.kill(os.getpid(), signal.SIGKILL)
        return write_text(self, data, *args, **kwargs)

    serializer._HashingWriter.write = model_halfway
    Path.write_text = text_halfway
    sys.addaudithook(audit)
    save_model(model, dict(metadata, run=run), out, "kill", f"20260101_{run:06d}", {"errors.csv": "a\n"})


def in_child(save, *args) -> int:
    """Run ``save(*args)`` in a forked child; its wait status."""
    pid = os.fork()
    if pid == 0:  # the child never returns to pytest
        try:
            save(*args)
        finally:
            os._exit(0)
    deadline = time.monotonic() + 60  # only against waiting forever (a lock left held)
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("a save did not finish in 60 s")
        time.sleep(0.002)


def test_models_survive_sigkill_at_every_step_of_a_save(trained, tmp_path):
    model, metadata = trained
    out = tmp_path / "models"
    save_model(model, dict(metadata, run=0), out, "kill", "20250101_000000")  # a finished earlier run

    # A whole save names its steps: the files are created, written, renamed into place; _latest is linked
    # and renamed under the directory lock.
    read_end, write_end = os.pipe()
    assert in_child(save_killed_at, model, metadata, out, 1, 0, write_end) == 0
    os.close(write_end)
    with os.fdopen(read_end) as names_file:
        names = names_file.read().splitlines()
    kinds = set(names)
    assert {"tempfile.mkstemp", "write model", "os.rename", "os.link", "fcntl.flock"} <= kinds, names
    assert len([n for n in names if n.startswith("write ") and n.endswith(".json")]) == 2, names  # both metadata

    latest_model, latest_meta = out / f"kill_latest{MODEL_SUFFIX}", out / "kill_latest_metadata.json"
    checked = None
    for kill_at in range(1, len(names) + 1):
        status = in_child(save_killed_at, model, metadata, out, kill_at + 1, kill_at)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, names[kill_at - 1]
        latest_of = out / json.loads(latest_meta.read_text(encoding="utf-8"))["latest_of"]
        now = [
            (f.stat().st_ino, f.stat().st_mtime_ns, f.stat().st_size) for f in (latest_model, latest_meta, latest_of)
        ]
        if now != checked:  # the files the last check loaded are all still there, unchanged
            latest = load_model(latest_model)  # always a whole, matching model
            assert latest.targets == model.targets, names[kill_at - 1]
            checked = now

    loaded = refused = 0
    for path in sorted(out.glob(f"*{MODEL_SUFFIX}")):
        try:
            load_model(path)
            loaded += 1
        except ModelLoadError as exc:  # a model whose metadata never made it: refused in one line
            assert "no metadata file" in str(exc)
            refused += 1
    for meta_path in out.glob("*_metadata.json"):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        assert (out / meta.get("latest_of", meta["model_file"])).exists(), meta_path.name  # never describes nothing
    # The earlier run, the whole save and each save killed after its metadata was in place; a model renamed
    # into place before its metadata is refused.
    assert loaded >= 3 and refused >= 1
