"""The wizard's form state and settings, without a terminal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nexusml.options.precedence import resolve_arguments
from nexusml.options.run_config import save_run_config
from nexusml.options.training_args import SPECS
from nexusml.options.validators import ArgumentError
from tui import form
from tui.form import STEP_FIELDS, STEPS, WIZARD_SPECS, FormState, check_field
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


def test_each_wizard_field_is_on_the_step_of_its_group() -> None:
    placed = [dest for fields in STEP_FIELDS.values() for dest in fields]
    assert sorted(placed) == sorted(spec.dest for spec in WIZARD_SPECS)
    for step, fields in STEP_FIELDS.items():
        assert all(SPECS[dest].group == step for dest in fields)
    assert set(STEP_FIELDS) == {name for name, _ in STEPS}
    assert not {"legacy", "use_orchestrator", "headless", "config"} & set(placed)


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
    saved = {"legacy": False, "log_level": "WARNING"}
    state = FormState.from_given({"data_path": str(inventory_csv), "legacy": True, "log_level": "DEBUG"}, saved)
    assert state.legacy is True
    assert state.arguments().log_level == "DEBUG"
    saved = {"legacy": True, "log_level": "WARNING"}
    state = FormState.from_given({"data_path": str(inventory_csv), "use_orchestrator": True}, saved)
    assert state.legacy is False
    state = FormState.from_given({"data_path": str(inventory_csv)}, saved)
    assert state.legacy is True and state.arguments().log_level == "WARNING"


def test_settings_then_config_then_flags(inventory_csv: Path, tmp_path: Path) -> None:
    config = tmp_path / "run.yml"
    config.write_text("log_level: ERROR\nlegacy: false\nmodel_name: from_file\n", encoding="utf-8")
    saved = {"legacy": True, "log_level": "WARNING"}
    given = {"data_path": str(inventory_csv), "config": str(config)}
    state = FormState.from_given(given, saved)
    assert (state.legacy, state.values["log_level"], state.values["model_name"]) == (False, "ERROR", "from_file")
    state = FormState.from_given({**given, "log_level": "DEBUG", "legacy": True}, saved)
    assert (state.legacy, state.values["log_level"]) == (True, "DEBUG")


def test_contradicting_run_mode_flags_are_the_command_lines_error(inventory_csv: Path) -> None:
    given = {"data_path": str(inventory_csv), "legacy": True, "use_orchestrator": True}
    with pytest.raises(ArgumentError) as headless:
        resolve_arguments(given)
    state = FormState.from_given(given, {"legacy": False, "log_level": "INFO"})
    assert state.first_error() == ("legacy", headless.value.message)
    with pytest.raises(ArgumentError) as wizard:
        state.arguments()
    assert str(wizard.value) == str(headless.value)


def test_a_recorded_verdict_is_not_checked_again(monkeypatch: pytest.MonkeyPatch, inventory_csv: Path) -> None:
    state = FormState.from_given({"data_path": str(inventory_csv)})

    def no_second_check(dest: str, raw: object) -> str:
        raise AssertionError(f"{dest} validated twice")

    monkeypatch.setattr(form, "check_field", no_second_check)
    assert state.set("test_size", "abc", "'abc' is not a number") == "'abc' is not a number"
    assert state.errors["test_size"] == "'abc' is not a number"
    state.set("test_size", "0.2", "")
    assert "test_size" not in state.errors and state.values["test_size"] == "0.2"


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
    (config_dir / "settings.yml").write_text("legacy: maybe\n")
    assert load_settings() == Settings()


def test_settings_read_switches_as_the_command_line_does(config_dir: Path) -> None:
    config_dir.mkdir(parents=True)
    (config_dir / "settings.yml").write_text("legacy: y\n")
    assert load_settings().legacy is True
    assert Settings(legacy=True, log_level="ERROR").argument_values() == {"legacy": True, "log_level": "ERROR"}


def test_settings_are_written_atomically(config_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_settings(Settings(theme="nord"))
    before = default_settings_path().read_text()

    def interrupted(src: object, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)  # ctrl+c just before the new file would be renamed
    with pytest.raises(KeyboardInterrupt):
        save_settings(Settings(theme="gruvbox"))
    assert default_settings_path().read_text() == before
    assert [p.name for p in config_dir.iterdir()] == ["settings.yml"]  # no temporary file left behind


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


def test_column_check_uses_the_runs_rules(tmp_path: Path) -> None:
    from tui.form import check_columns

    header = ["Asset Name", "System Type", "mcaa_system_category", "category_name", "description"]
    assert check_columns({}, None).error == ""  # no file read yet: nothing to judge
    # The bundled targets: two derived ones count because their parents are in the file; uniformat_code is not.
    assert check_columns({}, header).error == "target 'uniformat_code' is not in the file"
    values = {"targets": "System Type", "text_columns": "asset name"}
    assert (
        check_columns(values, header).error == "text column 'asset name' is not in the file; did you mean 'Asset Name'?"
    )
    values = {"targets": "System Type,Equipment_Type", "text_columns": "Asset Name,System Type"}
    check = check_columns(values, header)
    assert check.error == ""
    assert check.notes[0].startswith("System Type: a target, so the model does not read it")
    assert len(check.notes) == 1  # naming the text columns drops the bundled config's numbers (service_life)
    with_numbers = check_columns(dict(values, numeric_columns="service_life"), header)
    assert "service_life" in with_numbers.notes[1]  # a numeric column the file lacks: read as 0, as the run does
    every_text_is_a_target = check_columns({"targets": "System Type", "text_columns": "System Type"}, header)
    assert "every text column the model reads is also a target" in every_text_is_a_target.error
    assert check_columns({"targets": "Nope"}, header).error == "pick at least one target"


def test_run_config_keeps_columns_with_commas_and_paths_relative_to_its_folder(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    data = project / "data" / "export.csv"
    data.write_text("a,b\n1,2\n", encoding="utf-8")
    outside = tmp_path / "features.yml"
    outside.write_text("text_combinations:\n  - name: t\n    columns: [a]\ntargets: [b]\n", encoding="utf-8")
    state = FormState.from_given(
        {
            "data_path": str(data),
            "feature_config": str(outside),
            "targets": ['"Trade, Group",System'],
            "output_dir": str(project / "models"),
        }
    )
    saved = save_run_config(state.arguments(), project / "run.yml")
    text = saved.read_text(encoding="utf-8")
    assert "data_path: data/export.csv" in text and "output_dir: models" in text
    assert f"feature_config: {outside}" in text  # not under the config's folder: absolute
    assert "- Trade, Group\n- System\n" in text
    args = resolve_arguments({"config": str(saved)})
    assert args.targets == ("Trade, Group", "System")
    assert args.data_path == data and args.output_dir == project / "models" and args.feature_config == outside
