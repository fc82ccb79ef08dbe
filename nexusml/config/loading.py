"""Safe YAML reading shared by every config file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nexusml.errors import NexusMLError


class ConfigError(NexusMLError, ValueError):
    """A configuration problem: names the file, the key and what was expected."""


def read_yaml(path: Path) -> Any:
    """Parse a YAML file with ``safe_load`` (no tag can build a Python object)."""
    import yaml

    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, expected a YAML file") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a text file (not UTF-8); expected YAML") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        return yaml.safe_load(text)
    except yaml.constructor.ConstructorError as exc:
        raise ConfigError(
            f"{path}: unsupported YAML tag {exc.problem.split()[-1] if exc.problem else ''}; "
            "config files hold plain values only"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise ConfigError(f"{path}: invalid YAML{at}: {problem}") from None
