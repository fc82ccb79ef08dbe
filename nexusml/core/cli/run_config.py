"""Run config files (``--config FILE``): YAML mappings of argument names to raw values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nexusml.core.cli.training_args import ARGUMENTS, RUN_SWITCHES, TrainingArguments
from nexusml.core.cli.validators import ArgumentError

HEADER = "# nexusml-train run configuration (use with --config FILE)\n"

_KNOWN = frozenset(spec.dest for spec in ARGUMENTS if spec.dest != "config")
_ALIASES = {flag.lstrip("-").replace("-", "_"): spec.dest for spec in ARGUMENTS for flag in spec.flags}


def load_run_config(path: Path | str) -> dict[str, Any]:
    """Read a ``--config`` YAML file into raw (unvalidated) values keyed by argument name.

    Keys may be spelled as the argument name or as any of its flags (``test-size``,
    ``--feature-config-path``).  A file that cannot be read, is not a mapping or
    has an unknown key raises :class:`ArgumentError` for ``--config``.
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
        out[name] = value
    return out


def run_config_values(args: TrainingArguments) -> dict[str, Any]:
    """What a run config file holds: every value but the run-mode switches (paths as strings)."""
    return {k: v for k, v in args.to_dict().items() if k not in RUN_SWITCHES}


def save_run_config(args: TrainingArguments, path: Path | str) -> Path:
    """Write the values as a YAML file that ``--config`` accepts (atomically)."""
    import yaml

    from nexusml.core.components.io import atomic_write_text

    return atomic_write_text(Path(path), HEADER + yaml.safe_dump(run_config_values(args), sort_keys=False))
