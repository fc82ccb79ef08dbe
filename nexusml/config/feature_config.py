"""Feature configuration: which columns the model reads and which it predicts.

Read from YAML with ``yaml.safe_load`` into frozen dataclasses.  The format is
NexusML's ``feature_config.yml`` (``text_combinations``, ``numeric_columns``,
``hierarchies``, ``column_mappings``) plus ``targets:``.  Keys of that format
this project does not use (``classification_systems``, ``direct_mappings``,
``eav_integration``...) are accepted and ignored.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from nexusml.config.loading import ConfigError, read_yaml

DEFAULT_TARGETS = (
    "category_name",
    "uniformat_code",
    "mcaa_system_category",
    "Equipment_Type",
    "System_Subtype",
)
IGNORED_KEYS = frozenset(
    {"classification_systems", "direct_mappings", "eav_integration", "classification", "description"}
)
KNOWN_KEYS = frozenset(
    {"text_combinations", "numeric_columns", "hierarchies", "column_mappings", "targets", "text_column"}
)
_DTYPES = {"float": "float64", "float64": "float64", "float32": "float32", "int": "int64", "int64": "int64"}


@dataclass(frozen=True)
class TextCombination:
    name: str
    columns: tuple[str, ...]
    separator: str = " "


@dataclass(frozen=True)
class NumericColumn:
    name: str
    new_name: str
    fill_value: float = 0.0
    dtype: str = "float64"


@dataclass(frozen=True)
class Hierarchy:
    new_col: str
    parents: tuple[str, ...]
    separator: str = "-"


@dataclass(frozen=True)
class ColumnMapping:
    source: str
    target: str


@dataclass(frozen=True)
class FeatureConfig:
    text_combinations: tuple[TextCombination, ...]
    numeric_columns: tuple[NumericColumn, ...] = ()
    hierarchies: tuple[Hierarchy, ...] = ()
    column_mappings: tuple[ColumnMapping, ...] = ()
    targets: tuple[str, ...] = DEFAULT_TARGETS
    source: str = "<built-in>"
    ignored_keys: tuple[str, ...] = field(default=())
    # Targets the file listed as inputs too; they were taken out of the inputs (they would leak the answer).
    dropped_inputs: tuple[str, ...] = field(default=())

    @property
    def text_feature(self) -> str:
        """The text combination the model reads: ``combined_text``, or the only one."""
        names = [t.name for t in self.text_combinations]
        return "combined_text" if "combined_text" in names else names[0]

    @property
    def numeric_features(self) -> tuple[str, ...]:
        return tuple(n.new_name for n in self.numeric_columns)

    @property
    def derived_columns(self) -> set[str]:
        out = {t.name for t in self.text_combinations}
        out |= {n.new_name for n in self.numeric_columns}
        out |= {h.new_col for h in self.hierarchies}
        out |= {m.target for m in self.column_mappings}
        return out

    @property
    def input_columns(self) -> tuple[str, ...]:
        """Raw file columns the model's features are built from (mapped columns resolved)."""
        mapped = {m.target: m.source for m in self.column_mappings}
        wanted = [t for c in self.text_combinations if c.name == self.text_feature for t in c.columns]
        wanted += [n.name for n in self.numeric_columns]
        out: list[str] = []
        for col in wanted:
            col = mapped.get(col, col)
            if col not in out:
                out.append(col)
        return tuple(out)

    @property
    def is_bundled(self) -> bool:
        """Whether this is the bundled default config (the sample inventory's columns)."""
        return self.source == str(default_feature_config_path())

    def with_columns(
        self,
        targets: tuple[str, ...] | None = None,
        text_columns: tuple[str, ...] | None = None,
        numeric_columns: tuple[str, ...] | None = None,
    ) -> FeatureConfig:
        """This config with the targets, the text the model reads or its numeric columns replaced.

        ``text_columns`` become the columns of the text combination the model
        reads; ``numeric_columns`` are read as numbers (missing values 0); with
        the bundled config, naming the text columns and no numeric columns reads
        none.  A target that is also an input is taken out of the inputs
        (:attr:`dropped_inputs` names it).
        """
        config = self
        if text_columns is not None and numeric_columns is None and self.is_bundled:
            # The bundled config's numbers (service_life) belong to the sample; a file whose text columns
            # are named reads no numbers unless they are named too.
            numeric_columns = ()
        if targets is not None:
            config = replace(config, targets=tuple(targets))
        if text_columns is not None:
            name = config.text_feature
            texts = tuple(
                replace(c, columns=tuple(text_columns)) if c.name == name else c for c in config.text_combinations
            )
            config = replace(config, text_combinations=texts)
        if numeric_columns is not None:
            config = replace(config, numeric_columns=tuple(NumericColumn(c, c) for c in numeric_columns))
        return config._without_target_inputs()

    def _without_target_inputs(self) -> FeatureConfig:
        inputs = set(self.input_columns) | {m.source for m in self.column_mappings if m.target in self.input_columns}
        leaking = tuple(t for t in self.targets if t in inputs)
        if not leaking:
            return self
        mapped = {m.target: m.source for m in self.column_mappings}
        name = self.text_feature

        def kept(column: str) -> bool:
            return mapped.get(column, column) not in leaking

        texts = tuple(
            replace(c, columns=tuple(col for col in c.columns if kept(col))) if c.name == name else c
            for c in self.text_combinations
        )
        numerics = tuple(n for n in self.numeric_columns if kept(n.name))
        if not any(c.columns for c in texts if c.name == name):
            raise ConfigError(
                f"{self.source}: every text column the model reads is also a target ({', '.join(leaking)}); "
                "choose text columns that are not targets"
            )
        dropped = tuple(dict.fromkeys(self.dropped_inputs + leaking))
        return replace(self, text_combinations=texts, numeric_columns=numerics, dropped_inputs=dropped)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text_combinations": [
                {"name": t.name, "columns": list(t.columns), "separator": t.separator} for t in self.text_combinations
            ],
            "numeric_columns": [
                {"name": n.name, "new_name": n.new_name, "fill_value": n.fill_value, "dtype": n.dtype}
                for n in self.numeric_columns
            ],
            "hierarchies": [
                {"new_col": h.new_col, "parents": list(h.parents), "separator": h.separator} for h in self.hierarchies
            ],
            "column_mappings": [{"source": m.source, "target": m.target} for m in self.column_mappings],
            "targets": list(self.targets),
        }


