"""Bounded reads of the small files NexusML trusts least: configs, settings, code lists, metadata.

Any file a user (or someone who hands them a folder) controls can be a pipe that
never ends, a link to ``/dev/zero``, a huge file or JSON nested ten thousand deep.
:func:`read_regular` reads only a regular file, at most ``limit`` bytes, opening it
without blocking (a file swapped for a pipe after the check does not hang the
read); :func:`read_json_object` adds a JSON object of bounded depth.  Each refusal
is one line naming the file.  Training data has its own reader (``loader``), with
the same rules and progress reports.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from nexusml.errors import NexusMLError

MAX_JSON_DEPTH = 64
# A model's _metadata.json (per-class figures of a few thousand classes fit in a few MB).
MAX_METADATA_BYTES = 50 * 2**20


class FileReadError(NexusMLError):
    """A file that cannot be read as it should be; the message names it and says why."""


def read_regular(path: Path | str, limit: int, what: str) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes (``what`` names it in a refusal)."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise FileReadError(f"{path}: file not found") from None
    except OSError as exc:
        raise FileReadError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "a device, pipe or socket"
        raise FileReadError(f"{path} is not a regular file ({kind}); expected {what}")
    if info.st_size > limit:
        raise FileReadError(f"{path} is {info.st_size:,} bytes; {what} is at most {_size(limit)}")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise FileReadError(f"{path} is not a regular file; expected {what}")
            data = handle.read(limit + 1)
    except OSError as exc:
        raise FileReadError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise FileReadError(f"{path} grew while it was read; {what} is at most {_size(limit)}")
    return data


def read_json_object(path: Path | str, limit: int, what: str) -> dict[str, Any]:
    """A JSON object from ``path`` (read by :func:`read_regular`), nested at most ``MAX_JSON_DEPTH`` deep."""
    raw = read_regular(path, limit, what)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else "nested too deeply"
        raise FileReadError(f"{path} is not readable JSON ({reason})") from None
    if not isinstance(data, dict):
        raise FileReadError(f"{path} holds a JSON {_json_kind(data)}, not an object; it is not {what}")
    if _depth(data) > MAX_JSON_DEPTH:
        raise FileReadError(f"{path} is nested deeper than {MAX_JSON_DEPTH} levels; it is not {what}")
    return data


def _depth(value: Any) -> int:
    """How deeply ``value`` nests (iterative: a deep value cannot exhaust the stack here)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        deepest = max(deepest, level)
        if level > MAX_JSON_DEPTH:
            return level
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        pending.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _json_kind(value: Any) -> str:
    kinds = {list: "list", str: "string", bool: "boolean", int: "number", float: "number", type(None): "null"}
    return kinds.get(type(value), type(value).__name__)


def _size(limit: int) -> str:
    return f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit // 1024} KB"
