"""The Python example runs from a checkout and shows every part it promises."""

from __future__ import annotations

import runpy

import pandas as pd

from tests.conftest import REPO


def test_training_pipeline_example_runs(tmp_path, tmp_path_factory, monkeypatch, capsys):
    from nexusml.data import bundled_data_path
    from nexusml.options import arguments

    # Run as ``python examples/training_pipeline_example.py`` runs it, in this process (its imports are loaded),
    # with the first 200 rows of the bundled inventory as the default data: it trains on them four times (the
    # search among them with its worker processes, as a user's run of the example does), and the full file's
    # figures are checked elsewhere (tests/test_model_quality.py).
    sample = tmp_path_factory.mktemp("bundled") / "equipment_inventory.csv"
    pd.read_csv(bundled_data_path()).head(200).to_csv(sample, index=False)
    monkeypatch.setattr(arguments, "bundled_data_path", lambda: sample)
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(REPO / "examples" / "training_pipeline_example.py"), run_name="__main__")
    out = capsys.readouterr().out
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
