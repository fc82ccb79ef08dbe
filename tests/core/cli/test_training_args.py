"""The argument spec: every flag and alias, defaults, validators, --config precedence."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from nexusml.data import bundled_data_path
from nexusml.options import arguments
from nexusml.options import training_args as ta
from nexusml.options.docs import help_table
from nexusml.options.parser import command_line, parse_args
from nexusml.options.run_config import save_run_config
from nexusml.options.spec import Kind
from nexusml.options.training_args import ARGUMENTS, ArgumentError


@pytest.fixture
def data_file(tmp_path) -> Path:
    path = tmp_path / "data.csv"
    path.write_text("description,category_name\npump,Pump\n", encoding="utf-8")
    return path


def test_no_flags_give_the_spec_defaults():
    args = parse_args([])
    assert args == arguments.TrainingArguments()
    assert args.resolved_data_path == bundled_data_path()
    assert args.use_orchestrator is not args.legacy


def test_training_arguments_defaults_are_the_specs():
    plain = arguments.TrainingArguments()
    for spec in ARGUMENTS:
        expected = Path(spec.default) if spec.kind is Kind.PATH and spec.default is not None else spec.default
        assert getattr(plain, spec.dest) == expected, spec.dest
    assert isinstance(plain.output_dir, Path)
    assert arguments.arguments_from_values({}) == plain


@pytest.mark.parametrize(
    "argv, dest, expected",
    [
        (["--test-size", "0.25"], "test_size", 0.25),
        (["--random-state", "7"], "random_state", 7),
        (["--sampling-strategy", "direct"], "sampling_strategy", "direct"),
        (["--optimize"], "optimize", True),
        (["--optimize-hyperparameters"], "optimize", True),
        (["--output-dir", "some/dir"], "output_dir", Path("some/dir")),
        (["--model-name", "chillers_v2"], "model_name", "chillers_v2"),
        (["--log-level", "debug"], "log_level", "DEBUG"),
        (["--visualize"], "visualize", True),
        (["--legacy"], "legacy", True),
        (["--use-orchestrator"], "legacy", False),
        (["--headless"], "headless", True),
        (["--model-type", "random_forest"], "model_type", "random_forest"),
        (["--n-jobs", "-1"], "n_jobs", -1),
        (["--cv-folds", "5"], "cv_folds", 5),
        (["--sheet", "2"], "sheet", 2),
        (["--sheet", "Pumps"], "sheet", "Pumps"),
        (["--dask-scheduler", "tcp://10.0.0.5:8786"], "dask_scheduler", "tcp://10.0.0.5:8786"),
        (["--dask-scheduler", "local"], "dask_scheduler", "local"),
    ],
)
def test_every_flag(argv, dest, expected):
    assert getattr(parse_args(argv), dest) == expected


@pytest.mark.parametrize("flag", ["--feature-config", "--feature-config-path"])
def test_feature_config_aliases(flag):
    from nexusml.config import default_feature_config_path

    path = default_feature_config_path()
    assert parse_args([flag, str(path)]).feature_config == path


@pytest.mark.parametrize("flag", ["--reference-config", "--reference-config-path"])
def test_reference_config_aliases(flag):
    from nexusml.config import default_reference_config_path

    path = default_reference_config_path()
    assert parse_args([flag, str(path)]).reference_config == path


def test_data_path(data_file):
    assert parse_args(["--data-path", str(data_file)]).data_path == data_file


def test_every_argument_has_help_group_and_a_validator():
    for spec in ARGUMENTS:
        assert spec.help and spec.group in ta.GROUP_TITLES and callable(spec.validator)
        assert spec.flags[0].startswith("--")


@pytest.mark.parametrize(
    "dest, value, expected",
    [
        ("test_size", "0.2", 0.2),
        ("test_size", " 0.5 ", 0.5),
        ("random_state", "0", 0),
        ("n_jobs", "2", 2),
        ("model_name", "a.b-c_1", "a.b-c_1"),
        ("log_level", "warning", "WARNING"),
        ("visualize", "yes", True),
        ("visualize", False, False),
        ("model_type", "LOGREG", "logreg"),
        ("dask_scheduler", "", None),
        ("dask_scheduler", "scheduler.local:8786", "scheduler.local:8786"),
    ],
)
def test_validators_accept(dest, value, expected):
    assert arguments.validate_field(dest, value) == expected


@pytest.mark.parametrize(
    "dest, value, fragment",
    [
        ("test_size", "1.5", "between 0 and 1"),
        ("test_size", "0", "between 0 and 1"),
        ("test_size", "abc", "not a number"),
        ("random_state", "-1", "between 0"),
        ("random_state", "4.5", "whole number"),
        ("n_jobs", "0", "-1 (all cores)"),
        ("cv_folds", "1", "between 2 and 20"),
        ("model_name", "../escape", "looks like a path"),
        ("model_name", "bad name!", "safe file name"),
        ("model_name", "", "is empty"),
        ("log_level", "loud", "invalid choice"),
        ("sampling_strategy", "smote", "invalid choice"),
        ("model_type", "xgboost", "invalid choice"),
        ("visualize", "maybe", "not true or false"),
        ("data_path", "/no/such/file.csv", "file not found"),
        ("data_path", "", "is empty"),
        ("dask_scheduler", "not an address", "not a scheduler address"),
    ],
)
def test_validators_reject_with_field_and_fix(dest, value, fragment):
    with pytest.raises(ArgumentError) as info:
        arguments.validate_field(dest, value)
    assert info.value.field == dest
    assert fragment in info.value.message
    assert str(info.value).startswith(ta.SPECS[dest].flag)


def test_data_path_rejects_directory_and_unknown_extension(tmp_path):
    with pytest.raises(ArgumentError, match="is a directory"):
        arguments.validate_field("data_path", str(tmp_path))
    odd = tmp_path / "data.docx"
    odd.write_text("x")
    with pytest.raises(ArgumentError, match="unsupported extension"):
        arguments.validate_field("data_path", str(odd))


def test_output_dir_validation_creates_nothing(tmp_path):
    target = tmp_path / "a" / "b" / "c"
    assert arguments.validate_field("output_dir", str(target)) == target
    assert not (tmp_path / "a").exists()
    afile = tmp_path / "file.txt"
    afile.write_text("x")
    with pytest.raises(ArgumentError, match="is a file"):
        arguments.validate_field("output_dir", str(afile))
    with pytest.raises(ArgumentError, match="cannot be created"):
        arguments.validate_field("output_dir", str(afile / "sub"))


def test_feature_config_validator_reports_file_and_key(tmp_path):
    bad = tmp_path / "features.yml"
    bad.write_text("text_combinations:\n  - name: combined_text\n    columns: 5\n", encoding="utf-8")
    with pytest.raises(ArgumentError) as info:
        arguments.validate_field("feature_config", str(bad))
    assert str(bad) in info.value.message and "text_combinations[0].columns" in info.value.message


def test_bad_values_exit_2_with_one_line(capsys):
    with pytest.raises(SystemExit) as info:
        parse_args(["--test-size", "1.5"])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("nexusml-train: error: --test-size:")


def test_unknown_choice_and_unknown_flag_exit_2(capsys):
    for argv in (["--log-level", "LOUD"], ["--no-such-flag"]):
        with pytest.raises(SystemExit) as info:
            parse_args(argv)
        assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_legacy_and_use_orchestrator_contradict(capsys):
    with pytest.raises(SystemExit) as info:
        parse_args(["--legacy", "--use-orchestrator"])
    assert info.value.code == 2
    assert capsys.readouterr().err.strip() == (
        "nexusml-train: error: --legacy: --legacy and --use-orchestrator contradict each other; give one"
    )


def test_config_file_values_and_command_line_precedence(tmp_path, data_file):
    config = tmp_path / "run.yml"
    config.write_text(
        f"data_path: {data_file}\ntest-size: 0.25\nvisualize: true\nmodel_name: from_config\nrandom_state: 9\n",
        encoding="utf-8",
    )
    args = parse_args(["--config", str(config), "--test-size", "0.2", "--no-visualize"])
    assert args.test_size == 0.2  # the command line wins
    assert args.visualize is False  # --no-visualize turns off a config value
    assert args.model_name == "from_config"
    assert args.random_state == 9
    assert args.data_path == data_file


def test_config_file_values_are_validated(tmp_path, capsys):
    config = tmp_path / "run.yml"
    config.write_text("test_size: 2\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        parse_args(["--config", str(config)])
    assert "--test-size: must be between 0 and 1" in capsys.readouterr().err


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("test_size: [0.2\n", "invalid YAML"),
        ("unknown_key: 1\n", "unknown key 'unknown_key'"),
        ("- just\n- a list\n", "must be a mapping"),
        ("model_name: !!python/object/apply:os.system ['touch PWNED']\n", "unsupported YAML tag"),
    ],
)
def test_bad_config_files(tmp_path, capsys, text, fragment, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "run.yml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        parse_args(["--config", str(config)])
    assert info.value.code == 2
    assert fragment in capsys.readouterr().err
    assert not (tmp_path / "PWNED").exists()


def test_command_line_round_trip(data_file):
    args = parse_args(
        [
            "--data-path",
            str(data_file),
            "--test-size",
            "0.2",
            "--optimize",
            "--model-name",
            "x y".replace(" ", "_"),
            "--visualize",
            "--legacy",
            "--model-type",
            "sgd",
        ]
    )
    command = command_line(args)
    assert command.startswith("nexusml-train --headless")
    again = parse_args(shlex.split(command)[1:])
    assert again.replace(headless=False) == args.replace(headless=False)


def test_saved_run_config_is_accepted(tmp_path, data_file):
    args = parse_args(["--data-path", str(data_file), "--test-size", "0.4", "--visualize"])
    saved = save_run_config(args, tmp_path / "run.yml")
    # The default output directory is relative to the working directory; the file holds it absolute.
    same = args.replace(config=str(saved), output_dir=str(Path.cwd() / "outputs" / "models"))
    assert parse_args(["--config", str(saved)]) == same


def test_help_table_lists_every_flag():
    table = help_table()
    for spec in ARGUMENTS:
        for flag in spec.flags:
            assert f"`{flag}`" in table


def test_help_imports_no_heavy_library():
    code = (
        "import sys\n"
        "from nexusml.train_model_pipeline_v2 import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'sklearn', 'pandas', 'numpy', 'yaml'})\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in done.stderr
    assert "--data-path" in done.stdout and "--legacy" in done.stdout
