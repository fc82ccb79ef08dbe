"""The v2 entry point end to end: outputs, events, legacy equivalence, failures, prediction."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest

from nexusml.options.arguments import arguments_from_values
from nexusml.pipeline import (
    CancelToken,
    RunFinished,
    RunStarted,
    StageFailed,
    StageFinished,
    StageProgress,
    StageStarted,
    TrainingCancelled,
    TrainingError,
    run_training,
)
from nexusml.train_model_pipeline_v2 import main
from tests.conftest import call_main


def model_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.skops")) if folder.exists() else []


@pytest.fixture(scope="module")
def trained(inventory_csv, tmp_path_factory):
    """One headless run through the entry point's ``main`` (its exit code, stdout and stderr as a terminal gets
    them), shared by several checks. ``python -m nexusml`` in a process of its own is run by the tests of what
    only a process shows (tests/test_robustness.py: signals, two runs at once)."""
    out = tmp_path_factory.mktemp("out")
    done = call_main(main, "--headless", "--data-path", str(inventory_csv), "--output-dir", str(out), "--visualize")
    return done, out


def test_headless_run_writes_model_metadata_latest_log_and_charts(trained):
    done, out = trained
    assert done.returncode == 0, done.stderr
    models = [p for p in model_files(out) if not p.name.endswith("_latest.skops")]
    assert len(models) == 1
    model = models[0]
    assert model.name.startswith("equipment_classifier_") and len(model.stem.split("_")[-1]) == 6
    assert (out / "equipment_classifier_latest.skops").read_bytes() == model.read_bytes()
    meta = json.loads(model.with_name(model.stem + "_metadata.json").read_text())
    latest = json.loads((out / "equipment_classifier_latest_metadata.json").read_text())
    assert latest["model_sha256"] == meta["model_sha256"]
    for key in ("arguments", "feature_config", "versions", "class_counts", "metrics", "stage_seconds", "refit"):
        assert key in meta
    assert len(meta["data"]["sha256"]) == 64
    assert set(meta["metrics"]) == {
        "category_name",
        "uniformat_code",
        "mcaa_system_category",
        "Equipment_Type",
        "System_Subtype",
    }
    for scores in meta["metrics"].values():
        assert scores["accuracy"] > 0.88 and scores["f1_macro"] > 0.8  # 0.93-0.96 and 0.85-0.95 today
    assert "refit on all" in meta["refit"]
    assert list(meta["stage_seconds"])[:3] == ["load_data", "load_reference", "validate"]
    assert len(list((out / "logs").glob("*.log"))) == 1
    # Scores and stage durations, then class distribution, confusion matrix and coverage for each of the 5 targets.
    assert len(list((out / "visualizations").glob("*.html"))) == 2 + 3 * 5
    assert len(list((out / "visualizations").glob("*.txt"))) == 2 + 3 * 5
    assert "macro-F1" in done.stdout and str(model) in done.stdout


def test_log_file_holds_the_stage_events(trained):
    _, out = trained
    text = next((out / "logs").glob("*.log")).read_text()
    assert "[1/" in text and "Evaluate" in text and "Sample prediction" in text


def test_events_in_order_and_typed(inventory_small, tmp_path):
    events = []
    # one process and two folds on the small file: the order of the events is what this checks, not the search's
    # worker pool (it costs 3.5 s to start) nor its figures
    values = {"data_path": inventory_small["csv"], "output_dir": tmp_path, "optimize": True, "n_jobs": 1}
    args = arguments_from_values({**values, "cv_folds": 2})
    result = run_training(args, on_event=events.append)
    assert isinstance(events[0], RunStarted) and isinstance(events[-1], RunFinished)
    assert events[-1].result == result
    planned = [name for name, _ in events[0].stages]
    assert planned == [
        "load_data",
        "load_reference",
        "validate",
        "features",
        "split",
        "build",
        "optimize",
        "train",
        "evaluate",
        "refit",
        "suspects",
        "save",
        "sample_prediction",
    ]
    started = [e.stage for e in events if isinstance(e, StageStarted)]
    finished = [e.stage for e in events if isinstance(e, StageFinished)]
    assert started == finished == planned
    # each stage's events sit between its start and finish
    for name in planned:
        i = next(k for k, e in enumerate(events) if isinstance(e, StageStarted) and e.stage == name)
        j = next(k for k, e in enumerate(events) if isinstance(e, StageFinished) and e.stage == name)
        assert all(e.stage == name for e in events[i : j + 1] if isinstance(e, StageProgress))
    assert any(isinstance(e, StageProgress) and e.stage == "optimize" for e in events)
    assert set(result.stage_seconds) == set(planned)
    with pytest.raises(dataclasses.FrozenInstanceError):
        events[1].stage = "changed"  # events are immutable
    assert result.search and result.search["best_params"]


@pytest.fixture(scope="module")
def inventory_small(inventory_csv, asset_register, tmp_path_factory) -> dict[str, Path]:
    """The first 240 rows of the inventory as CSV and as a workbook, and of the asset register, for the
    equivalence cases after the first (which runs on the whole inventory, with its charts)."""
    folder = tmp_path_factory.mktemp("small")
    rows = pd.read_csv(inventory_csv).head(240)
    rows.to_csv(folder / "inventory.csv", index=False)
    rows.to_excel(folder / "inventory.xlsx", sheet_name="Equipment", index=False)
    pd.read_csv(asset_register[0]).head(240).to_csv(folder / "assets.csv", index=False)
    return {"csv": folder / "inventory.csv", "xlsx": folder / "inventory.xlsx", "assets": folder / "assets.csv"}


EQUIVALENCE_CASES = {
    "defaults": lambda data: (data["csv"], ["--visualize"]),
    "custom columns": lambda data: (data["small_assets"], ["--feature-config", str(data["assets_config"])]),
    "optimize": lambda data: (data["small_csv"], ["--optimize", "--cv-folds", "2", "--n-jobs", "1"]),
    # Fitted and saved twice per path: fewer rows, two targets and 20 trees a target (the test sets them).
    "random forest": lambda data: (
        data["small_csv"],
        ["--model-type", "random_forest", "--targets", "category_name,mcaa_system_category"],
    ),
    "excel": lambda data: (data["xlsx"], ["--sheet", "Equipment", "--model-type", "logreg"]),
}


@pytest.mark.suspects
@pytest.mark.parametrize("case", list(EQUIVALENCE_CASES))
def test_orchestrator_and_legacy_give_identical_results(
    case, inventory_csv, inventory_small, asset_register, tmp_path, monkeypatch
):
    from nexusml import load_model
    from nexusml.model import classifier as model

    if case == "random forest":  # the default's 200 trees would take most of the suite's training time
        build = model.build_classifier
        monkeypatch.setattr(model, "build_classifier", lambda *a, **k: build(*a, **k).set_params(n_estimators=20))
    files = {
        "csv": inventory_csv,
        "small_csv": inventory_small["csv"],
        "xlsx": inventory_small["xlsx"],
        "small_assets": inventory_small["assets"],
        "assets_config": asset_register[1],
    }
    data, flags = EQUIVALENCE_CASES[case](files)
    frame = pd.read_excel(data) if data.suffix == ".xlsx" else pd.read_csv(data)
    results = {}
    for legacy in (False, True):
        out = tmp_path / ("legacy" if legacy else "orchestrator")
        argv = ["--headless", "--data-path", str(data), "--output-dir", str(out), "--log-level", "WARNING", *flags]
        assert main(argv + (["--legacy"] if legacy else [])) == 0
        meta = json.loads((out / "equipment_classifier_latest_metadata.json").read_text())
        predictions = load_model(out / "equipment_classifier_latest.skops").predict(frame)
        results[legacy] = (meta, predictions)
    (meta_new, pred_new), (meta_old, pred_old) = results[False], results[True]
    assert meta_new["training_path"] == "orchestrator" and meta_old["training_path"] == "legacy"
    for key in ("split", "metrics", "class_counts", "confidence", "warnings", "suspects"):
        assert meta_new[key] == meta_old[key], key
    search_new, search_old = meta_new["hyperparameter_search"], meta_old["hyperparameter_search"]
    if search_new is not None:
        search_new.pop("seconds"), search_old.pop("seconds")
    assert search_new == search_old
    assert list(meta_new["stage_seconds"]) == list(meta_old["stage_seconds"])
    pd.testing.assert_frame_equal(pred_new, pred_old)
    if "--optimize" in flags:
        assert meta_new["hyperparameter_search"]["best_params"]


@pytest.mark.parametrize("legacy", [False, True], ids=["orchestrator", "legacy"])
def test_a_cancel_during_the_fits_is_a_cancel_on_both_paths(legacy, inventory_csv, tmp_path, monkeypatch):
    from nexusml.pipeline import stages

    fit = stages.train

    def train_cancelled_by_the_user(ctx, progress):
        ctx.cancel.cancel("cancelled in the wizard")  # seen by the per-target fits, before their first target
        return fit(ctx, progress)

    monkeypatch.setattr(stages, "train", train_cancelled_by_the_user)
    events: list = []
    args = arguments_from_values({"data_path": inventory_csv, "output_dir": tmp_path, "legacy": legacy})
    with pytest.raises(TrainingCancelled) as info:
        run_training(args, on_event=events.append)
    assert info.value.stage == "train" and info.value.exit_code == 130
    assert info.value.message == "cancelled in the wizard during stage 'train'"
    assert isinstance(events[0], RunStarted) and isinstance(events[-1], StageFailed)
    assert events[-1].cancelled and events[-1].stage == "train"
    assert model_files(tmp_path) == []


def test_custom_file_with_spaces_in_column_names(asset_register, tmp_path):
    data, config = asset_register
    args = arguments_from_values({"data_path": data, "feature_config": config, "output_dir": tmp_path})
    result = run_training(args)
    assert result.targets == ("System", "Trade Group")
    assert set(result.metrics) == {"System", "Trade Group"}


def test_corrupt_file_fails_in_load_stage_with_one_line_and_exit_1(tmp_path):
    bad = tmp_path / "garbage.csv"
    bad.write_bytes(bytes(range(256)) * 40)
    out = tmp_path / "out"
    done = call_main(main, "--headless", "--data-path", str(bad), "--output-dir", str(out))
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("nexusml-train: error: stage 'load_data' failed:") and "binary" in last
    assert "Traceback" not in done.stderr
    assert model_files(out) == []


def test_failure_event_names_the_stage(tmp_path):
    bad = tmp_path / "nothing.csv"
    bad.write_text("description,category_name\n", encoding="utf-8")
    events = []
    with pytest.raises(TrainingError) as info:
        run_training(arguments_from_values({"data_path": bad, "output_dir": tmp_path}), on_event=events.append)
    assert info.value.stage == "load_data"
    failed = [e for e in events if isinstance(e, StageFailed)]
    assert failed and failed[0].stage == "load_data" and "no data rows" in failed[0].error
    assert model_files(tmp_path) == []


def test_missing_target_is_an_error_naming_available_columns(tmp_path):
    data = tmp_path / "d.csv"
    pd.DataFrame({"description": ["pump 5 hp"] * 6, "category_name": ["Pump"] * 6}).to_csv(data, index=False)
    with pytest.raises(TrainingError) as info:
        run_training(arguments_from_values({"data_path": data, "output_dir": tmp_path}))
    assert info.value.stage == "validate"
    assert "uniformat_code" in info.value.message and "columns: description, category_name" in info.value.message


def test_traceback_only_at_debug(tmp_path):
    bad = tmp_path / "empty.csv"
    bad.write_text("", encoding="utf-8")
    quiet = call_main(main, "--headless", "--data-path", str(bad), "--output-dir", str(tmp_path / "o"))
    loud = call_main(
        main, "--headless", "--data-path", str(bad), "--output-dir", str(tmp_path / "o"), "--log-level", "DEBUG"
    )
    assert quiet.returncode == loud.returncode == 1
    assert "Traceback" not in quiet.stderr and "Traceback" in loud.stderr


def test_tiny_file_trains_with_a_warning(tmp_path):
    rows = [
        ("CH-1", "Trane", "CVHF", "Chiller", "D3030", "HVAC", "centrifugal chiller 500 ton"),
        ("CH-2", "Carrier", "19XR", "Chiller", "D3030", "HVAC", "chiller 300 tons water cooled"),
        ("P-1", "Bell", "e-1510", "Pump", "D2010", "Plumbing", "base mounted pump 20 hp"),
        ("P-2", "Armstrong", "4300", "Pump", "D2010", "Plumbing", "inline pump 5hp"),
        ("PNL-1", "Square D", "NQ", "Panel", "D5010", "Electrical", "panelboard 225A"),
        ("PNL-2", "Eaton", "PRL1", "Panel", "D5010", "Electrical", "lighting panel 100 A"),
    ]
    data = tmp_path / "tiny.csv"
    pd.DataFrame(
        rows,
        columns=[
            "equipment_tag",
            "manufacturer",
            "model",
            "category_name",
            "uniformat_code",
            "mcaa_system_category",
            "description",
        ],
    ).to_csv(data, index=False)
    result = run_training(arguments_from_values({"data_path": data, "output_dir": tmp_path, "test_size": 0.5}))
    assert any("metrics mean little" in w for w in result.warnings)
    assert any("service_life" in w for w in result.warnings)  # created empty: the file has no such column
    assert result.model_path.exists()


def test_rows_with_empty_targets_are_dropped_and_counted(inventory_small, tmp_path):
    frame = pd.read_csv(inventory_small["csv"])
    frame.loc[:9, "uniformat_code"] = None
    data = tmp_path / "holes.csv"
    frame.to_csv(data, index=False)
    result = run_training(arguments_from_values({"data_path": data, "output_dir": tmp_path}))
    assert result.rows_dropped == 10 and result.rows_used == len(frame) - 10


def test_cancel_leaves_no_model(inventory_csv, tmp_path):
    token = CancelToken()
    events = []

    def sink(event):
        events.append(event)
        if isinstance(event, StageStarted) and event.stage == "train":
            token.cancel()

    with pytest.raises(TrainingCancelled) as info:
        run_training(arguments_from_values({"data_path": inventory_csv, "output_dir": tmp_path}), sink, token)
    assert info.value.stage in {"train", "evaluate"}
    assert model_files(tmp_path) == [] and not list(tmp_path.glob("*.json"))
    assert any(isinstance(e, StageFailed) and e.cancelled for e in events)


def test_nexusml_format_config_with_unused_keys_loads(tmp_path):
    from nexusml.config import load_feature_config

    path = tmp_path / "feature_config.yml"
    path.write_text(
        """
