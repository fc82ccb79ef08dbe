"""Safe loading of a saved model: its sha256 checked against the metadata, then only the model's own types built."""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from pathlib import Path
from typing import Any

from nexusml.errors import NexusMLError
from nexusml.files import MAX_METADATA_BYTES, FileReadError, read_json_object
from nexusml.model.trained import TrainedModel, library_versions
from nexusml.store import model_format, renames
from nexusml.store.io import sha256_file
from nexusml.store.layout import MODEL_SUFFIX, metadata_path_for

log = logging.getLogger(__name__)


class ModelLoadError(NexusMLError):
    """The model file cannot be loaded safely; the message says why."""


PICKLE_WARNING = "pickle files can run code when they are loaded"


def read_metadata(model_path: Path) -> dict[str, Any]:
    """The model's ``_metadata.json``: a regular file of at most ``MAX_METADATA_BYTES``, holding a JSON object."""
    meta_path = metadata_path_for(model_path)
    if not meta_path.exists() and not meta_path.is_symlink():
        raise ModelLoadError(
            f"{model_path} has no metadata file ({meta_path.name}), so its sha256 cannot be checked; "
            "pass --trust (trust=True) only if you know where the file comes from"
        )
    try:
        return read_json_object(meta_path, MAX_METADATA_BYTES, "a metadata file")
    except FileReadError as exc:
        raise ModelLoadError(str(exc)) from None


def _committed_model(path: Path, metadata: dict[str, Any], data: bytes, digest: str) -> tuple[bytes, str]:
    """For a ``_latest`` model being replaced (or whose replacement was killed half-way): the model its
    metadata names.

    The metadata is renamed into place last, so it always names a whole model
    (``latest_of``, the run's timestamped file); the ``_latest`` model file itself
    may already be the next run's.
    """
    source = metadata.get("latest_of")
    if not isinstance(source, str) or Path(source).name != source:
        return data, digest
    committed = path.with_name(source)
    try:
        other = committed.read_bytes() if committed.is_file() else None
    except OSError:
        other = None
    if other is None:
        return data, digest
    found = hashlib.sha256(other).hexdigest()
    if found == metadata.get("model_sha256"):
        log.info("%s is being replaced; loaded %s, which its metadata names", path.name, committed.name)
        return other, found
    return data, digest


def load_model(path: Path | str, trust: bool = False) -> TrainedModel:
    """Load a saved model after checking its sha256 against the metadata.

    A ``.skops`` model (what ``save_model`` writes) builds only the types a NexusML
    model holds (``model_format``), so loading it runs no code from the file.
    A pickle (``.pkl``, or joblib) from an earlier version loads only with
    ``trust=True``: pickle files can run code when they are loaded.
    ``trust=True`` also skips the metadata and sha256 check (only trust files
    you made).  A model saved with other library versions loads with a warning
    naming both versions.  The file is read once: the bytes that were checked
    are the bytes that are loaded.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelLoadError(f"{path} not found; give the path of a saved {MODEL_SUFFIX} model")
    metadata: dict[str, Any] = {}
    if not trust:
        metadata = read_metadata(path)
    data = b""
    try:
        if not trust:
            # Checked in a stream first: a file that does not match (a 3 GB impostor) is refused without
            # being held in memory.  The bytes loaded are checked again, in case the file changed meanwhile.
            expected = metadata.get("model_sha256")
            actual = sha256_file(path)
            if expected == actual:
                data = path.read_bytes()
                actual = hashlib.sha256(data).hexdigest()
        else:
            data = path.read_bytes()
    except OSError as exc:
        raise ModelLoadError(f"{path} cannot be read ({exc.strerror or exc})") from None
    if not trust:
        if expected != actual:
            data, actual = _committed_model(path, metadata, data, actual)
        if expected != actual:
            raise ModelLoadError(
                f"{path} does not match the sha256 recorded in its metadata (expected {str(expected)[:12]}..., "
                f"found {actual[:12]}...); the file was changed or replaced. Retrain it, or pass --trust if you "
                "know where it comes from"
            )
    if data[:4] == b"PK\x03\x04":
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = model_format.loads(data)
        except model_format.ModelFormatError as exc:
            raise ModelLoadError(f"{path} is not loaded: {exc}") from None
    elif not trust:
        raise ModelLoadError(
            f"{path} is a pickle file (an earlier NexusML's format), and {PICKLE_WARNING}: it is not loaded. "
            f"If you made it, pass --trust (trust=True) and re-save it as {MODEL_SUFFIX} with "
            f"`python -m nexusml.store.serializer {path}`"
        )
    else:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = _unpickle(data)
        except Exception as exc:
            raise ModelLoadError(f"{path} is not a NexusML model file ({type(exc).__name__}: {exc})") from None
        log.warning(
            "%s is a pickle file, loaded because it is trusted (%s); re-save it as %s to load it without --trust: "
            "python -m nexusml.store.serializer %s",
            path,
            PICKLE_WARNING,
            MODEL_SUFFIX,
            path,
        )
    if not isinstance(model, TrainedModel):
        raise ModelLoadError(f"{path} does not hold a NexusML model (found {type(model).__name__})")
    current = library_versions()
    for name in ("scikit-learn",):
        saved = model.versions.get(name)
        if saved and saved != current[name]:
            # One warning, through logging (the commands print it as one line; a script sees it on stderr).
            log.warning(
                "%s was saved with %s %s; this is %s %s, predictions may differ",
                path.name,
                name,
                saved,
                name,
                current[name],
            )
    model.estimator.check_text_encoder()  # before any row is read: its encoder must be here, with its weights
    model.metadata = metadata
    return model


def _unpickle(data: bytes) -> Any:
    """A plain pickle (what earlier versions' ``save_model`` wrote), or a joblib file from an older NexusML.

    Only for trusted files: unpickling runs whatever code the file names.
    """
    if data[:1] == b"\x80":
        try:
            return renames.RenamingUnpickler(io.BytesIO(data)).load()
        except Exception as pickle_error:
            # A joblib file without compression also starts like a pickle; if it is not one
            # either, the pickle error is the one that explains the file.
            try:
                return _joblib_load(data)
            except Exception:
                raise pickle_error from None
    return _joblib_load(data)  # not a pickle: joblib's compressed format


def _joblib_load(data: bytes) -> Any:
    import joblib

    with renames.old_modules():
        return joblib.load(io.BytesIO(data))
