"""Reference configuration: code lists and the service-life table.

A YAML file of paths (relative paths are resolved against the file's folder)::

    omniclass: reference/omniclass.csv        # columns: code, title
    uniformat: reference/uniformat.csv
    masterformat: reference/masterformat.csv
    service_life: reference/service_life.csv  # columns: category_name, service_life_years
    code_columns:                             # which data column each code list checks
      omniclass: omniclass_code
      uniformat: uniformat_code
      masterformat: masterformat_code
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nexusml.config.loading import ConfigError, read_yaml

CODE_LISTS = ("omniclass", "uniformat", "masterformat")
DEFAULT_CODE_COLUMNS = {
    "omniclass": "omniclass_code",
    "uniformat": "uniformat_code",
    "masterformat": "masterformat_code",
}


@dataclass(frozen=True)
class ReferenceConfig:
    code_lists: dict[str, Path] = field(default_factory=dict)
    code_columns: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_CODE_COLUMNS))
    service_life: Path | None = None
    source: str = "<built-in>"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code_lists": {k: str(v) for k, v in self.code_lists.items()},
            "code_columns": dict(self.code_columns),
            "service_life": str(self.service_life) if self.service_life else None,
            "source": self.source,
        }


def reference_config_from_dict(data: Any, base: Path, source: str) -> ReferenceConfig:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping at the top level, got {type(data).__name__}")
    allowed = set(CODE_LISTS) | {"service_life", "code_columns"}
    for key in data:
        if key not in allowed:
            raise ConfigError(f"{source}: unknown key '{key}'; expected one of {', '.join(sorted(allowed))}")

    def as_path(key: str) -> Path | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{source}: '{key}' must be a file path, got {value!r}")
        path = Path(value).expanduser()
        return (path if path.is_absolute() else base / path).resolve()

    columns = dict(DEFAULT_CODE_COLUMNS)
    raw_columns = data.get("code_columns")
    if raw_columns is not None:
        if not isinstance(raw_columns, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in raw_columns.items()
        ):
            raise ConfigError(f"{source}: 'code_columns' must map code-list names to column names")
        columns.update(raw_columns)
    lists = {name: p for name in CODE_LISTS if (p := as_path(name)) is not None}
    return ReferenceConfig(code_lists=lists, code_columns=columns, service_life=as_path("service_life"), source=source)


def default_reference_config_path() -> Path:
    return Path(__file__).resolve().parent / "defaults" / "reference_config.yml"


def load_reference_config(path: Path | str | None = None) -> ReferenceConfig:
    """Load a reference config file (``None``: the bundled default)."""
    path = Path(path) if path is not None else default_reference_config_path()
    return reference_config_from_dict(read_yaml(path), path.resolve().parent, str(path))
