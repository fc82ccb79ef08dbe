"""Save a trained model and its metadata, atomically, with a ``_latest`` copy of each."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import joblib

from nexusml.core.components.io import atomic_path, atomic_write_text, directory_lock, sha256_file


@dataclass(frozen=True)
class SavedModel:
    model_path: Path
    metadata_path: Path
    latest_model_path: Path
    latest_metadata_path: Path
    sha256: str


def metadata_path_for(model_path: Path | str) -> Path:
    model_path = Path(model_path)
    return model_path.with_name(f"{model_path.stem}_metadata.json")


def timestamp(now: datetime | None = None) -> str:
    return (now or datetime.now()).strftime("%Y%m%d_%H%M%S")


def _claim_name(output_dir: Path, model_name: str, stamp: str) -> Path:
    """Reserve ``{name}_{stamp}.pkl`` (``_2``, ``_3``... when a concurrent run holds it)."""
    n = 1
    while True:
        stem = f"{model_name}_{stamp}" if n == 1 else f"{model_name}_{stamp}_{n}"
        path = output_dir / f"{stem}.pkl"
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            n += 1
            continue
        os.close(fd)
        return path


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=False, default=str) + "\n"


def save_model(model: Any, metadata: dict[str, Any], output_dir: Path, model_name: str, stamp: str) -> SavedModel:
    """Write the model and metadata files; nothing is left behind if anything fails."""
    output_dir.mkdir(parents=True, exist_ok=True)
    model_path = _claim_name(output_dir, model_name, stamp)
    meta_path = metadata_path_for(model_path)
    written: list[Path] = []
    try:
        with atomic_path(model_path) as tmp:
            joblib.dump(model, tmp, compress=3)
        written.append(model_path)
        digest = sha256_file(model_path)
        metadata = dict(metadata, model_file=model_path.name, model_sha256=digest)
        atomic_write_text(meta_path, to_json(metadata))
        written.append(meta_path)
        latest_model = output_dir / f"{model_name}_latest.pkl"
        latest_meta = metadata_path_for(latest_model)
        latest_text = to_json(dict(metadata, model_file=latest_model.name))
        with directory_lock(output_dir, model_name):
            # Both temporary files are complete before either is renamed into place.
            with atomic_path(latest_model) as tmp_model, atomic_path(latest_meta) as tmp_meta:
                shutil.copyfile(model_path, tmp_model)
                tmp_meta.write_text(latest_text, encoding="utf-8")
    except BaseException:
        for path in (model_path, meta_path):
            if path.exists() and (path in written or path == model_path):
                path.unlink(missing_ok=True)
        raise
    return SavedModel(model_path, meta_path, latest_model, latest_meta, digest)
