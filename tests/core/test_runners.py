"""Both runners keep the event contract: RunStarted with the plan first, then RunFinished or StageFailed last."""

from __future__ import annotations

import socket

import pandas as pd
import pytest

from nexusml.options.arguments import arguments_from_values
from nexusml.pipeline import (
    RunFinished,
    RunStarted,
    StageFailed,
    StageFinished,
    StageProgress,
    StageStarted,
    TrainingError,
    run_training,
)
from nexusml.pipeline.stages import plan, training_stages


@pytest.fixture(scope="module")
def inventory_240(inventory_csv, tmp_path_factory):
    """The first 240 rows of the inventory: for the runs whose events and messages are checked, not their figures."""
    path = tmp_path_factory.mktemp("small") / "inventory.csv"
    pd.read_csv(inventory_csv).head(240).to_csv(path, index=False)
    return path


def planned(**values) -> list[str]:
    return [s.name for s in plan(training_stages(), arguments_from_values(values))]


@pytest.mark.parametrize("legacy", [False, True], ids=["orchestrator", "legacy"])
def test_a_run_declares_its_plan_and_ends_with_its_result(legacy, inventory_240, tmp_path):
    events: list = []
    args = arguments_from_values({"data_path": inventory_240, "output_dir": tmp_path, "legacy": legacy})
    result = run_training(args, on_event=events.append)
    first, last = events[0], events[-1]
    assert isinstance(first, RunStarted) and first.path == result.path == ("legacy" if legacy else "orchestrator")
    assert [name for name, _ in first.stages] == planned(legacy=legacy) == list(result.stage_seconds)
    assert isinstance(last, RunFinished) and last.result is result
    per_stage = events[1:-1]
    if legacy:  # the legacy runner reports its stages through log lines only
        assert per_stage == []
    else:
        assert [e.stage for e in per_stage if isinstance(e, StageStarted)] == list(result.stage_seconds)
        assert [e.stage for e in per_stage if isinstance(e, StageFinished)] == list(result.stage_seconds)
        assert all(isinstance(e, StageStarted | StageFinished | StageProgress) for e in per_stage)
    assert result.metadata["model_sha256"] == result.model_sha256 and result.metadata["training_path"] == result.path


def test_the_plan_names_only_the_stages_a_run_uses():
    assert planned() == [
        "load_data",
        "load_reference",
        "validate",
        "features",
        "split",
        "build",
        "train",
        "evaluate",
        "refit",
        "suspects",
        "save",
        "sample_prediction",
    ]
    both = planned(optimize=True, visualize=True)
    assert both.index("build") < both.index("optimize") < both.index("train") and both[-2:] == [
        "visualize",
        "sample_prediction",
    ]
    # The cluster is checked first, before any data is read, whenever one is given (the fits use it too).
    assert planned(optimize=True, dask_scheduler="local")[0] == "check_cluster"
    assert planned(dask_scheduler="local")[0] == "check_cluster"
    assert "check_cluster" not in planned(optimize=True)