def _err(source: str, key: str, expected: str, got: Any) -> ConfigError:
    shown = repr(got)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return ConfigError(f"{source}: '{key}' must be {expected}, got {shown}")


def _str(value: Any, source: str, key: str) -> str:
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
        return str(value)
    raise _err(source, key, "a non-empty string", value)


def _str_list(value: Any, source: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise _err(source, key, "a non-empty list of column names", value)
    return tuple(_str(v, source, f"{key}[{i}]") for i, v in enumerate(value))


def _entries(data: dict, key: str, source: str) -> list[dict]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise _err(source, key, "a list of mappings", value)
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise _err(source, f"{key}[{i}]", "a mapping", item)
    return value


def _separator(value: Any, source: str, key: str, default: str) -> str:
    if value is None:
        return default
    if not isinstance(value, str):
        raise _err(source, key, "a string", value)
    return value


def feature_config_from_dict(data: Any, source: str = "<dict>") -> FeatureConfig:
    """Build and validate a :class:`FeatureConfig` from parsed YAML."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping at the top level, got {type(data).__name__}")
    unknown = [k for k in data if k not in KNOWN_KEYS and k not in IGNORED_KEYS]
    if unknown:
        raise ConfigError(f"{source}: unknown key '{unknown[0]}'; expected one of {', '.join(sorted(KNOWN_KEYS))}")

    texts = []
    for i, item in enumerate(_entries(data, "text_combinations", source)):
        key = f"text_combinations[{i}]"
        texts.append(
            TextCombination(
                name=_str(item.get("name"), source, f"{key}.name"),
                columns=_str_list(item.get("columns"), source, f"{key}.columns"),
                separator=_separator(item.get("separator"), source, f"{key}.separator", " "),
            )
        )
    if not texts:
        raise ConfigError(f"{source}: 'text_combinations' must list at least one text combination")

    numerics = []
    for i, item in enumerate(_entries(data, "numeric_columns", source)):
        key = f"numeric_columns[{i}]"
        name = _str(item.get("name"), source, f"{key}.name")
        fill = item.get("fill_value", 0)
        if isinstance(fill, bool) or not isinstance(fill, (int, float)):
            raise _err(source, f"{key}.fill_value", "a number", fill)
        try:
            fill = float(fill)
        except OverflowError:
            raise _err(source, f"{key}.fill_value", "a number that fits a float", "a huge integer") from None
        dtype = str(item.get("dtype", "float")).lower()
        if dtype not in _DTYPES:
            raise _err(source, f"{key}.dtype", f"one of {', '.join(_DTYPES)}", item.get("dtype"))
        numerics.append(
            NumericColumn(
                name=name,
                new_name=_str(item.get("new_name", name), source, f"{key}.new_name"),
                fill_value=float(fill),
                dtype=_DTYPES[dtype],
            )
        )

    hierarchies = []
    for i, item in enumerate(_entries(data, "hierarchies", source)):
        key = f"hierarchies[{i}]"
        hierarchies.append(
            Hierarchy(
                new_col=_str(item.get("new_col"), source, f"{key}.new_col"),
                parents=_str_list(item.get("parents"), source, f"{key}.parents"),
                separator=_separator(item.get("separator"), source, f"{key}.separator", "-"),
            )
        )

    mappings = []
    for i, item in enumerate(_entries(data, "column_mappings", source)):
        key = f"column_mappings[{i}]"
        mappings.append(
            ColumnMapping(
                source=_str(item.get("source"), source, f"{key}.source"),
                target=_str(item.get("target"), source, f"{key}.target"),
            )
        )

    targets: tuple[str, ...] = DEFAULT_TARGETS
    if data.get("targets") is not None:
        targets = _str_list(data.get("targets"), source, "targets")
        if len(set(targets)) != len(targets):
            raise _err(source, "targets", "a list without duplicates", list(targets))

    config = FeatureConfig(
        text_combinations=tuple(texts),
        numeric_columns=tuple(numerics),
        hierarchies=tuple(hierarchies),
        column_mappings=tuple(mappings),
        targets=tuple(targets),
        source=source,
        ignored_keys=tuple(k for k in data if k in IGNORED_KEYS),
    )
    # The original NexusML config reads category_name and mcaa_system_category, which are also targets.
    return config._without_target_inputs()


_CACHE_SIZE = 32
_cache: dict[str, tuple[tuple[int, int, int], FeatureConfig]] = {}
_cache_lock = threading.Lock()


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """What tells one version of a file from the next: inode, modification time (ns) and size."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_ino, info.st_mtime_ns, info.st_size


def load_feature_config(path: Path | str | None = None) -> FeatureConfig:
    """Load a feature config file (``None``: the bundled default).

    A file is parsed once per version: the result is kept by path, modification
    time and size, so the wizard's validator and its summary of the same file
    share one parse, and a file changed on disk is read again.
    """
    path = Path(path) if path is not None else default_feature_config_path()
    key = str(path)
    stamp = _stamp(path)
    with _cache_lock:
        cached = _cache.get(key)
    if stamp is not None and cached is not None and cached[0] == stamp:
        return cached[1]
    config = feature_config_from_dict(read_yaml(path), key)
    if stamp is not None:
        with _cache_lock:
            _cache.pop(key, None)
            _cache[key] = (stamp, config)
            while len(_cache) > _CACHE_SIZE:
                del _cache[next(iter(_cache))]
    return config


def default_feature_config_path() -> Path:
    return Path(__file__).resolve().parent / "defaults" / "feature_config.yml"
