"""Escape sequences in data never reach the terminal: headless training, nexusml-predict and nexusml-evaluate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nexusml.commands.evaluate import main as evaluate_main
from nexusml.commands.predict import main as predict_main
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
    with pytest.raises(SystemExit) as stop:  # a target the file lacks is a bad argument, said in one line
        train_main([*argv[:4], f"Nope{TITLE}", *argv[5:], "--output-dir", str(tmp_path / "m")])
    assert stop.value.code == 2
    out2, err2 = capfd.readouterr()
    for text in (out, err, out2, err2):
        assert "\x1b" not in text and "\x07" not in text and "\r" not in text
    assert "Nope?]0;pwned?" in err2


@pytest.mark.parametrize(("signum", "code"), [(2, 130), (15, 143)])
@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_a_signal_during_the_work_stops_the_command_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str, signum, code
) -> None:
    import os

    from nexusml.commands import evaluate, predict

    def interrupted(*args, **kwargs):
        os.kill(os.getpid(), signum)  # ctrl+c or SIGTERM while the model loads and the rows are coded
        raise AssertionError("the signal did not stop the command")

    module = predict if command == "predict" else evaluate
    monkeypatch.setattr(module, "load_model_and_rows", interrupted)
    data = Path(__file__).resolve().parents[1] / "nexusml" / "data" / "equipment_inventory.csv"
    model = tmp_path / "m.skops"
    model.write_bytes(b"")
    out = tmp_path / "coded.csv"
    argv = ["--model", str(model), "--input", str(data)]
    argv += ["--output", str(out)] if command == "predict" else ["--output-dir", str(tmp_path)]
    assert module.main(argv) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"nexusml-{command}: stopped by {'SIGTERM' if code == 143 else 'ctrl+c'}; no partial file was left"]
    assert not out.exists()
