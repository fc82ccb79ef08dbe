"""The wizard's form state: raw values per argument, checked by the argument spec's validators."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nexusml.data import bundled_data_path
from nexusml.options.arguments import TrainingArguments, arguments_from_values, validate_field
from nexusml.options.precedence import merge_sources
from nexusml.options.training_args import ARGUMENTS, GROUP_TITLES, SPECS, ArgSpec
from nexusml.options.validators import ArgumentError, join_columns, validate_columns

if TYPE_CHECKING:
    from nexusml.config import FeatureConfig

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
COLUMN_FIELDS = ("targets", "text_columns", "numeric_columns")
"""The fields the Features step's column pickers fill (a value of None: the feature config's choice)."""
STEP_CHECKS: dict[str, tuple[str, ...]] = {"data": ("reading",), "features": ("columns",)}
"""Problems of a step that belong to no single field: the data file being read, the columns against its header."""
CHECK_LABELS = {"reading": "Data", "columns": "Features"}


@dataclass(frozen=True)
class ColumnCheck:
    """The chosen columns against the data file's header, as the run's load and validate stages judge them."""

    error: str = ""
    notes: tuple[str, ...] = ()
    config: FeatureConfig | None = None
    field: str = "targets"
    """The picker to fix the error in."""
    """The feature config the run would use (None when the feature config or a column value is invalid)."""


def _raw_columns(raw: Any) -> tuple[str, ...] | None:
    return None if is_blank(raw) else validate_columns(raw, "columns")


def base_feature_config(raw: Any) -> FeatureConfig | None:
    """The feature config file's choice (None when the file cannot be read; its field says why)."""
    from nexusml.config import ConfigError, load_feature_config

    try:
        return load_feature_config(None if is_blank(raw) else Path(str(raw).strip()).expanduser())
    except (ConfigError, OSError):
        return None


def text_columns_of(config: FeatureConfig) -> tuple[str, ...]:
    numeric = {n.name for n in config.numeric_columns}
    return tuple(c for c in config.input_columns if c not in numeric)


def config_columns(config: FeatureConfig, dest: str) -> tuple[str, ...]:
    """What a feature config chooses for one of :data:`COLUMN_FIELDS`."""
    if dest == "targets":
        return tuple(config.targets)
    if dest == "text_columns":
        return text_columns_of(config)
    return tuple(n.name for n in config.numeric_columns)


def _not_in_file(kind: str, name: str, header: list[str]) -> str:
    from nexusml.features.validation import close_column

    near = close_column(name, header)
    return f"{kind} '{name}' is not in the file" + (f"; did you mean '{near}'?" if near else "")


def _missing(kind: str, absent: list[str], chosen: int, header: list[str], typed: bool) -> str:
    """For names the user gave (``typed``), a typo first (did you mean); then "pick at least one" when none
    is there; else the first missing one."""
    messages = [_not_in_file(kind, name, header) for name in absent]
    typo = next((m for m in messages if "did you mean" in m), None)
    if typo is not None and (typed or len(absent) < chosen):
        return typo
    if len(absent) == chosen:
        return f"pick at least one {kind}"
    return messages[0]


