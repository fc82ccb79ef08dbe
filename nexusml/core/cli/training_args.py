"""The one declaration of every training argument.

Each argument is declared once, as an :class:`ArgSpec`: its flags (with the
spellings older scripts used), type, default, choices, help text, group and
validator.  ``build_parser()`` and ``parse_args()`` build the argparse program
from it, the wizard builds its form fields from it, ``--config`` files are read
against it and the README's flag table is generated from it.

Validators are plain functions: they take a raw value (a string typed by a user
or a value read from YAML) and return the normalized value, or raise
:class:`ArgumentError` naming the field and how to fix it.  They never create,
write or change anything.

This module imports only the standard library (YAML is imported on demand), so
``nexusml-train --help`` starts instantly.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from nexusml.errors import NexusMLError

PROG = "nexusml-train"

DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".parquet", ".pq")
MODEL_TYPES = ("linear", "linear_svc", "logreg", "sgd", "random_forest")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
SAMPLING_STRATEGIES = ("direct",)

_TRUE = {"1", "true", "yes", "on", "y", "t"}
_FALSE = {"0", "false", "no", "off", "n", "f", ""}
_MODEL_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def bundled_data_path() -> Path:
    """The sample inventory shipped with the package (the default --data-path)."""
    return Path(__file__).resolve().parents[2] / "data" / "equipment_inventory.csv"


class ArgumentError(NexusMLError, ValueError):
    """A bad argument value: names the field and says how to fix it."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{flag_for(field)}: {message}")


# ----------------------------------------------------------------------------------------------
# Validators: raw value in, normalized value out, ArgumentError on a bad value. No side effects.
# ----------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def validate_data_path(value: Any, field: str = "data_path") -> Path:
    text = _text(value)
    if not text:
        raise ArgumentError(field, "is empty; give the path of a CSV, Excel or Parquet file")
    path = Path(text).expanduser()
    if not path.exists():
        raise ArgumentError(field, f"file not found: {text}; check the path")
    if path.is_dir():
        raise ArgumentError(field, f"{text} is a directory; give a CSV, Excel or Parquet file inside it")
    if path.suffix.lower() not in DATA_SUFFIXES:
        raise ArgumentError(
            field,
            f"{text} has an unsupported extension '{path.suffix}'; use one of {', '.join(DATA_SUFFIXES)}",
        )
    if not os.access(path, os.R_OK):
        raise ArgumentError(field, f"{text} is not readable; check its permissions")
    return path


def _existing_yaml(value: Any, field: str) -> Path | None:
    text = _text(value)
    if not text:
        return None
    path = Path(text).expanduser()
    if not path.exists():
        raise ArgumentError(field, f"file not found: {text}; check the path or leave it empty for the default")
    if path.is_dir():
        raise ArgumentError(field, f"{text} is a directory; give a YAML file")
    return path


def validate_feature_config(value: Any, field: str = "feature_config") -> Path | None:
    path = _existing_yaml(value, field)
    if path is not None:
        from nexusml.config import ConfigError, load_feature_config

        try:
            load_feature_config(path)
        except ConfigError as exc:
            raise ArgumentError(field, str(exc)) from None
    return path


def validate_reference_config(value: Any, field: str = "reference_config") -> Path | None:
    path = _existing_yaml(value, field)
    if path is not None:
        from nexusml.config import ConfigError, load_reference_config

        try:
            load_reference_config(path)
        except ConfigError as exc:
            raise ArgumentError(field, str(exc)) from None
    return path


def validate_config_file(value: Any, field: str = "config") -> Path | None:
    return _existing_yaml(value, field)


def validate_test_size(value: Any, field: str = "test_size") -> float:
    text = _text(value)
    try:
        number = float(text)
    except ValueError:
        raise ArgumentError(field, f"'{text}' is not a number; use a fraction such as 0.3") from None
    if not 0.0 < number < 1.0:
        raise ArgumentError(field, f"must be between 0 and 1 (exclusive), got {text}; use a fraction such as 0.3")
    return number


def _integer(value: Any, field: str) -> int:
    if isinstance(value, bool):
        raise ArgumentError(field, f"'{value}' is not a whole number")
    text = _text(value)
    try:
        return int(text)
    except ValueError:
        raise ArgumentError(field, f"'{text}' is not a whole number") from None


def validate_random_state(value: Any, field: str = "random_state") -> int:
    number = _integer(value, field)
    if not 0 <= number < 2**32:
        raise ArgumentError(field, f"must be between 0 and 4294967295, got {number}")
    return number


