"""Validators of the training arguments, and the error they raise.

A validator takes a raw value (a string typed by a user, a value read from a
YAML file or a flag's constant) and returns the normalized value, or raises
:class:`ArgumentError` naming the field and how to fix it.  Validators never
create, write or change anything.

Only the standard library is imported here (config files are parsed on demand).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from nexusml.errors import NexusMLError

DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".parquet", ".pq")

TRUE_WORDS = frozenset({"1", "true", "yes", "on", "y", "t"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", "n", "f", ""})
_MODEL_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_SCHEDULER_RE = re.compile(r"^(tcp|tls|ucx|inproc|ws|wss)://[^\s/]+(:\d+)?/?$|^[A-Za-z0-9._-]+:\d+$")


class ArgumentError(NexusMLError, ValueError):
    """A bad argument value: names the field and says how to fix it."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{flag_for(field)}: {message}")


def flag_for(dest: str) -> str:
    """The flag of an argument: every spec's first flag is its name with dashes (a test checks it)."""
    return "--" + dest.replace("_", "-")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def shown(value: Any, limit: int = 40) -> str:
    """A value as an error message quotes it: printable, and cut short (a line stays readable)."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(value))
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def validate_bool(value: Any, field: str) -> bool:
    """The one reading of a switch value: flags, ``--config`` files and the wizard's switches all use it."""
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ArgumentError(field, f"'{shown(value)}' is not true or false")


def validate_data_path(value: Any, field: str = "data_path") -> Path:
    text = _text(value)
    if not text:
        raise ArgumentError(field, "is empty; give the path of a CSV, Excel or Parquet file")
    path = Path(text).expanduser()
    if not path.exists():
        raise ArgumentError(field, f"file not found: {text}; check the path")
    if path.is_dir():
        raise ArgumentError(field, f"{text} is a directory; give a CSV, Excel or Parquet file inside it")
    if not path.is_file():
        raise ArgumentError(field, f"{text} is not a regular file (a pipe or a device); give a data file")
    if path.suffix.lower() not in DATA_SUFFIXES:
        raise ArgumentError(
            field,
            f"{text} has an unsupported extension '{path.suffix}'; use one of {', '.join(DATA_SUFFIXES)}",
        )
    if not os.access(path, os.R_OK):
        raise ArgumentError(field, f"{text} is not readable; check its permissions")
    return path


def _existing_yaml(value: Any, field: str) -> Path | None:
    text = _text(value)
    if not text:
        return None
    path = Path(text).expanduser()
    if not path.exists():
        raise ArgumentError(field, f"file not found: {text}; check the path or leave it empty for the default")
    if path.is_dir():
        raise ArgumentError(field, f"{text} is a directory; give a YAML file")
    return path


def _checked_yaml(value: Any, field: str, load: Callable[[Path], Any]) -> Path | None:
    """An existing YAML file that ``load`` reads without a ``ConfigError`` (``None`` for the default)."""
    path = _existing_yaml(value, field)
    if path is not None:
        from nexusml.config import ConfigError

        try:
            load(path)
        except ConfigError as exc:
            raise ArgumentError(field, str(exc)) from None
    return path


def validate_feature_config(value: Any, field: str = "feature_config") -> Path | None:
    from nexusml.config import load_feature_config

    return _checked_yaml(value, field, load_feature_config)


def validate_reference_config(value: Any, field: str = "reference_config") -> Path | None:
    from nexusml.config import load_reference_config

    return _checked_yaml(value, field, load_reference_config)


def validate_config_file(value: Any, field: str = "config") -> Path | None:
    return _existing_yaml(value, field)


def validate_test_size(value: Any, field: str = "test_size") -> float:
    text = _text(value)
    try:
        number = float(text)
    except ValueError:
        raise ArgumentError(field, f"'{shown(text)}' is not a number; use a fraction such as 0.3") from None
    if not 0.0 < number < 1.0:
        raise ArgumentError(
            field, f"must be between 0 and 1 (exclusive), got {shown(text)}; use a fraction such as 0.3"
        )
    return number


def validate_columns(value: Any, field: str) -> tuple[str, ...] | None:
    """Column names: a list (YAML, a repeated flag) or one comma-separated string; ``None`` when empty.

    A name that holds a comma goes in double quotes (``Asset Name,"Trade, Group"``),
    as in a CSV line.
    """
    import csv

    items = value if isinstance(value, list | tuple) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise ArgumentError(field, f"'{shown(item)}' is not a column name; give names separated by commas")
        for name in next(csv.reader([str(item)], skipinitialspace=True), []):
            name = name.strip()
            if not name:
                raise ArgumentError(field, f"'{shown(item)}' holds an empty column name; remove the extra comma")
            if name not in names:
                names.append(name)
    return tuple(names) or None


def join_columns(names: Iterable[str]) -> str:
    """Column names as one comma-separated value that :func:`validate_columns` reads back."""
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(list(names))
    return buffer.getvalue()


def listed_columns(names: Iterable[str]) -> str:
    """Column names for people to read, joined by ", "; a name with a comma in it quoted as --text-columns reads it."""
    return ", ".join(join_columns([name]) for name in names)


