"""Run config files (``--config FILE``): YAML mappings of argument names to raw values.

A relative path in a run config is relative to the folder of the run config,
not to the working directory, so a saved config works wherever it is run from.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from nexusml.options.arguments import TrainingArguments
from nexusml.options.spec import Kind
from nexusml.options.training_args import ARGUMENTS, RUN_SWITCHES
from nexusml.options.validators import ArgumentError, join_columns

HEADER = (
    "# nexusml-train run configuration (use with --config FILE)\n"
    "# relative paths are relative to the folder of this file\n"
)

_KNOWN = frozenset(spec.dest for spec in ARGUMENTS if spec.dest != "config")
_ALIASES = {flag.lstrip("-").replace("-", "_"): spec.dest for spec in ARGUMENTS for flag in spec.flags}
PATH_KEYS = frozenset(spec.dest for spec in ARGUMENTS if spec.kind is Kind.PATH and spec.dest != "config")
COLUMN_KEYS = frozenset(spec.dest for spec in ARGUMENTS if spec.kind is Kind.COLUMNS)


def _column_list(value: Any) -> Any:
    """A YAML list of column names holds one name per item (``Trade, Group`` stays one name): as the flag's
    comma-separated value, with such names quoted; other values unchanged for the validator to judge."""
    if isinstance(value, list) and all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in value):
        return join_columns(str(v) for v in value)
    return value


def _from_folder(value: Any, folder: Path) -> Any:
    """A relative path value as seen from ``folder``; other values (absolute, ``~/...``, not text) unchanged."""
    if not isinstance(value, str) or not value.strip() or value.strip().startswith("~"):
        return value
    path = Path(value.strip())
    return value if path.is_absolute() else str(folder / path)


def _to_folder(value: Any, folder: Path) -> Any:
    """A path value written for a file in ``folder``: relative when it lies under it, else absolute."""
    if not isinstance(value, str) or not value:
        return value
    path = Path(os.path.abspath(Path(value).expanduser()))
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return str(path)


def load_run_config(path: Path | str) -> dict[str, Any]:
    """Read a ``--config`` YAML file into raw (unvalidated) values keyed by argument name.

    Keys may be spelled as the argument name or as any of its flags (``test-size``,
    ``--feature-config-path``).  A file that cannot be read, is not a mapping or
    has an unknown key raises :class:`ArgumentError` for ``--config``.  Relative
    paths are returned joined to the file's folder.
    """
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
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = str(key).strip().lstrip("-").replace("-", "_")
        name = _ALIASES.get(name, name)
        if name not in _KNOWN:
            raise ArgumentError("config", f"{path}: unknown key '{key}'; known keys: {', '.join(sorted(_KNOWN))}")
        if name in PATH_KEYS:
            value = _from_folder(value, path.absolute().parent)
        elif name in COLUMN_KEYS:
            value = _column_list(value)
        out[name] = value
    return out


def run_config_values(args: TrainingArguments, folder: Path | None = None) -> dict[str, Any]:
    """What a run config file holds: every value but the run-mode switches (paths as strings).

    With ``folder`` (where the file goes), paths under it are written relative to it and others absolute.
    """
    values = {k: v for k, v in args.to_dict().items() if k not in RUN_SWITCHES}
    if folder is not None:
        base = Path(os.path.abspath(folder))
        values = {k: _to_folder(v, base) if k in PATH_KEYS else v for k, v in values.items()}
    return values


def save_run_config(args: TrainingArguments, path: Path | str) -> Path:
    """Write the values as a YAML file that ``--config`` accepts (atomically), paths as seen from its folder."""
    import yaml

    from nexusml.store.io import atomic_write_text

    path = Path(path)
    values = run_config_values(args, Path(os.path.abspath(path)).parent)
    return atomic_write_text(path, HEADER + yaml.safe_dump(values, sort_keys=False, allow_unicode=True))
