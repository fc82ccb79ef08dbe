"""One order of sources for the command line and the wizard: defaults < saved settings < --config < flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from nexusml.options import docs, parser
from nexusml.options import training_args as ta
from nexusml.options.precedence import merge_sources, resolve_arguments, run_mode
from nexusml.options.spec import Kind
from nexusml.options.validators import FALSE_WORDS, TRUE_WORDS, ArgumentError, validate_bool


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_each_source_overrides_the_one_before(tmp_path: Path) -> None:
    config = write(tmp_path / "run.yml", "log_level: error\nuse_orchestrator: true\nrandom_state: 5\n")
    saved = {"legacy": True, "log_level": "WARNING"}

    assert merge_sources({}, saved).values["log_level"] == "WARNING"  # saved beats the default
    merged = merge_sources({"config": str(config)}, saved)
    assert merged.problems == ()
    assert merged.values["log_level"] == "error"  # the file beats the saved settings
    assert merged.values["legacy"] is False and merged.values["use_orchestrator"] is True
    assert merged.values["random_state"] == 5

    typed = merge_sources({"config": str(config), "log_level": "DEBUG", "legacy": True}, saved)
    assert typed.values["log_level"] == "DEBUG"  # the command line beats the file
    assert typed.values["legacy"] is True and typed.values["use_orchestrator"] is False


def test_untouched_values_are_the_defaults() -> None:
    merged = merge_sources({"model_name": "pumps"})
    for spec in ta.ARGUMENTS:
        if spec.dest not in {"model_name", "use_orchestrator"}:
            assert merged.values[spec.dest] == spec.default, spec.dest
    assert merged.values["model_name"] == "pumps"


def test_resolve_arguments_validates_the_merged_values(tmp_path: Path) -> None:
    config = write(tmp_path / "run.yml", "test_size: 0.2\nvisualize: y\n")
    args = resolve_arguments({"config": str(config)})
    assert args.test_size == 0.2
    assert args.visualize is True  # 'y' reads as the switches' truth table says
    assert args.config == config


@pytest.mark.parametrize(
    "source, expected",
    [
        ({}, None),
        ({"legacy": True}, True),
        ({"legacy": "no"}, False),
        ({"use_orchestrator": True}, False),
        ({"use_orchestrator": "off"}, True),
        ({"legacy": True, "use_orchestrator": False}, True),
    ],
)
def test_run_mode_of_one_source(source: dict, expected: bool | None) -> None:
    assert run_mode(source) is expected


def test_contradicting_run_mode_is_an_error_of_the_source_that_says_it(tmp_path: Path) -> None:
    with pytest.raises(ArgumentError) as typed:
        resolve_arguments({"legacy": True, "use_orchestrator": True})
    assert typed.value.field == "legacy"
    assert "contradict" in typed.value.message

    config = write(tmp_path / "run.yml", "legacy: true\nuse_orchestrator: yes\n")
    merged = merge_sources({"config": str(config)}, {"legacy": True})
    assert [p.field for p in merged.problems] == ["config"]
    assert str(config) in merged.problems[0].message and "contradict" in merged.problems[0].message
    assert merged.values["legacy"] is True  # the file's choice is not used; the saved one stays


def test_a_bad_config_file_is_reported_and_its_values_left_out(tmp_path: Path) -> None:
    config = write(tmp_path / "run.yml", "model_name: from_file\nnot_an_argument: 1\n")
    merged = merge_sources({"config": str(config), "test_size": "0.25"})
    assert [p.field for p in merged.problems] == ["config"]
    assert "unknown key 'not_an_argument'" in merged.problems[0].message
    assert merged.values["model_name"] == ta.SPECS["model_name"].default
    assert merged.values["test_size"] == "0.25"
    missing = merge_sources({"config": str(tmp_path / "missing.yml")})
    assert "file not found" in missing.problems[0].message
    with pytest.raises(ArgumentError, match="unknown key"):
        resolve_arguments({"config": str(config)})


def test_saved_settings_must_name_arguments() -> None:
    with pytest.raises(ValueError, match="theme"):
        merge_sources({}, {"theme": "nord"})


@pytest.mark.parametrize("word", sorted(TRUE_WORDS | {"Yes", " ON "}))
def test_every_true_word_is_true(word: str) -> None:
    assert validate_bool(word, "visualize") is True


@pytest.mark.parametrize("word", sorted(FALSE_WORDS | {"No", "OFF"}))
def test_every_false_word_is_false(word: str) -> None:
    assert validate_bool(word, "visualize") is False


def test_an_error_names_the_flag_a_user_types() -> None:
    for spec in ta.ARGUMENTS:
        assert str(ArgumentError(spec.dest, "bad")) == f"{spec.flag}: bad"


def test_only_negatable_switches_have_a_no_form() -> None:
    built = parser.build_parser()
    table = docs.help_table()
    for spec in ta.ARGUMENTS:
        if spec.kind is not Kind.BOOL:
            continue
        off = f"--no-{spec.flag[2:]}"
        assert (off in built._option_string_actions) is spec.negatable, spec.dest
        assert (f"`{off}`" in table) is spec.negatable, spec.dest
