"""User settings of the wizard, persisted as YAML in the user's config directory."""

from __future__ import annotations

import logging
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from nexusml.options.training_args import LOG_LEVELS
from nexusml.options.validators import ArgumentError, validate_bool

log = logging.getLogger(__name__)

ENV_VAR = "NEXUSML_CONFIG_DIR"
FILE_NAME = "settings.yml"
DEFAULT_THEME = "textual-dark"


def config_dir() -> Path:
    """``$NEXUSML_CONFIG_DIR`` if set, else the platform's per-user config directory."""
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("nexusml"))


def default_settings_path() -> Path:
    return config_dir() / FILE_NAME


@dataclass(frozen=True)
class Settings:
    legacy: bool = False
    log_level: str = "INFO"
    theme: str = DEFAULT_THEME

    @property
    def training_path(self) -> str:
        return "legacy" if self.legacy else "orchestrator"

    def argument_values(self) -> dict[str, Any]:
        """The settings that are training arguments, the lowest source after the defaults."""
        return {"legacy": self.legacy, "log_level": self.log_level}

    def replace(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["training_path"] = self.training_path
        del out["legacy"]
        return out


def _coerce(data: Any) -> Settings:
    """Settings from parsed YAML; unknown keys and bad values fall back to the defaults."""
    if not isinstance(data, dict):
        return Settings()
    base = Settings()
    legacy = base.legacy
    path = str(data.get("training_path", "")).strip().lower()
    if path in {"legacy", "orchestrator"}:
        legacy = path == "legacy"
    elif data.get("legacy") is not None:
        try:
            legacy = validate_bool(data["legacy"], "legacy")
        except ArgumentError:
            legacy = base.legacy
    level = str(data.get("log_level", base.log_level)).strip().upper()
    if level not in LOG_LEVELS:
        level = base.log_level
    theme = data.get("theme", base.theme)
    theme = theme.strip() if isinstance(theme, str) and theme.strip() else base.theme
    return Settings(legacy=legacy, log_level=level, theme=theme)


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file; a missing or unreadable file gives the defaults.

    It is read by the bounded YAML reader every config file goes through: a pipe,
    a huge file, an alias bomb or deep nesting is refused at once (and the
    defaults are used) instead of hanging the wizard before it shows.
    """
    from nexusml.config.loading import ConfigError, read_yaml

    path = path or default_settings_path()
    if not path.exists():
        return Settings()
    try:
        data = read_yaml(path)
    except ConfigError as exc:
        log.warning("Settings not read, using the defaults: %s", exc)
        return Settings()
    return _coerce(data)


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings atomically (a temporary file renamed over the old one).

    A settings file that is a symlink (dotfiles kept in a repository) is written where it
    points, so the link stays; the atomic writer refuses to replace a link itself.
    """
    import yaml

    from nexusml.store.io import atomic_write_text

    path = path or default_settings_path()
    if path.is_symlink():
        path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "# nexusml training wizard settings\n" + yaml.safe_dump(settings.to_dict(), sort_keys=False)
    return atomic_write_text(path, text)


SETTING_FIELDS = tuple(f.name for f in fields(Settings))
