"""The shape of one training argument's declaration (the declarations are in ``training_args``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

GROUP_TITLES = {"data": "Data", "features": "Features", "training": "Training", "output": "Output", "run": "Run mode"}


class Kind(Enum):
    """What kind of value an argument takes: how it is parsed, shown and written back."""

    PATH = "path"
    FLOAT = "float"
    INT = "int"
    CHOICE = "choice"
    BOOL = "bool"  # a switch: --flag, and --no-flag where it is negatable
    TEXT = "text"
    COLUMNS = "columns"  # column names: the flag may repeat, names may be comma-separated


@dataclass(frozen=True)
class ArgSpec:
    """One training argument, declared once."""

    dest: str
    flags: tuple[str, ...]
    kind: Kind
    default: Any
    help: str
    group: str  # "data", "features", "training", "output", "run"
    validator: Callable[[Any, str], Any]
    label: str
    choices: tuple[str, ...] = ()
    metavar: str | None = None
    wizard: bool = True  # shown as a field in the wizard's forms
    placeholder: str = ""
    negatable: bool = True  # a switch that also has a --no-NAME form (to turn off a --config value)

    @property
    def flag(self) -> str:
        return self.flags[0]

    @property
    def typed_default(self) -> Any:
        """The default as a :class:`TrainingArguments` value holds it (paths as ``Path``)."""
        if self.kind is Kind.PATH and self.default is not None:
            return Path(self.default)
        return self.default

    def validate(self, value: Any) -> Any:
        """The normalized value, or ``ArgumentError``; a list or mapping where one value belongs is refused."""
        if self.kind is not Kind.COLUMNS and isinstance(value, dict | list | tuple | set):
            from nexusml.options.validators import ArgumentError

            what = "a mapping" if isinstance(value, dict) else "a list"
            raise ArgumentError(self.dest, f"expects one value, got {what}; give a single value")
        return self.validator(value, self.dest)
