"""Save a trained model and its metadata, atomically, with a ``_latest`` copy of each.

The model is a ``.skops`` file (``model_format``): loading it builds only the
types a NexusML model holds, so a model file handed over by someone else cannot
run code.  The sha256 of the bytes written goes into the metadata.

``python -m nexusml.store.serializer OLD.pkl`` re-saves a pickled model
from an earlier version (only for files you trust: loading a pickle can run code).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import logging
import os
import shutil
import signal
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from nexusml.store import model_format
from nexusml.store.io import (
    atomic_path,
    claim_unique_path,
    directory_lock,
    release_claim,
)
from nexusml.store.layout import MODEL_SUFFIX, PICKLE_SUFFIX, OutputLayout, metadata_path_for, report_path_for

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SavedModel:
    model_path: Path
    metadata_path: Path
    latest_model_path: Path
    latest_metadata_path: Path
    sha256: str
    metadata: dict[str, Any] = field(default_factory=dict, compare=False)  # as written beside the model

    def report_path(self, suffix: str) -> Path | None:
        """The report file saved with the model under ``suffix`` (``None`` if there is none)."""
        name = self.metadata.get("report_files", {}).get(suffix)
        return self.model_path.with_name(name) if name else None


def timestamp(now: datetime | None = None) -> str:
    return (now or datetime.now()).strftime("%Y%m%d_%H%M%S")


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=False, default=str) + "\n"


class _HashingWriter:
    """A binary file wrapper that feeds every written byte to a sha256."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def write(self, data) -> int:
        self.digest.update(data)
        return self.handle.write(data)


def dump_model(model: Any, path: Path) -> str:
    """Write ``model`` to ``path`` in the skops format (``model_format``); returns the file's sha256."""
    data = model_format.dumps(model)
    with open(path, "wb") as handle:
        writer = _HashingWriter(handle)
        writer.write(data)
    return writer.digest.hexdigest()


def _link_or_copy(source: Path, destination: Path) -> None:
    """Make ``destination`` (an existing temporary file) hold ``source``'s bytes.

    A hard link costs nothing and is safe because saved files are only ever
    replaced by rename, never written in place; a copy is the fallback where
    links are not possible.
    """
    try:
        destination.unlink()
        os.link(source, destination)
    except OSError:
        shutil.copyfile(source, destination)


