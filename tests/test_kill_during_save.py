"""SIGKILL at random moments while models are saved: every file left loads or is refused cleanly; _latest loads."""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import time
from pathlib import Path

import pytest

from nexusml.store.load import ModelLoadError, load_model
from nexusml.store.model_format import MODEL_SUFFIX
from nexusml.store.serializer import save_model

pytestmark = pytest.mark.skipif(sys.platform == "win32" or not hasattr(os, "fork"), reason="needs fork and SIGKILL")

KILLS = 24


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    from nexusml.options.training_args import arguments_from_values
    from nexusml.pipeline import run_training
    from tests.test_robustness import small_frame

    folder = tmp_path_factory.mktemp("trained")
    small_frame(80).to_csv(folder / "good.csv", index=False)
    result = run_training(arguments_from_values({"data_path": folder / "good.csv", "output_dir": folder / "models"}))
    return load_model(result.model_path), result.metadata


def saving_forever(model, metadata: dict, out: Path) -> None:
    """The child: save one model after another until it is killed."""
    n = 0
    while True:
        n += 1
        save_model(model, dict(metadata, run=n), out, "kill", f"20260101_{os.getpid()}_{n:06d}", {"errors.csv": "a\n"})


def test_models_survive_sigkill_during_save(trained, tmp_path):
    model, metadata = trained
    out = tmp_path / "models"
    save_model(model, dict(metadata, run=0), out, "kill", "20250101_000000")  # a finished earlier run
    rng = random.Random(7)
    for _ in range(KILLS):
        pid = os.fork()
        if pid == 0:  # the child never returns to pytest
            try:
                saving_forever(model, metadata, out)
            finally:
                os._exit(0)
        # Once the child has saved one whole model, kill it at a random moment of the next save (or the one
        # after): every kill interrupts a save, and each interval holds a completed one however busy the machine.
        started = time.monotonic()
        while not list(out.glob(f"kill_20260101_{pid}_*_metadata.json")):
            assert time.monotonic() - started < 120, "the child finished no save in 120 s"
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 1.5) * (time.monotonic() - started))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        latest = load_model(out / f"kill_latest{MODEL_SUFFIX}")  # always a whole, matching model
        assert latest.targets == model.targets
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
    assert loaded > KILLS  # most saves completed between the kills
    assert refused <= KILLS
