"""The Python example runs from a checkout and shows every part it promises."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO


def test_training_pipeline_example_runs(tmp_path):
    done = subprocess.run(
        [sys.executable, str(REPO / "examples" / "training_pipeline_example.py")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for heading in (
        "Default run",
        "Custom feature config",
        "Hyperparameter search",
        "Legacy path",
        "Listening to stage events",
        "Handling errors",
        "Prediction with the saved model",
    ):
        assert f"=== {heading}" in out
    assert "same split, same metrics, same predictions: yes" in out
    assert "bad argument -> --data-path: file not found" in out
    assert "failed run   -> stage 'load_data'" in out
    assert "predicted_category_name" in out
    assert not list(tmp_path.iterdir())  # it cleans up after itself
