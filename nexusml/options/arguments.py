"""The validated values of every training argument, derived from the spec in ``training_args``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from nexusml.data import bundled_data_path
from nexusml.options.training_args import ARGUMENTS, SPECS


@dataclass(frozen=True)
class TrainingArguments:
    """Validated, normalized values of every training argument (defaults from :data:`ARGUMENTS`)."""

    data_path: Path | None = SPECS["data_path"].typed_default
    sheet: str | int | None = SPECS["sheet"].typed_default
    feature_config: Path | None = SPECS["feature_config"].typed_default
    reference_config: Path | None = SPECS["reference_config"].typed_default
    targets: tuple[str, ...] | None = SPECS["targets"].typed_default
    text_columns: tuple[str, ...] | None = SPECS["text_columns"].typed_default
    numeric_columns: tuple[str, ...] | None = SPECS["numeric_columns"].typed_default
    group_column: str | None = SPECS["group_column"].typed_default
    test_size: float = SPECS["test_size"].typed_default
    auto_precision: float = SPECS["auto_precision"].typed_default
    max_classes: int = SPECS["max_classes"].typed_default
    random_state: int = SPECS["random_state"].typed_default
    sampling_strategy: str = SPECS["sampling_strategy"].typed_default
    model_type: str = SPECS["model_type"].typed_default
    text_encoder: str | None = SPECS["text_encoder"].typed_default
    optimize: bool = SPECS["optimize"].typed_default
    cv_folds: int = SPECS["cv_folds"].typed_default
    n_jobs: int = SPECS["n_jobs"].typed_default
    dask_scheduler: str | None = SPECS["dask_scheduler"].typed_default
    suspects: bool | None = SPECS["suspects"].typed_default  # None: on up to suspects.AUTO_MAX_ROWS rows
    output_dir: Path = SPECS["output_dir"].typed_default
    model_name: str = SPECS["model_name"].typed_default
    visualize: bool = SPECS["visualize"].typed_default
    log_level: str = SPECS["log_level"].typed_default
    legacy: bool = SPECS["legacy"].typed_default
    use_orchestrator: bool = SPECS["use_orchestrator"].typed_default
    headless: bool = SPECS["headless"].typed_default
    config: Path | None = SPECS["config"].typed_default
    predict: Path | None = SPECS["predict"].typed_default

    @property
    def resolved_data_path(self) -> Path:
        return self.data_path if self.data_path is not None else bundled_data_path()

    def replace(self, **changes: Any) -> TrainingArguments:
        """A copy with some values changed, each checked by its validator."""
        values = self.to_dict()
        values.update(changes)
        return arguments_from_values(values)

    def to_dict(self) -> dict[str, Any]:
        """JSON- and YAML-friendly values (paths as strings, column lists as lists)."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            out[key] = str(value) if isinstance(value, Path) else list(value) if isinstance(value, tuple) else value
        return out


if {f.name for f in fields(TrainingArguments)} != set(SPECS):
    raise AssertionError("TrainingArguments and ARGUMENTS must declare the same fields")


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
