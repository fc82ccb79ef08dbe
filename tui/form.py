"""The wizard's form state: raw values per argument, checked by the argument spec's validators."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from nexusml.core.cli.precedence import merge_sources
from nexusml.core.cli.training_args import (
    ARGUMENTS,
    GROUP_TITLES,
    SPECS,
    ArgSpec,
    TrainingArguments,
    arguments_from_values,
    bundled_data_path,
    validate_field,
)
from nexusml.core.cli.validators import ArgumentError

STEPS: tuple[tuple[str, str], ...] = (
    ("data", "Data"),
    ("features", "Features"),
    ("training", "Training"),
    ("output", "Output"),
    ("review", "Review"),
)
WIZARD_SPECS: tuple[ArgSpec, ...] = tuple(spec for spec in ARGUMENTS if spec.wizard)
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    step: tuple(spec.dest for spec in WIZARD_SPECS if spec.group == step) for step, _ in STEPS
}


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def display_value(raw: Any) -> str:
    """How a raw value shows in a text input."""
    if raw is None:
        return ""
    return str(raw)


def check_field(dest: str, raw: Any) -> str:
    """The validator's message for ``raw`` ('' when it is valid).

    Optional fields (default ``None``) may be left empty: the core uses its default then.
    An empty data path means the bundled sample inventory, so it is valid only when that file exists.
    """
    spec = SPECS[dest]
    if is_blank(raw) and spec.default is None:
        if dest == "data_path" and not bundled_data_path().exists():
            try:
                validate_field(dest, "")
            except ArgumentError as exc:
                return exc.message
        return ""
    try:
        validate_field(dest, raw)
    except ArgumentError as exc:
        return exc.message
    return ""


class FormState:
    """Raw values of every wizard field plus the run-mode switch, and their current errors."""

    def __init__(self, values: dict[str, Any] | None = None, legacy: bool = False):
        self.values: dict[str, Any] = {}
        for spec in WIZARD_SPECS:
            self.values[spec.dest] = spec.default
        if values:
            self.values.update({k: v for k, v in values.items() if k in self.values})
        self.legacy = legacy
        self.errors: dict[str, str] = {}
        self.extra_errors: dict[str, str] = {}
        for dest, raw in self.values.items():
            self.set(dest, raw)

    @classmethod
    def from_given(cls, given: Mapping[str, Any] | None, saved: Mapping[str, Any] | None = None) -> FormState:
        """Defaults, then ``saved`` settings, then a ``--config`` file, then the flags typed on the command line.

        The order is :func:`~nexusml.core.cli.precedence.merge_sources`, as for ``nexusml-train --headless``;
        what the command line would reject (a bad ``--config``, ``--legacy`` with ``--use-orchestrator``) is
        shown as an error of the form.
        """
        merged = merge_sources(given or {}, saved)
        values = dict(merged.values)
        if values.get("data_path") is None and bundled_data_path().exists():
            values["data_path"] = str(bundled_data_path())
        state = cls(values, legacy=bool(values["legacy"]))
        for problem in merged.problems:
            state.extra_errors.setdefault(problem.field, problem.message)
        return state

    def set(self, dest: str, raw: Any, error: str | None = None) -> str:
        """Record a field's raw value and its error; ``error=None`` runs the validator, a string is its verdict."""
        self.values[dest] = raw
        if error is None:
            error = check_field(dest, raw)
        if error:
            self.errors[dest] = error
        else:
            self.errors.pop(dest, None)
        return error

    def set_extra_error(self, key: str, message: str) -> None:
        if message:
            self.extra_errors[key] = message
        else:
            self.extra_errors.pop(key, None)

    def first_error(self, dests: Iterable[str] | None = None) -> tuple[str, str] | None:
        """(field, message) of the first invalid field, in form order."""
        order = list(dests) if dests is not None else [spec.dest for spec in WIZARD_SPECS]
        for dest in order:
            if dest in self.errors:
                return dest, self.errors[dest]
            if dest in self.extra_errors:
                return dest, self.extra_errors[dest]
        if dests is None:
            for key, message in self.extra_errors.items():
                return key, message
        return None

    def step_error(self, step: str) -> tuple[str, str] | None:
        return self.first_error(STEP_FIELDS.get(step, ()))

    def arguments(self) -> TrainingArguments:
        """Validated arguments; raises ArgumentError naming the first bad field."""
        problem = self.first_error()
        if problem is not None:
            raise ArgumentError(problem[0], problem[1])
        values = {k: (None if is_blank(v) else v) for k, v in self.values.items()}
        if values.get("data_path") is None and bundled_data_path().exists():
            values["data_path"] = str(bundled_data_path())
        values["legacy"] = self.legacy
        return arguments_from_values(values)


def label_for(dest: str) -> str:
    spec = SPECS.get(dest)
    return spec.label if spec else dest.replace("_", " ").capitalize()


def group_title(group: str) -> str:
    return GROUP_TITLES.get(group, group.title())
