"""Safe YAML reading shared by every config file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nexusml.errors import NexusMLError


class ConfigError(NexusMLError, ValueError):
    """A configuration problem: names the file, the key and what was expected."""


# Config files are a few hundred bytes; these bounds only stop files built to exhaust memory or the stack.
MAX_YAML_BYTES = 1 << 20
MAX_YAML_DEPTH = 20
MAX_YAML_VALUES = 100_000  # values after anchors and aliases are expanded ("billion laughs")


def read_yaml(path: Path) -> Any:
    """Parse a YAML file with ``safe_load`` (no tag can build a Python object), within bounds.

    Refused, each with one line naming the file: a file over ``MAX_YAML_BYTES``
    or that is not a regular file, nesting deeper than ``MAX_YAML_DEPTH``, more
    than ``MAX_YAML_VALUES`` values once aliases are expanded, and numbers too
    long to read.
    """
    import yaml

    from nexusml.files import FileReadError, read_regular

    try:
        text = read_regular(path, MAX_YAML_BYTES, "a YAML file").decode("utf-8-sig")
    except FileReadError as exc:
        raise ConfigError(str(exc)) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a text file (not UTF-8); expected YAML") from None
    try:
        data = yaml.safe_load(text)
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply; config files hold plain values and short lists") from None
    except ValueError as exc:  # e.g. an integer with thousands of digits
        raise ConfigError(f"{path}: a value cannot be read ({str(exc).splitlines()[0][:80]})") from None
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
    _check_size(data, path)
    return data


def _check_size(data: Any, path: Path) -> None:
    """Walk the parsed value as a reader would (aliases visited each time): refuse huge or deep values."""
    seen = 0
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        seen += 1
        if seen > MAX_YAML_VALUES:
            raise ConfigError(f"{path}: expands to more than {MAX_YAML_VALUES:,} values (anchors and aliases); refused")
        if depth > MAX_YAML_DEPTH:
            raise ConfigError(f"{path}: nested deeper than {MAX_YAML_DEPTH} levels; config files hold plain values")
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for pair in value.items() for item in pair)
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
