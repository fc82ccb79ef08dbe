"""Where each argument value comes from, in one order for the command line and the wizard.

From lowest to highest: the spec's defaults, the wizard's saved settings
(``legacy``, ``log_level``; the command line has none), the ``--config``
file, then the flags typed on the command line.  Each source chooses the
training path with ``legacy`` or ``use_orchestrator``; a source that says both
contradicts itself and is reported, never silently resolved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nexusml.options.arguments import TrainingArguments, arguments_from_values
from nexusml.options.run_config import load_run_config
from nexusml.options.training_args import ARGUMENTS, SPECS
from nexusml.options.validators import ArgumentError, validate_bool, validate_config_file

RUN_MODE_KEYS = ("legacy", "use_orchestrator")


@dataclass(frozen=True)
class MergedValues:
    """Raw values of every argument after precedence, and what went wrong on the way."""

    values: dict[str, Any]
    """Unvalidated, keyed by argument name; ``legacy`` is a bool and ``use_orchestrator`` its opposite."""
    problems: tuple[ArgumentError, ...] = ()
    """A ``--config`` file that cannot be used (its values are then left out), contradicting run-mode values."""


def run_mode(source: Mapping[str, Any], where: str = "") -> bool | None:
    """Whether one source asks for the legacy path: True, False, or None when it does not say.

    ``where`` names a file the values came from; empty for the command line.
    """
    legacy = source.get("legacy")
    orchestrator = source.get("use_orchestrator")
    legacy = None if legacy is None else validate_bool(legacy, "legacy")
    orchestrator = None if orchestrator is None else validate_bool(orchestrator, "use_orchestrator")
    if legacy is not None and orchestrator is not None and legacy == orchestrator:
        if where:
            raise ArgumentError("config", f"{where}: legacy and use_orchestrator contradict each other; keep one")
        raise ArgumentError("legacy", "--legacy and --use-orchestrator contradict each other; give one")
    if legacy is not None:
        return legacy
    return None if orchestrator is None else not orchestrator


def merge_sources(given: Mapping[str, Any], saved: Mapping[str, Any] | None = None) -> MergedValues:
    """Defaults, then ``saved`` settings, then the ``--config`` file named in ``given``, then ``given``.

    ``given`` holds what was typed on the command line (:func:`~nexusml.options.parser.parse_raw`);
    keys that are not arguments are ignored.  Nothing is validated but the run-mode switches.
    """
    unknown = sorted(set(saved or {}) - set(SPECS))
    if unknown:
        raise ValueError(f"saved settings hold no argument named {unknown[0]!r}")
    typed = {key: value for key, value in given.items() if key in SPECS}
    sources: list[tuple[str, Mapping[str, Any]]] = [("", saved or {})]
    problems: list[ArgumentError] = []
    if typed.get("config") is not None and str(typed["config"]).strip():
        try:
            path = validate_config_file(typed["config"])
            sources.append((str(path), load_run_config(path) if path is not None else {}))
        except ArgumentError as exc:
            problems.append(exc)
    sources.append(("", typed))

    values: dict[str, Any] = {spec.dest: spec.default for spec in ARGUMENTS}
    for where, source in sources:
        values.update({key: value for key, value in source.items() if key not in RUN_MODE_KEYS})
        try:
            legacy = run_mode(source, where)
        except ArgumentError as exc:
            problems.append(exc)
            continue
        if legacy is not None:
            values["legacy"] = legacy
    values["use_orchestrator"] = not values["legacy"]
    return MergedValues(values, tuple(problems))


def resolve_arguments(given: Mapping[str, Any]) -> TrainingArguments:
    """The command line's arguments: every source merged (no saved settings), everything validated."""
    merged = merge_sources(given)
    if merged.problems:
        raise merged.problems[0]
    return arguments_from_values(merged.values)
