"""The wizard's form state and settings, without a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from nexusml.core.cli.training_args import ArgumentError, save_run_config
from tui.form import STEP_FIELDS, FormState, check_field
from tui.runs import RunView, list_past_runs
from tui.settings import Settings, default_settings_path, load_settings, save_settings


def test_check_field_uses_the_argument_validators(tmp_path: Path) -> None:
    assert check_field("test_size", "0.25") == ""
    assert "between 0 and 1" in check_field("test_size", "1.5")
    assert "not a number" in check_field("test_size", "abc")
    assert "not a whole number" in check_field("cv_folds", "x")
    assert check_field("feature_config", "") == ""  # optional: the bundled default
    assert "file not found" in check_field("feature_config", str(tmp_path / "missing.yml"))
    assert "looks like a path" in check_field("model_name", "a/b")


def test_steps_hold_the_wizard_fields() -> None:
    assert STEP_FIELDS["data"] == ("data_path", "sheet")
    assert "test_size" in STEP_FIELDS["training"]
    assert "log_level" in STEP_FIELDS["output"]
    assert not any("legacy" in fields for fields in STEP_FIELDS.values())


def test_given_values_prefill_and_invalid_ones_stay(inventory_csv: Path) -> None:
    state = FormState.from_given({"data_path": str(inventory_csv), "test_size": "1.5"})
    assert state.values["test_size"] == "1.5"
    assert state.first_error() == ("test_size", state.errors["test_size"])
    with pytest.raises(ArgumentError) as info:
        state.arguments()
    assert info.value.field == "test_size"
    state.set("test_size", "0.2")
    assert state.arguments().test_size == 0.2


def test_command_line_flag_wins_over_saved_setting(inventory_csv: Path) -> None:
    given = {"data_path": str(inventory_csv), "legacy": True, "log_level": "DEBUG"}
    state = FormState.from_given(given, legacy_default=False, log_level="WARNING")
    assert state.legacy is True
    assert state.arguments().log_level == "DEBUG"
    state = FormState.from_given({"data_path": str(inventory_csv), "use_orchestrator": True}, legacy_default=True)
    assert state.legacy is False
    state = FormState.from_given({"data_path": str(inventory_csv)}, legacy_default=True, log_level="WARNING")
    assert state.legacy is True and state.arguments().log_level == "WARNING"


def test_config_file_is_read_then_flags_override(inventory_csv: Path, tmp_path: Path) -> None:
    base = FormState.from_given({"data_path": str(inventory_csv), "test_size": "0.4", "model_name": "saved"})
    path = save_run_config(base.arguments(), tmp_path / "run.yml")
    state = FormState.from_given({"config": str(path), "model_name": "typed"})
    assert float(state.values["test_size"]) == 0.4
    assert state.values["model_name"] == "typed"


def test_settings_round_trip(config_dir: Path) -> None:
    assert default_settings_path() == config_dir / "settings.yml"
    assert load_settings() == Settings()
    save_settings(Settings(legacy=True, log_level="DEBUG", theme="nord"))
    assert load_settings() == Settings(legacy=True, log_level="DEBUG", theme="nord")
    assert "training_path: legacy" in default_settings_path().read_text()


def test_bad_settings_file_falls_back_to_defaults(config_dir: Path) -> None:
    config_dir.mkdir(parents=True)
    (config_dir / "settings.yml").write_text("training_path: [oops\n")
    assert load_settings() == Settings()
    (config_dir / "settings.yml").write_text("training_path: sideways\nlog_level: loud\n")
    assert load_settings() == Settings()


def test_past_runs_skip_latest_and_unreadable(tmp_path: Path) -> None:
    (tmp_path / "m_20260101_000000_metadata.json").write_text(
        '{"created": "2026-01-01T00:00:00", "model_file": "m_20260101_000000.pkl", "training_path": "legacy",'
        ' "targets": ["a"], "metrics": {"a": {"accuracy": 0.5, "f1_macro": 0.4, "support": 3}},'
        ' "class_counts": {"a": {"x": 2, "y": 1}}, "stage_seconds": {"train": 0.5}}'
    )
    (tmp_path / "m_latest_metadata.json").write_text("{}")
    (tmp_path / "broken_metadata.json").write_text("{not json")
    runs = list_past_runs(tmp_path)
    assert [r.model_file for r in runs] == ["m_20260101_000000.pkl"]
    assert runs[0].mean_f1 == pytest.approx(0.4) and not runs[0].exists
    view = RunView.from_metadata(runs[0].metadata_path)
    assert view.path == "legacy" and view.targets == ("a",) and view.report is None
    assert list_past_runs(tmp_path / "nowhere") == []