def validate_auto_precision(value: Any, field: str = "auto_precision") -> float:
    text = _text(value)
    try:
        number = float(text)
    except ValueError:
        raise ArgumentError(field, f"'{shown(text)}' is not a number; use a precision such as 0.95") from None
    if not 0.0 < number <= 1.0:
        raise ArgumentError(field, f"must be above 0 and at most 1, got {shown(text)}; use a precision such as 0.95")
    return number


def _integer(value: Any, field: str) -> int:
    if isinstance(value, bool):
        raise ArgumentError(field, f"'{shown(value)}' is not a whole number")
    text = _text(value)
    if len(text) > 20:  # far outside every range here; int() of thousands of digits is refused by Python
        raise ArgumentError(field, f"'{shown(text)}' is far too large a number")
    try:
        return int(text)
    except ValueError:
        raise ArgumentError(field, f"'{shown(text)}' is not a whole number") from None


def validate_random_state(value: Any, field: str = "random_state") -> int:
    number = _integer(value, field)
    if not 0 <= number < 2**32:
        raise ArgumentError(field, f"must be between 0 and 4294967295, got {shown(number)}")
    return number


def validate_n_jobs(value: Any, field: str = "n_jobs") -> int:
    number = _integer(value, field)
    if number == 0 or number < -1:
        raise ArgumentError(field, f"must be -1 (all cores) or a positive number of cores, got {shown(number)}")
    return number


def validate_max_classes(value: Any, field: str = "max_classes") -> int:
    number = _integer(value, field)
    if not 2 <= number <= 1_000_000:
        raise ArgumentError(field, f"must be between 2 and 1000000, got {shown(number)}")
    return number


def validate_cv_folds(value: Any, field: str = "cv_folds") -> int:
    number = _integer(value, field)
    if not 2 <= number <= 20:
        raise ArgumentError(field, f"must be between 2 and 20, got {shown(number)}")
    return number


def choice_validator(choices: Iterable[str], *, upper: bool = False) -> Callable[[Any, str], str]:
    """A validator accepting one of ``choices`` in any letter case."""
    options = tuple(choices)

    def validate(value: Any, field: str) -> str:
        text = _text(value)
        text = text.upper() if upper else text.lower()
        if text not in options:
            raise ArgumentError(field, f"invalid choice '{shown(value)}'; choose from {', '.join(options)}")
        return text

    return validate


def validate_output_dir(value: Any, field: str = "output_dir") -> Path:
    text = _text(value)
    if not text:
        raise ArgumentError(field, "is empty; give a directory for the saved models")
    path = Path(text).expanduser()
    if path.exists() and not path.is_dir():
        raise ArgumentError(field, f"{text} is a file, not a directory; choose another output directory")
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise ArgumentError(field, f"{probe} is a file, so {text} cannot be created; choose another directory")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ArgumentError(field, f"{probe} is not writable; choose a directory you can write to")
    return path


def validate_model_name(value: Any, field: str = "model_name") -> str:
    if not isinstance(value, str):  # a YAML date or number; a name is text
        raise ArgumentError(field, f"'{shown(value)}' is not text; put the name in quotes in the config file")
    text = _text(value)
    if not text:
        raise ArgumentError(field, "is empty; give a file-safe name such as equipment_classifier")
    if "/" in text or "\\" in text or text in {".", ".."}:
        raise ArgumentError(
            field, f"'{shown(text)}' looks like a path; give a plain name and put the folder in --output-dir"
        )
    if not _MODEL_NAME_RE.match(text):
        raise ArgumentError(
            field, f"'{shown(text)}' is not a safe file name; use letters, digits, '.', '_' or '-' (at most 100)"
        )
    return text


def validate_sheet(value: Any, field: str = "sheet") -> str | int | None:
    text = _text(value)
    if not text:
        return None
    return int(text) if text.isascii() and text.isdigit() else text


def validate_group_column(value: Any, field: str = "group_column") -> str | None:
    """One column name (``None`` when blank); a list of names is refused."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ArgumentError(field, f"'{shown(value)}' is not a column name; give one column")
    text = str(value).strip()
    return text or None


def validate_dask_scheduler(value: Any, field: str = "dask_scheduler") -> str | None:
    text = _text(value)
    if not text:
        return None
    if text.lower() == "local":
        return "local"
    if not _SCHEDULER_RE.match(text):
        raise ArgumentError(field, f"'{shown(text)}' is not a scheduler address; use tcp://HOST:PORT or 'local'")
    return text


def validate_text_encoder(value: Any, field: str = "text_encoder") -> str | None:
    """A sentence encoder's folder or cached name (``None`` for blank or ``none``); the extra must be installed."""
    text = _text(value)
    if not text or text.lower() == "none":
        return None
    from nexusml.features import sentence_encoder

    if not sentence_encoder.extra_installed():
        raise ArgumentError(field, sentence_encoder.MISSING_EXTRA)
    try:
        sentence_encoder.resolve(text)
    except sentence_encoder.EncoderError as exc:
        raise ArgumentError(field, str(exc)) from None
    return text


def validate_model_file(value: Any, field: str = "predict") -> Path | None:
    """A saved model file to open in the wizard's Predict screen (``None`` when blank)."""
    text = str(value).strip()
    if not text:
        return None
    path = Path(text).expanduser()
    if not path.is_file():
        raise ArgumentError(field, f"{shown(text)} not found; give the path of a saved model (.skops)")
    return path