def validate_n_jobs(value: Any, field: str = "n_jobs") -> int:
    number = _integer(value, field)
    if number == 0 or number < -1:
        raise ArgumentError(field, f"must be -1 (all cores) or a positive number of cores, got {number}")
    return number


def validate_cv_folds(value: Any, field: str = "cv_folds") -> int:
    number = _integer(value, field)
    if not 2 <= number <= 20:
        raise ArgumentError(field, f"must be between 2 and 20, got {number}")
    return number


def _choice(choices: Iterable[str], *, upper: bool = False) -> Callable[..., str]:
    options = tuple(choices)

    def validate(value: Any, field: str) -> str:
        text = _text(value)
        text = text.upper() if upper else text.lower()
        if text not in options:
            raise ArgumentError(field, f"invalid choice '{_text(value)}'; choose from {', '.join(options)}")
        return text

    return validate


def validate_bool(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ArgumentError(field, f"'{value}' is not true or false")


def validate_output_dir(value: Any, field: str = "output_dir") -> Path:
    text = _text(value)
    if not text:
        raise ArgumentError(field, "is empty; give a directory for the saved models")
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        raise ArgumentError(field, f"{text} is a file, not a directory; choose another output directory")
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise ArgumentError(field, f"{probe} is a file, so {text} cannot be created; choose another directory")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ArgumentError(field, f"{probe} is not writable; choose a directory you can write to")
    return path


def validate_model_name(value: Any, field: str = "model_name") -> str:
    text = _text(value)
    if not text:
        raise ArgumentError(field, "is empty; give a file-safe name such as equipment_classifier")
    if "/" in text or "\\" in text or text in {".", ".."}:
        raise ArgumentError(field, f"'{text}' looks like a path; give a plain name and put the folder in --output-dir")
    if not _MODEL_NAME_RE.match(text):
        raise ArgumentError(
            field, f"'{text}' is not a safe file name; use letters, digits, '.', '_' or '-' (at most 100)"
        )
    return text


def validate_sheet(value: Any, field: str = "sheet") -> str | int | None:
    text = _text(value)
    if not text:
        return None
    return int(text) if text.isdigit() else text


def validate_dask_scheduler(value: Any, field: str = "dask_scheduler") -> str | None:
    text = _text(value)
    if not text:
        return None
    if text.lower() == "local":
        return "local"
    if not re.match(r"^(tcp|tls|ucx|inproc|ws|wss)://[^\s/]+(:\d+)?/?$|^[A-Za-z0-9._-]+:\d+$", text):
        raise ArgumentError(field, f"'{text}' is not a scheduler address; use tcp://HOST:PORT or 'local'")
    return text


# ----------------------------------------------------------------------------------------------
# The declaration.
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArgSpec:
    """One training argument, declared once."""

    dest: str
    flags: tuple[str, ...]
    kind: str  # "path", "float", "int", "choice", "bool", "text"
    default: Any
    help: str
    group: str  # "data", "features", "training", "output", "run"
    validator: Callable[..., Any]
    label: str
    choices: tuple[str, ...] = ()
    metavar: str | None = None
    wizard: bool = True  # shown as a field in the wizard's forms
    placeholder: str = ""

    @property
    def flag(self) -> str:
        return self.flags[0]

    def validate(self, value: Any) -> Any:
        return self.validator(value, self.dest)


GROUP_TITLES = {
    "data": "Data",
    "features": "Features",
    "training": "Training",
    "output": "Output",
    "run": "Run mode",
}

ARGUMENTS: tuple[ArgSpec, ...] = (
    ArgSpec(
        "data_path",
        ("--data-path",),
        "path",
        None,
        "Training data: CSV, Excel (.xlsx) or Parquet file (default: the bundled sample inventory)",
        "data",
        validate_data_path,
        "Data file",
        metavar="FILE",
        placeholder="path/to/inventory.csv",
    ),
    ArgSpec(
        "sheet",
        ("--sheet",),
        "text",
        None,
        "Excel sheet name or 0-based index (default: the first sheet)",
        "data",
        validate_sheet,
        "Excel sheet",
        metavar="NAME",
        placeholder="first sheet",
    ),
    ArgSpec(
        "feature_config",
        ("--feature-config", "--feature-config-path"),
        "path",
        None,
        "Feature config YAML (text columns, numeric columns, targets; default: the bundled config)",
        "features",
        validate_feature_config,
        "Feature config",
        metavar="FILE",
        placeholder="bundled default",
    ),
    ArgSpec(
        "reference_config",
        ("--reference-config", "--reference-config-path"),
        "path",
        None,
        "Reference config YAML (code lists and service-life table; default: the bundled references)",
        "features",
        validate_reference_config,
        "Reference config",
        metavar="FILE",
        placeholder="bundled default",
    ),
    ArgSpec(
        "test_size",
        ("--test-size",),
        "float",
        0.3,
        "Fraction of rows held out for evaluation, between 0 and 1",
        "training",
        validate_test_size,
        "Test size",
        metavar="FRACTION",
    ),
    ArgSpec(
        "random_state",
        ("--random-state",),
        "int",
        42,
        "Random seed for the split and the model",
        "training",
        validate_random_state,
        "Random state",
        metavar="SEED",
    ),
    ArgSpec(
        "sampling_strategy",
        ("--sampling-strategy",),
        "choice",
        "direct",
        "How rows are sampled for training ('direct': as they are, with balanced class weights)",
        "training",
        _choice(SAMPLING_STRATEGIES),
        "Sampling strategy",
        choices=SAMPLING_STRATEGIES,
    ),
    ArgSpec(
        "model_type",
        ("--model-type",),
        "choice",
        "linear",
        "Model: 'linear' (tuned word+char TF-IDF linear model, the default), 'linear_svc', 'logreg', "
        "'sgd', or 'random_forest' (the classic NexusML model)",
        "training",
        _choice(MODEL_TYPES),
        "Model type",
        choices=MODEL_TYPES,
    ),
    ArgSpec(
        "optimize",
        ("--optimize", "--optimize-hyperparameters"),
        "bool",
        False,
        "Run a cross-validated hyperparameter search before training",
        "training",
        validate_bool,
        "Hyperparameter search",
    ),
    ArgSpec(
        "cv_folds",
        ("--cv-folds",),
        "int",
        3,
        "Cross-validation folds for --optimize (fewer are used on tiny data)",
        "training",
        validate_cv_folds,
        "CV folds",
        metavar="N",
    ),
    ArgSpec(
        "n_jobs",
        ("--n-jobs",),
        "int",
        1,
        "Parallel jobs for fitting and search (-1: all cores)",
        "training",
        validate_n_jobs,
        "Parallel jobs",
        metavar="N",
    ),
    ArgSpec(
        "dask_scheduler",
        ("--dask-scheduler",),
        "text",
        None,
        "Run the --optimize search on a Dask cluster: tcp://HOST:PORT, or 'local' for a cluster on "
        "this machine (needs the [dask] extra)",
        "training",
        validate_dask_scheduler,
        "Dask scheduler",
        metavar="ADDRESS",
        placeholder="none (local joblib)",
    ),
    ArgSpec(
        "output_dir",
        ("--output-dir",),
        "path",
        "outputs/models",
        "Directory for the saved model, metadata, logs and charts",
        "output",
        validate_output_dir,
        "Output directory",
        metavar="DIR",
    ),
    ArgSpec(
        "model_name",
        ("--model-name",),
        "text",
        "equipment_classifier",
        "Base file name of the saved model (no path separators)",
        "output",
        validate_model_name,
        "Model name",
        metavar="NAME",
    ),
    ArgSpec(
        "visualize",
        ("--visualize",),
        "bool",
        False,
        "Write plotext charts (text and HTML) under OUTPUT_DIR/visualizations",
        "output",
        validate_bool,
        "Write charts",
    ),
    ArgSpec(
        "log_level",
        ("--log-level",),
        "choice",
        "INFO",
        "Logging level; DEBUG also prints tracebacks",
        "output",
        _choice(LOG_LEVELS, upper=True),
        "Log level",
        choices=LOG_LEVELS,
    ),
    ArgSpec(
        "legacy",
        ("--legacy",),
        "bool",
        False,
        "Feature flag: run the legacy (pre-orchestrator) training path; results are identical",
        "run",
        validate_bool,
        "Legacy training path",
        wizard=False,
    ),
    ArgSpec(
        "use_orchestrator",
        ("--use-orchestrator",),
        "bool",
        True,
        "Run the orchestrator path (the default; the opposite of --legacy)",
        "run",
        validate_bool,
        "Use orchestrator",
        wizard=False,
    ),
    ArgSpec(
        "headless",
        ("--headless",),
        "bool",
        False,
        "Run without the wizard, as a plain command-line program (implied when not in a terminal)",
        "run",
        validate_bool,
        "Headless",
        wizard=False,
    ),
    ArgSpec(
        "config",
        ("--config",),
        "path",
        None,
        "YAML file of argument values (for example saved by the wizard); flags given on the command line override it",
        "run",
        validate_config_file,
        "Run config",
        metavar="FILE",
        wizard=False,
    ),
)

SPECS: dict[str, ArgSpec] = {spec.dest: spec for spec in ARGUMENTS}


def flag_for(dest: str) -> str:
    spec = SPECS.get(dest)
    return spec.flag if spec else dest


def specs_for_group(group: str) -> list[ArgSpec]:
    return [spec for spec in ARGUMENTS if spec.group == group]


# ----------------------------------------------------------------------------------------------
# The validated values.
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingArguments:
    """Validated, normalized values of every training argument."""

    data_path: Path | None = None
    sheet: str | int | None = None
    feature_config: Path | None = None
    reference_config: Path | None = None
    test_size: float = 0.3
    random_state: int = 42
    sampling_strategy: str = "direct"
    model_type: str = "linear"
    optimize: bool = False
    cv_folds: int = 3
    n_jobs: int = 1
    dask_scheduler: str | None = None
    output_dir: Path = Path("outputs/models")
    model_name: str = "equipment_classifier"
    visualize: bool = False
    log_level: str = "INFO"
    legacy: bool = False
    use_orchestrator: bool = True
    headless: bool = False
    config: Path | None = None

    @property
    def resolved_data_path(self) -> Path:
        return self.data_path if self.data_path is not None else bundled_data_path()

    def replace(self, **changes: Any) -> TrainingArguments:
        """A copy with some values changed, each checked by its validator."""
        values = self.to_dict()
        values.update(changes)
        return arguments_from_values(values)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly values (paths as strings)."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            out[key] = str(value) if isinstance(value, Path) else value
        return out

    def non_default_items(self) -> list[tuple[ArgSpec, Any]]:
        items = []
        for spec in ARGUMENTS:
            value = getattr(self, spec.dest)
            default = spec.default
            if spec.dest in {"headless", "config", "use_orchestrator"}:
                continue
            if isinstance(value, Path) and default is not None:
                default = Path(default)
            if value != default:
                items.append((spec, value))
        return items

    def to_command_line(self) -> str:
        """The equivalent ``nexusml-train --headless ...`` command."""
        parts = [PROG, "--headless"]
        for spec, value in self.non_default_items():
            if spec.kind == "bool":
                parts.append(spec.flag if value else f"--no-{spec.flag[2:]}")
            elif value is not None:
                parts.extend([spec.flag, str(value)])
        return shlex.join(parts)

    def to_run_config(self) -> dict[str, Any]:
        """Values for a ``--config`` YAML file (everything but the run-mode switches)."""
        skip = {"headless", "config", "use_orchestrator"}
        return {k: v for k, v in self.to_dict().items() if k not in skip}


_VALUE_FIELDS = {f.name for f in fields(TrainingArguments)}
assert set(SPECS) == _VALUE_FIELDS, "TrainingArguments and ARGUMENTS must declare the same fields"


def arguments_from_values(values: Mapping[str, Any]) -> TrainingArguments:
    """Validate a mapping of raw values (missing keys take their defaults)."""
    out: dict[str, Any] = {}
    for spec in ARGUMENTS:
        raw = values.get(spec.dest, spec.default)
        if raw is None or (isinstance(raw, str) and not raw.strip() and spec.default is None):
            out[spec.dest] = None
            continue
        out[spec.dest] = spec.validate(raw)
    out["use_orchestrator"] = not out["legacy"]
    return TrainingArguments(**out)


def validate_field(dest: str, value: Any) -> Any:
    """Validate one field by name, as the wizard does on every change."""
    return SPECS[dest].validate(value)


# ----------------------------------------------------------------------------------------------
# Run config files (--config).
# ----------------------------------------------------------------------------------------------


def load_run_config(path: Path | str) -> dict[str, Any]:
    """Read a ``--config`` YAML file into raw values keyed by argument name."""
    from nexusml.config.loading import ConfigError, read_yaml

    path = Path(path)
    try:
        data = read_yaml(path)
    except ConfigError as exc:
        raise ArgumentError("config", str(exc)) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ArgumentError("config", f"{path} must be a mapping of argument names to values")
    known = {spec.dest for spec in ARGUMENTS if spec.dest != "config"}
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = str(key).strip().lstrip("-").replace("-", "_")
        name = _ALIASES.get(name, name)
        if name not in known:
            raise ArgumentError("config", f"{path}: unknown key '{key}'; known keys: {', '.join(sorted(known))}")
        out[name] = value
    return out


_ALIASES = {f.lstrip("-").replace("-", "_"): spec.dest for spec in ARGUMENTS for f in spec.flags}


def save_run_config(args: TrainingArguments, path: Path | str) -> Path:
    """Write the values as a YAML file that ``--config`` accepts (atomically)."""
    import yaml

    from nexusml.core.components.io import atomic_write_text

    text = "# nexusml-train run configuration (use with --config FILE)\n"
    text += yaml.safe_dump(args.to_run_config(), sort_keys=False)
    return atomic_write_text(Path(path), text)


# ----------------------------------------------------------------------------------------------
# argparse.
# ----------------------------------------------------------------------------------------------


def _help_with_default(spec: ArgSpec) -> str:
    if spec.kind == "bool" or spec.default is None:
        return spec.help
    return f"{spec.help} (default: {spec.default})"


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error: ``nexusml-train: error: ...`` and a hint, exit code 2."""

    def error(self, message: str):  # type: ignore[override]
        hint = "" if ";" in message else f" (see {self.prog} --help)"
        self.exit(2, f"{self.prog}: error: {message}{hint}\n")


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    """The argparse parser, built from :data:`ARGUMENTS`.

    Every option defaults to ``argparse.SUPPRESS`` so that the parsed namespace
    holds only what was typed; defaults and ``--config`` values are merged in
    :func:`parse_args`.
    """
    parser = _Parser(
        prog=prog,
        usage="%(prog)s [--headless] [options]",
        description=(
            "Train a multi-target equipment-classification model. In a terminal, opens the training "
            "wizard with the given flags pre-filled; with --headless (or without a terminal) runs as a "
            "plain command-line program."
        ),
        epilog=(
            "Switches that a --config file turns on can be turned off with --no-NAME (e.g. --no-visualize).  "
            "Exit codes: 0 success, 1 run failed, 2 bad arguments, 130 interrupted (ctrl+c), "
            "143 terminated.  Example: nexusml-train --headless --data-path inventory.csv --visualize"
        ),
        argument_default=argparse.SUPPRESS,
    )
    for group_name, title in GROUP_TITLES.items():
        group = parser.add_argument_group(title)
        for spec in specs_for_group(group_name):
            if spec.kind == "bool":
                group.add_argument(*spec.flags, dest=spec.dest, action="store_const", const=True, help=spec.help)
                if spec.dest not in _PLAIN_SWITCHES:
                    # --no-visualize etc. switch off a value set by a --config file (not listed in --help).
                    group.add_argument(
                        f"--no-{spec.flag[2:]}",
                        dest=spec.dest,
                        action="store_const",
                        const=False,
                        help=argparse.SUPPRESS,
                    )
                continue
            metavar = spec.metavar or (f"{{{','.join(spec.choices)}}}" if spec.choices else None)
            group.add_argument(*spec.flags, dest=spec.dest, metavar=metavar, help=_help_with_default(spec))
    return parser


_PLAIN_SWITCHES = {"legacy", "use_orchestrator", "headless"}


def parse_raw(argv: list[str] | None = None, parser: argparse.ArgumentParser | None = None) -> dict[str, Any]:
    """Only what was given on the command line, unvalidated (the wizard pre-fills from it)."""
    parser = parser or build_parser()
    return dict(vars(parser.parse_args(argv)))


def resolve_arguments(given: Mapping[str, Any]) -> TrainingArguments:
    """Defaults, then the ``--config`` file, then the command line; everything validated."""
    values: dict[str, Any] = {}
    config_path = validate_config_file(given.get("config")) if given.get("config") else None
    if config_path is not None:
        values.update(load_run_config(config_path))
    values.update(given)
    if given.get("legacy") and given.get("use_orchestrator"):
        raise ArgumentError("legacy", "--legacy and --use-orchestrator contradict each other; give one")
    if given.get("use_orchestrator"):
        values["legacy"] = False
    return arguments_from_values(values)


def parse_args(argv: list[str] | None = None) -> TrainingArguments:
    """Parse and validate; bad values print an argparse-style message and exit with code 2."""
    parser = build_parser()
    given = parse_raw(argv, parser)
    try:
        return resolve_arguments(given)
    except ArgumentError as exc:
        parser.error(str(exc))
        raise  # unreachable: parser.error exits


def help_table() -> str:
    """A Markdown table of every flag (the README embeds it)."""
    lines = ["| Flag | Default | Description |", "|---|---|---|"]
    for spec in ARGUMENTS:
        flags = ", ".join(f"`{f}`" for f in spec.flags)
        if spec.kind == "bool" and spec.dest not in _PLAIN_SWITCHES:
            flags += f" / `--no-{spec.flag[2:]}`"
        if spec.choices:
            flags += " " + "{" + ",".join(spec.choices) + "}"
        if spec.kind == "bool":
            default = "on" if spec.default else "off"
        else:
            default = "" if spec.default is None else f"`{spec.default}`"
        lines.append(f"| {flags} | {default} | {spec.help} |")
    return "\n".join(lines)