def check_columns(values: Mapping[str, Any], header: Iterable[str] | None) -> ColumnCheck:
    """Would the run's ``load`` and ``validate`` stages accept these columns on a file with ``header``?

    The same functions decide: the feature config with the column flags applied
    (``with_columns``), ``missing_targets`` (derived targets count when their
    parents are there), ``missing_inputs`` and ``close_column``.  The wizard is
    stricter in one way: every text column must be in the file (the run would
    read a missing one as empty text).  Missing numeric columns are created as
    zeros by the run, so they are a note.
    """
    from nexusml.config import ConfigError

    base = base_feature_config(values.get("feature_config"))
    if base is None:
        return ColumnCheck()  # the feature-config field shows why
    try:
        chosen = [_raw_columns(values.get(dest)) for dest in COLUMN_FIELDS]
    except ArgumentError:
        return ColumnCheck()  # the column field's own error is shown
    try:
        config = base.with_columns(*chosen)
    except ConfigError as exc:
        return ColumnCheck(str(exc).removeprefix(f"{base.source}: "), field="text_columns")
    if header is None:
        return ColumnCheck(config=config)
    from nexusml.features.engineering import missing_inputs, missing_targets

    columns = [str(c) for c in header]
    notes: list[str] = []
    if config.dropped_inputs:
        dropped = ", ".join(config.dropped_inputs)
        notes.append(f"{dropped}: a target, so the model does not read it (it would give the answer away)")
    absent = missing_targets(columns, config)
    if absent:
        return ColumnCheck(
            _missing("target", absent, len(config.targets), columns, chosen[0] is not None), tuple(notes), config
        )
    numeric = {n.name for n in config.numeric_columns}
    texts = text_columns_of(config)
    missing = missing_inputs(columns, config)
    missing_text = [c for c in missing if c not in numeric]
    if missing_text:
        message = _missing("text column", missing_text, len(texts), columns, chosen[1] is not None)
        return ColumnCheck(message, tuple(notes), config, "text_columns")
    for name in (c for c in missing if c in numeric):
        message = _not_in_file("numeric column", name, columns)
        if "did you mean" in message:
            return ColumnCheck(message, tuple(notes), config, "numeric_columns")
        notes.append(f"{message}: the run reads it as 0 in every row")
    return ColumnCheck("", tuple(notes), config)


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def display_value(raw: Any) -> str:
    """How a raw value shows in a text input (a list of columns as the comma-separated flag value)."""
    if raw is None:
        return ""
    if isinstance(raw, list | tuple):
        try:
            names = validate_columns(raw, "columns") or ()
        except ArgumentError:
            return ", ".join(map(str, raw))
        return join_columns(names)
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
        self.header: tuple[str, ...] | None = None
        """The data file's columns once it has been read (None: not known, the columns are not checked)."""
        self.numeric_header: tuple[str, ...] = ()
        """The columns of the data file whose values are mostly numbers."""
        self.column_check = ColumnCheck()
        for dest, raw in self.values.items():
            self.set(dest, raw, recheck=False)
        self.recheck_columns()

    @classmethod
    def from_given(cls, given: Mapping[str, Any] | None, saved: Mapping[str, Any] | None = None) -> FormState:
        """Defaults, then ``saved`` settings, then a ``--config`` file, then the flags typed on the command line.

        The order is :func:`~nexusml.options.precedence.merge_sources`, as for ``nexusml-train --headless``;
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

    def set(self, dest: str, raw: Any, error: str | None = None, *, recheck: bool = True) -> str:
        """Record a field's raw value and its error; ``error=None`` runs the validator, a string is its verdict."""
        self.values[dest] = raw
        if error is None:
            error = check_field(dest, raw)
        if error:
            self.errors[dest] = error
        else:
            self.errors.pop(dest, None)
        if recheck and dest in {"feature_config", *COLUMN_FIELDS}:
            self.recheck_columns()
        return error

    # -- the columns against the data file ----------------------------------------------------------

    def recheck_columns(self) -> ColumnCheck:
        self.column_check = check_columns(self.values, self.header)
        self.set_extra_error("columns", self.column_check.error)
        return self.column_check

    def begin_reading(self) -> None:
        """The data file changed: its columns are unknown until :meth:`set_header`."""
        self.header = None
        self.numeric_header = ()
        self.set_extra_error("reading", "the data file is still being read")
        self.recheck_columns()

    def reading_failed(self) -> None:
        self.header = None
        self.numeric_header = ()
        self.set_extra_error("reading", "")
        self.recheck_columns()

    def base_config(self) -> FeatureConfig | None:
        return base_feature_config(self.values.get("feature_config"))

    def named_columns(self, dest: str) -> tuple[str, ...]:
        """The columns the field itself names for ``dest`` (none when it is blank or invalid)."""
        try:
            return _raw_columns(self.values.get(dest)) or ()
        except ArgumentError:
            return ()

    def chosen_columns(self, dest: str) -> tuple[str, ...]:
        """The columns the run would use for ``dest``: the field's value, else the feature config's."""
        try:
            explicit = _raw_columns(self.values.get(dest))
        except ArgumentError:
            explicit = None
        if explicit is not None:
            return explicit
        base = self.base_config()
        return config_columns(base, dest) if base is not None else ()

    def column_options(self, dest: str) -> tuple[str, ...]:
        """What a picker offers: the file's columns; targets also those the feature config derives from them
        (hierarchies whose parents are there); numeric columns those whose values are mostly numbers."""
        header = self.header or ()
        if dest == "numeric_columns":
            chosen = set(self.chosen_columns(dest))
            return tuple(c for c in header if c in self.numeric_header or c in chosen)
        if dest == "targets":
            base = self.base_config()
            if base is not None:
                from nexusml.features.engineering import available_columns

                have = available_columns(header, base)
                derived = tuple(h.new_col for h in base.hierarchies if h.new_col in have and h.new_col not in header)
                return tuple(header) + tuple(dict.fromkeys(derived))
        return tuple(header)

    def choose_columns(self, dest: str, names: Iterable[str]) -> str | None:
        """The raw value for picking ``names``, as the flag takes it (a name with a comma quoted);
        None when it is the feature config's own choice."""
        picked = tuple(dict.fromkeys(names))
        base = self.base_config()
        if not picked or (base is not None and set(picked) == set(config_columns(base, dest))):
            return None
        return join_columns(picked)

    def set_header(self, columns: Iterable[str], numeric: Iterable[str] = ()) -> dict[str, tuple[str, ...]]:
        """The data file was read: keep the chosen columns it has and return, per field, those it lacks.

        A choice the file lacks entirely falls back to the feature config's (it may fit this file);
        a feature config's choice that fits nothing stays and the check asks to pick columns.  Numeric
        columns of the feature config the file lacks are kept (the run reads them as 0).
        """
        self.header = tuple(str(c) for c in columns)
        self.numeric_header = tuple(str(c) for c in numeric)
        self.set_extra_error("reading", "")
        dropped: dict[str, tuple[str, ...]] = {}
        for dest in COLUMN_FIELDS:
            explicit = not is_blank(self.values.get(dest)) and dest not in self.errors
            if dest == "numeric_columns" and not explicit:
                continue
            options = set(self.column_options(dest))
            chosen = self.chosen_columns(dest)
            kept = tuple(c for c in chosen if c in options)
            lost = tuple(c for c in chosen if c not in options)
            if not lost or (not kept and not explicit):
                continue
            dropped[dest] = lost
            self.set(dest, self.choose_columns(dest, kept), recheck=False)
        self.recheck_columns()
        return dropped

    def set_extra_error(self, key: str, message: str) -> None:
        if message:
            self.extra_errors[key] = message
        else:
            self.extra_errors.pop(key, None)

    def first_error(self, dests: Iterable[str] | None = None) -> tuple[str, str] | None:
        """(field, message) of the first invalid field, in form order (a step's checks after its fields)."""
        if dests is not None:
            order = list(dests)
        else:
            order = [dest for step, _ in STEPS for dest in STEP_FIELDS[step] + STEP_CHECKS.get(step, ())]
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
        return self.first_error(STEP_FIELDS.get(step, ()) + STEP_CHECKS.get(step, ()))

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
    if dest in CHECK_LABELS:
        return CHECK_LABELS[dest]
    spec = SPECS.get(dest)
    return spec.label if spec else dest.replace("_", " ").capitalize()


def group_title(group: str) -> str:
    return GROUP_TITLES.get(group, group.title())