@pytest.mark.parametrize("legacy", [False, True], ids=["orchestrator", "legacy"])
def test_an_unreachable_cluster_fails_its_stage_after_the_run_started(legacy, inventory_csv, tmp_path):
    pytest.importorskip("distributed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"  # nothing listens once the probe closes
    events: list = []
    args = arguments_from_values(
        {"data_path": inventory_csv, "output_dir": tmp_path, "optimize": True, "dask_scheduler": address}
    )
    args = args.replace(legacy=legacy)
    with pytest.raises(TrainingError) as info:
        run_training(args, on_event=events.append)
    assert info.value.stage == "check_cluster" and "cannot reach the Dask scheduler" in info.value.message
    assert isinstance(events[0], RunStarted) and events[0].stages[0][0] == "check_cluster"
    assert isinstance(events[-1], StageFailed) and events[-1].stage == "check_cluster"
    assert not events[-1].cancelled and not list(tmp_path.glob("*.skops"))


def test_a_cancel_after_the_save_says_the_model_was_saved(inventory_240, tmp_path, monkeypatch):
    from nexusml.pipeline import TrainingCancelled, stages

    def interrupted(ctx, progress):
        raise KeyboardInterrupt  # ctrl+c while the sample rows are predicted, after the save

    monkeypatch.setattr(stages, "sample_prediction", interrupted)
    args = arguments_from_values({"data_path": inventory_240, "output_dir": tmp_path})
    with pytest.raises(TrainingCancelled) as info:
        run_training(args)
    assert info.value.stage == "sample_prediction"
    assert info.value.saved_model is not None and info.value.saved_model.exists()
    assert info.value.outcome == (
        f"the model was saved before the stop: {info.value.saved_model}; equipment_classifier_latest.skops points to it"
    )


def test_a_stop_after_the_last_stage_says_the_model_was_saved(inventory_240, tmp_path, monkeypatch):
    """ctrl+c or SIGTERM while the result is reported: the model exists and _latest points to it."""
    from nexusml.pipeline import TrainingCancelled
    from nexusml.pipeline import context as context_module

    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(context_module.RunContext, "result", interrupted)
    args = arguments_from_values({"data_path": inventory_240, "output_dir": tmp_path})
    with pytest.raises(TrainingCancelled) as info:
        run_training(args)
    assert info.value.saved_model is not None and info.value.saved_model.exists()
    assert "equipment_classifier_latest.skops points to it" in info.value.outcome


@pytest.mark.parametrize("legacy", [False, True], ids=["orchestrator", "legacy"])
def test_a_large_training_split_saves_the_evaluated_model_instead_of_refitting(
    legacy, inventory_csv, tmp_path, monkeypatch
):
    from nexusml.model import factory as model_factory
    from nexusml.store.load import load_model

    monkeypatch.setattr(model_factory, "REFIT_MAX_TRAIN_ROWS", 100)
    events: list = []
    args = arguments_from_values({"data_path": inventory_csv, "output_dir": tmp_path, "legacy": legacy})
    result = run_training(args, on_event=events.append)
    split = result.metadata["split"]
    assert split["train_rows"] > 100
    kept = f"the saved model is the evaluated one, trained on {split['train_rows']} rows"
    assert result.metadata["refit"].startswith(kept)
    # The saved model is the one the metrics describe: it makes the held-out mistakes evaluate listed
    # (a model refit on all rows has learnt those rows and gets most of them right).
    saved = load_model(result.model_path)
    assert saved.estimator.confidence_scales and not saved.estimator.uncalibrated_targets()
    errors = pd.read_csv(result.errors_path, keep_default_na=False)
    assert len(errors) >= 3
    frame = pd.read_csv(inventory_csv)
    predicted = saved.predict(frame.iloc[errors["row"].to_numpy() - 2], confidence=False)
    for (_, error), (_, row) in zip(errors.iterrows(), predicted.iterrows(), strict=True):
        assert str(row[f"predicted_{error['target']}"]) == error["predicted"]
    if not legacy:
        [refit] = [e for e in events if isinstance(e, StageFinished) and e.stage == "refit"]
        assert "kept the evaluated model" in refit.summary


def test_stage_progress_is_logged_at_most_every_few_seconds(inventory_240, tmp_path, monkeypatch, caplog):
    from nexusml.pipeline import logs

    args = arguments_from_values({"data_path": inventory_240, "output_dir": tmp_path})
    monkeypatch.setattr(logs, "PROGRESS_LOG_SECONDS", 0.0)
    with caplog.at_level("INFO", logger="nexusml.run"):
        run_training(args)
    lines = [r.getMessage() for r in caplog.records if r.name == "nexusml.run"]
    assert any(line.strip().startswith("train 100%: fitted") for line in lines), lines
    caplog.clear()
    monkeypatch.setattr(logs, "PROGRESS_LOG_SECONDS", 3600.0)
    with caplog.at_level("INFO", logger="nexusml.run"):
        run_training(args)
    assert not any("%: " in r.getMessage() for r in caplog.records if r.name == "nexusml.run")
