"""Atomic file writes, hashing and locks: a crash or ctrl+c never leaves a half-written file."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from filelock import FileLock, Timeout

from nexusml.errors import NexusMLError


class UnsafeDestination(NexusMLError, OSError):
    """The file to write exists and is not a regular file (a link, a device, a pipe): it is never replaced.

    Also an ``OSError``, so a caller that reports write failures reports this one too.
    """


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def sha256_file(path: Path | str) -> str:
    """The file's sha256, read in a stream (a large file is never held in memory)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


_KINDS = (
    (stat.S_ISLNK, "symlink"),
    (stat.S_ISCHR, "device"),
    (stat.S_ISBLK, "device"),
    (stat.S_ISFIFO, "pipe"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISDIR, "directory"),
)


def check_replaceable(path: Path | str) -> None:
    """Raise :class:`UnsafeDestination` when ``path`` exists and is not a regular file.

    Renaming a new file over a symlink replaces the link (its target keeps the old
    content), and over a device (``/dev/null``) replaces the device node: neither
    is what someone who named that path meant.  A path that does not exist, or
    cannot be examined, is left for the write itself to report.
    """
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "special file")
    raise UnsafeDestination(f"refusing to replace {kind} {path}: remove it or choose another path")


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; on success it replaces ``path``.

    On any exception (including KeyboardInterrupt) the temporary file is removed
    and ``path`` is left exactly as it was.  A ``path`` that exists and is not a
    regular file is refused before anything is written (:func:`check_replaceable`).
    """
    path = Path(path)
    check_replaceable(path)
    # The writer's pid is in the name, so a later run can tell the leftovers of a killed one.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=f".tmp{path.suffix}", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    os.chmod(tmp_path, 0o666 & ~_UMASK)  # mkstemp makes 0600; finished files get the usual mode
    try:
        yield tmp_path
        with open(tmp_path, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp_path, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def atomic_write(path: Path | str, write: Callable[[IO[bytes]], None]) -> Path:
    """Write through ``write(handle)`` into a temporary file, then rename it into place."""
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        write(handle)
    return Path(path)


def atomic_write_text(path: Path | str, text: str) -> Path:
    def write(handle: IO[bytes]) -> None:
        handle.write(text.encode("utf-8"))

    return atomic_write(path, write)


def claim_unique_path(directory: Path, stem: str, suffix: str) -> Path:
    """A path ``directory/stem{suffix}`` no other run will use (``stem_2``, ``stem_3``... if taken).

    The claim is a hidden marker file, so the real file only ever appears complete
    (renamed into place); call :func:`release_claim` once it is written or abandoned.
    """
    n = 1
    while True:
        path = Path(directory) / (f"{stem}{suffix}" if n == 1 else f"{stem}_{n}{suffix}")
        if not path.exists():
            try:
                fd = os.open(_claim_marker(path), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                pass
            else:
                os.write(fd, str(os.getpid()).encode())
                os.close(fd)
                if not path.exists():
                    return path
                release_claim(path)
        n += 1


def _claim_marker(path: Path) -> Path:
    return path.with_name(f".{path.name}.claim")


def release_claim(path: Path) -> None:
    with contextlib.suppress(OSError):
        _claim_marker(path).unlink()


LockTimeout = Timeout  # what directory_lock raises when another process holds the lock


@contextlib.contextmanager
def directory_lock(directory: Path, name: str, timeout: float = -1) -> Iterator[None]:
    """An exclusive lock on ``directory/.name.lock`` that serialises concurrent runs (POSIX and Windows).

    ``timeout`` (seconds; 0: do not wait) raises :class:`LockTimeout` when another process holds it that long.
    """
    with FileLock(Path(directory) / f".{name}.lock", timeout=timeout):
        yield


_TEMP_NAME = re.compile(r"^\..+\.(?P<pid>\d+)\.[^.]+\.tmp")
# A leftover whose writer cannot be named (written by an older version) is removed once it is this old.
UNNAMED_LEFTOVER_SECONDS = 24 * 3600


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` runs (this process does; one that cannot be checked counts as running)."""
    if pid == os.getpid() or os.name != "posix":  # on Windows os.kill(pid, 0) terminates the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process, or cannot tell: keep its files
    return True


def clean_leftovers(directory: Path, ours_only: bool = False) -> int:
    """Remove the temporary files and claim markers of runs that were killed; returns how many.

    A file whose writing process still runs is kept (a concurrent run is saving).
    ``ours_only`` (a user's own folder, where an export or a review file is
    written) removes only the temporary files this module names, with the pid
    of a process that no longer runs.
    """
    import time

    removed = 0
    try:
        entries = list(Path(directory).iterdir())
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        if not name.startswith(".") or not (".tmp" in name or name.endswith(".claim")):
            continue
        if ours_only and _TEMP_NAME.match(name) is None:
            continue
        pid: int | None = None
        if name.endswith(".claim"):
            with contextlib.suppress(OSError, ValueError):
                pid = int(entry.read_text(encoding="ascii").strip() or "x")
        elif match := _TEMP_NAME.match(name):
            pid = int(match["pid"])
        try:
            if pid is not None:
                stale = not process_alive(pid)
            else:
                stale = time.time() - entry.stat().st_mtime > UNNAMED_LEFTOVER_SECONDS
            if stale and entry.is_file():
                entry.unlink()
                removed += 1
        except OSError:
            continue
    return removed
