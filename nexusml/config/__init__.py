"""Feature and reference configuration (YAML read with ``safe_load`` into frozen dataclasses)."""

from nexusml.config.feature_config import (
    DEFAULT_TARGETS,
    ColumnMapping,
    FeatureConfig,
    Hierarchy,
    NumericColumn,
    TextCombination,
    default_feature_config_path,
    feature_config_from_dict,
    load_feature_config,
)
from nexusml.config.loading import ConfigError, read_yaml
from nexusml.config.reference_config import (
    ReferenceConfig,
    default_reference_config_path,
    load_reference_config,
)

__all__ = [
    "DEFAULT_TARGETS",
    "ColumnMapping",
    "ConfigError",
    "FeatureConfig",
    "Hierarchy",
    "NumericColumn",
    "ReferenceConfig",
    "TextCombination",
    "default_feature_config_path",
    "default_reference_config_path",
    "feature_config_from_dict",
    "load_feature_config",
    "load_reference_config",
    "read_yaml",
]