def _retire_latest_pickle(path: Path) -> None:
    """Remove the ``_latest.pkl`` of an earlier version: it is no longer the latest model.

    It is only removed when it is a hard link (its timestamped file holds the same
    bytes); a lone copy is left where it is, with a warning.
    """
    try:
        if path.stat().st_nlink > 1:
            path.unlink()
        else:
            log.warning("%s is a model of an earlier run, no longer the latest; remove it or rename it", path)
    except OSError:
        pass


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM (in the main thread) until the block is done, then deliver them."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def save_model(
    model: Any,
    metadata: dict[str, Any],
    output_dir: Path,
    model_name: str,
    stamp: str,
    reports: dict[str, str] | None = None,
) -> SavedModel:
    """Write the model and metadata files; nothing is left behind if anything fails.

    ``reports`` maps a suffix to a text file saved beside them (``{"errors.csv": ...}``
    gives ``{model}_errors.csv`` and ``{name}_latest_errors.csv``), renamed into
    place together with the model and metadata.
    """
    reports = dict(reports or {})
    layout = OutputLayout(output_dir, model_name)
    output_dir.mkdir(parents=True, exist_ok=True)
    model_path = claim_unique_path(output_dir, layout.run_stem(stamp), MODEL_SUFFIX)
    meta_path = metadata_path_for(model_path)
    report_paths = {suffix: report_path_for(model_path, suffix) for suffix in reports}
    written: list[Path] = []
    try:
        # Every file is complete before any is renamed into place; the metadata is renamed last
        # (the files are renamed in the reverse order they were opened), so a metadata file always
        # describes a model that is there.  ctrl+c and SIGTERM wait until the renames are done.
        with _signals_held(), contextlib.ExitStack() as files:
            tmp_meta = files.enter_context(atomic_path(meta_path))
            tmp_model = files.enter_context(atomic_path(model_path))
            for suffix, path in report_paths.items():
                files.enter_context(atomic_path(path)).write_text(reports[suffix], encoding="utf-8")
            digest = dump_model(model, tmp_model)
            metadata = dict(metadata, model_file=model_path.name, model_sha256=digest)
            metadata["report_files"] = {suffix: path.name for suffix, path in report_paths.items()}
            tmp_meta.write_text(to_json(metadata), encoding="utf-8")
        written += [model_path, meta_path, *report_paths.values()]
        latest_model = layout.latest_model()
        latest_meta = metadata_path_for(latest_model)
        latest_reports = {suffix: report_path_for(latest_model, suffix) for suffix in reports}
        # The latest metadata names the run's own model (latest_of): it is the commit point of
        # _latest.  Killed between the renames, the old metadata still names the old run's model,
        # which is whole, and the loader takes that one (see nexusml.store.load.load_model).
        latest = dict(metadata, model_file=latest_model.name, latest_of=model_path.name)
        latest["report_files"] = {suffix: path.name for suffix, path in latest_reports.items()}
        with _signals_held(), contextlib.ExitStack() as files:
            files.enter_context(directory_lock(output_dir, model_name))
            tmp_meta = files.enter_context(atomic_path(latest_meta))
            tmp_model = files.enter_context(atomic_path(latest_model))
            for suffix, path in latest_reports.items():
                _link_or_copy(report_paths[suffix], files.enter_context(atomic_path(path)))
            _link_or_copy(model_path, tmp_model)
            tmp_meta.write_text(to_json(latest), encoding="utf-8")
        _retire_latest_pickle(layout.latest_model(PICKLE_SUFFIX))
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    finally:
        release_claim(model_path)
    return SavedModel(model_path, meta_path, latest_model, latest_meta, digest, metadata)


def resave_model(path: Path | str) -> SavedModel:
    """Re-save the pickled model ``path`` of an earlier version as ``.skops`` beside it.

    Loading the pickle runs whatever it holds: only for files you made.  The
    metadata beside it (when readable) is kept, with the new file and sha256.
    """
    from nexusml.store.load import ModelLoadError, load_model, read_metadata

    path = Path(path)
    model = load_model(path, trust=True)
    try:
        metadata = read_metadata(path)
    except ModelLoadError:
        metadata = {}
    target = path.with_suffix(MODEL_SUFFIX)
    if target.exists():
        raise FileExistsError(f"{target} already exists")
    meta_path = metadata_path_for(target)
    with atomic_path(target) as tmp_model, atomic_path(meta_path) as tmp_meta:
        digest = dump_model(model, tmp_model)
        metadata = dict(metadata, model_file=target.name, model_sha256=digest, resaved_from=path.name)
        tmp_meta.write_text(to_json(metadata), encoding="utf-8")
    return SavedModel(target, meta_path, target, meta_path, digest, metadata)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m nexusml.store.serializer",
        description=(
            "Re-save pickled models of earlier NexusML versions as .skops files, which load without running "
            "code. Loading a pickle can run code: only re-save files you made."
        ),
    )
    parser.add_argument("models", nargs="+", metavar="MODEL.pkl", help="Pickled model files (the .skops goes beside)")
    ns = parser.parse_args(argv)
    from nexusml.errors import NexusMLError

    failed = 0
    for name in ns.models:
        try:
            saved = resave_model(name)
        except (NexusMLError, OSError) as exc:
            print(f"{parser.prog}: error: {name}: {exc}", file=sys.stderr)
            failed = 1
            continue
        print(f"{name} -> {saved.model_path}")
    return failed


if __name__ == "__main__":
    sys.exit(main())
