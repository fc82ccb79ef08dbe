"""Escape sequences in data never reach the terminal: headless training, nexusml-predict and nexusml-evaluate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nexusml.evaluate import main as evaluate_main
from nexusml.predict import main as predict_main
from nexusml.train_model_pipeline_v2 import main as train_main

TITLE = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J"


def escape_file(path: Path, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    labels = np.array([f"Pumps{TITLE}", f"Fans{CLEAR}", "Valves\r"])
    picks = rng.integers(0, 3, 150)
    text = [
        f"{['pump impeller', 'fan blade', 'valve gate'][k]} {CLEAR if i % 5 == 0 else ''} {i}"
        for i, k in enumerate(picks)
    ]
    pd.DataFrame({f"Name{CLEAR}": text, "System": labels[picks]}).to_csv(path, index=False)
    return path


def test_no_control_character_reaches_the_terminal(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    data = escape_file(tmp_path / "assets.csv")
    argv = ["--headless", "--data-path", str(data), "--target", "System", "--text-columns", f"Name{CLEAR}"]
    assert train_main([*argv, "--output-dir", str(tmp_path / "m"), "--log-level", "DEBUG"]) == 0
    out, err = capfd.readouterr()
    assert "?[2J" in out + err  # shown, escaped
    model = str(tmp_path / "m" / "equipment_classifier_latest.skops")
    assert predict_main(["--model", model, "--input", str(data), "--output", str(tmp_path / "p.csv")]) == 0
    assert evaluate_main(["--model", model, "--input", str(data), "--output-dir", str(tmp_path)]) == 0
    # a failure's one line quotes the bad value: escaped too
    assert train_main([*argv[:4], f"Nope{TITLE}", *argv[5:], "--output-dir", str(tmp_path / "m")]) == 1
    out2, err2 = capfd.readouterr()
    for text in (out, err, out2, err2):
        assert "\x1b" not in text and "\x07" not in text and "\r" not in text
    assert "Nope?]0;pwned?" in err2


def test_predict_stops_on_ctrl_c_or_sigterm_with_one_line(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    data = Path(__file__).resolve().parents[1] / "nexusml" / "data" / "equipment_inventory.csv"
    small = tmp_path / "small.csv"
    pd.read_csv(data).head(300).to_csv(small, index=False)
    assert train_main(["--headless", "--data-path", str(small), "--output-dir", str(tmp_path / "m")]) == 0
    big = tmp_path / "big.csv"
    pd.concat([pd.read_csv(data)] * 60, ignore_index=True).to_csv(big, index=False)  # a minute of coding
    model = tmp_path / "m" / "equipment_classifier_latest.skops"
    started = {}
    for signum in (signal.SIGINT, signal.SIGTERM):  # both at once: one wait
        out = tmp_path / f"coded_{signum}.csv"
        command = [sys.executable, "-m", "nexusml.predict", "--model", str(model), "--input", str(big)]
        command += ["--output", str(out)]
        started[signum] = (subprocess.Popen(command, stderr=subprocess.PIPE, text=True), out)
    time.sleep(3.0)  # loaded and coding
    for signum, (process, _) in started.items():
        process.send_signal(signum)
    for signum, (process, out) in started.items():
        _, stderr = process.communicate(timeout=60)
        assert process.returncode == 128 + signum, stderr
        assert stderr.strip().splitlines()[-1].startswith("nexusml-predict: stopped by")
        assert "Traceback" not in stderr and not out.exists()