text_combinations:
  - name: combined_features
    columns: [equipment_tag, manufacturer, model, description]
    separator: " "
numeric_columns:
  - name: initial_cost
    new_name: initial_cost
    fill_value: 0
    dtype: float
hierarchies:
  - new_col: Equipment_Type
    parents: [mcaa_system_category, category_name]
    separator: "-"
  - new_col: System_Subtype
    parents: [mcaa_system_category, category_name]
    separator: "-"
column_mappings:
  - source: category_name
    target: Equipment_Category
classification_systems:
  - name: OmniClass
    source_column: omniclass_code
    target_column: OmniClass_ID
    mapping_type: direct
direct_mappings:
  - source: Asset Category
    target: Equipment_Category
eav_integration:
  enabled: false
""",
        encoding="utf-8",
    )
    config = load_feature_config(path)
    assert config.text_feature == "combined_features"
    assert config.numeric_features == ("initial_cost",)
    assert "Equipment_Type" in config.targets
    assert set(config.ignored_keys) == {"classification_systems", "direct_mappings", "eav_integration"}


def test_nexusml_predict_cli_and_sha256_check(trained, tmp_path, capsys):
    from nexusml.commands.predict import main as predict_main

    _, out = trained
    model = out / "equipment_classifier_latest.skops"
    source = tmp_path / "new.csv"
    pd.DataFrame(
        {
            "description": ["centrifugal chiller 400 ton", "panelboard 225A 208Y/120V"],
            "manufacturer": ["Trane", "Square D"],
            "extra": [1, 2],
        }
    ).to_csv(source, index=False)
    target = tmp_path / "predicted.csv"
    assert predict_main(["--model", str(model), "--input", str(source), "--output", str(target)]) == 0
    predicted = pd.read_csv(target)
    assert len(predicted) == 2 and "extra" in predicted
    assert {"predicted_category_name", "confidence_category_name"} <= set(predicted.columns)
    assert predicted["confidence_category_name"].between(0, 1).all()

    tampered = tmp_path / "equipment_classifier_latest.skops"
    tampered.write_bytes(model.read_bytes() + b"x")
    (tmp_path / "equipment_classifier_latest_metadata.json").write_text(
        (out / "equipment_classifier_latest_metadata.json").read_text()
    )
    assert predict_main(["--model", str(tampered), "--input", str(source), "--output", str(target)]) == 1
    assert "sha256" in capsys.readouterr().err


def test_the_legacy_script_takes_the_original_flags_and_runs_the_legacy_path(inventory_small, tmp_path):
    from nexusml import train_model_pipeline

    out = tmp_path / "out"
    argv = ["--data-path", str(inventory_small["csv"]), "--test-size", "0.25", "--random-state", "7"]
    argv += ["--output-dir", str(out), "--model-name", "legacy_model", "--log-level", "CRITICAL"]
    assert train_model_pipeline.main(argv) == 0
    meta = json.loads((out / "legacy_model_latest_metadata.json").read_text())
    assert meta["training_path"] == "legacy"
    assert meta["arguments"]["test_size"] == 0.25 and meta["arguments"]["random_state"] == 7


def test_the_legacy_script_refuses_a_bad_value_in_one_line_with_exit_2(capsys):
    from nexusml import train_model_pipeline

    with pytest.raises(SystemExit) as stop:
        train_model_pipeline.main(["--test-size", "2"])
    assert stop.value.code == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "--test-size" in error, error
