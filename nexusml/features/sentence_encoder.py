"""An optional pretrained sentence encoder whose embeddings of the text join the TF-IDF features.

``--text-encoder NAME_OR_PATH`` names a sentence-transformers model: a local folder, or a name found in the
user's own Hugging Face model cache (``all-MiniLM-L6-v2`` is also looked for as
``sentence-transformers/all-MiniLM-L6-v2``).  NexusML never downloads weights: a missing model is one line
saying how to get it.  Only safetensors weights are loaded, with ``trust_remote_code=False``.

An encoder is identified by its **fingerprint**, the sha256 of its safetensors files: the model records it
when it is fitted, and a model whose encoder here has other weights refuses to predict (one line naming
both), since the same name can hold other weights on another machine.

Each distinct text is encoded once per process (:class:`Encoder` keeps the vectors it computed, up to
``MAX_CACHED_TEXTS``): a training run encodes its texts in the ``encode`` stage, with progress and cancel,
and the fits, the held-out rows, the refit and the suspects then read them back.  Rows repeating a text
(exports do) cost nothing more.  The vectors are unit length (cosine geometry) and enter the features times
the model's encoder weight (``model.factory.ENCODER_WEIGHT``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from nexusml.errors import Cancelled, NexusMLError

log = logging.getLogger(__name__)

INSTALL_LINE = 'pip install -e ".[semantic]"'
MISSING_EXTRA = f"needs the semantic extra (sentence-transformers); install it with: {INSTALL_LINE}"
# Texts are encoded shortest first, BATCH_SIZE at a time: a batch is padded to its longest text, so batches of
# texts of one length waste nothing. Measured on two cores (two Uniclass names a text): 230 texts/s, where
# batches of 256 in the file's order gave 121.
BATCH_SIZE = 128
MAX_CACHED_TEXTS = 500_000  # 384 float32 each: about 0.7 GiB at most

Progress = Callable[[int, int], None]  # (texts encoded, texts to encode)


class EncoderError(NexusMLError):
    """The encoder cannot be used: the extra is missing, the model is not found, or its weights differ."""


def extra_installed() -> bool:
    """Whether sentence-transformers can be imported (without importing it: that takes seconds)."""
    return importlib.util.find_spec("sentence_transformers") is not None


def resolve(name: str) -> Path:
    """The local folder of encoder ``name``: the folder itself, or its snapshot in the Hugging Face cache."""
    path = Path(name).expanduser()
    if path.is_dir():
        return path.resolve()
    if name.startswith((".", "/", "~")) or name.count("/") > 1 or "\\" in name:
        raise EncoderError(f"text encoder folder {name} not found; give the folder of a sentence-transformers model")
    from huggingface_hub import snapshot_download

    for repo in (name, f"sentence-transformers/{name}") if "/" not in name else (name,):
        try:
            return Path(snapshot_download(repo, local_files_only=True))
        except Exception:  # not in the cache (or not a valid repo name): try the next spelling
            continue
    raise EncoderError(
        f"text encoder '{name}' not found: it is neither a folder nor in your Hugging Face model cache; "
        f"give the folder of a sentence-transformers model, or download it once with "
        f"`hf download {name if '/' in name else 'sentence-transformers/' + name}` (NexusML never downloads weights)"
    )


def weights_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.safetensors") if p.is_file())


def fingerprint(folder: Path, weights: list[Path]) -> str:
    """sha256 over the encoder's safetensors ``weights`` (their paths inside the folder and their bytes)."""
    digest = hashlib.sha256()
    for path in weights:
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        with path.open("rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()


@dataclass
class Encoder:
    """A loaded sentence encoder and the vectors it has computed, by text."""

    folder: Path
    fingerprint: str
    model: Any
    dimension: int
    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    stamp: tuple[tuple[str, int, int], ...] = ()  # its weight files' paths, sizes and times when loaded
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ensure(
        self, texts: Sequence[str], progress: Progress | None = None, should_stop: Callable[[], bool] | None = None
    ) -> int:
        """Encode the distinct ``texts`` not encoded before, in batches; how many were encoded."""
        with self.lock:  # one encoding at a time: torch already uses every core
            return self._ensure(list(dict.fromkeys(texts)), progress, should_stop)

    def _ensure(self, unique: list[str], progress: Progress | None, should_stop: Callable[[], bool] | None) -> int:
        missing = [t for t in unique if t not in self.vectors]
        if len(self.vectors) + len(missing) > MAX_CACHED_TEXTS:
            self.vectors.clear()
            missing = list(unique)
        missing.sort(key=len)
        for start in range(0, len(missing), BATCH_SIZE):
            if should_stop is not None and should_stop():
                raise Cancelled("encode")
            batch = missing[start : start + BATCH_SIZE]
            encoded = self.model.encode(
                batch, batch_size=BATCH_SIZE, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )
            self.vectors.update(zip(batch, np.asarray(encoded, dtype=np.float32), strict=True))
            if progress is not None:
                progress(start + len(batch), len(missing))
        return len(missing)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors of ``texts`` (rows x dimension); each text not seen before is encoded once."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        codes, unique = pd.factorize(pd.Series(texts, dtype=object))
        with self.lock:
            self._ensure(list(unique), None, None)
            table = np.stack([self.vectors[t] for t in unique])
        return table[codes]


_LOADED: dict[str, Encoder] = {}
_LOADING = threading.Lock()


def load_encoder(name: str, expected_fingerprint: str | None = None, trained_with: str = "") -> Encoder:
    """Encoder ``name``, loaded once per process; EncoderError (one line) when it cannot be used.

    ``expected_fingerprint``: the weights a model was fitted with (``trained_with``, as the model names its
    encoder); other weights are refused.
    """
    if not extra_installed():
        raise EncoderError(f"the text encoder '{name}' {MISSING_EXTRA}")
    folder = resolve(name)
    weights = weights_of(folder)
    if not weights:
        raise EncoderError(
            f"text encoder '{name}' ({folder}) has no .safetensors weights; NexusML loads only safetensors "
            "(convert the model, or use another)"
        )
    stamp = tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in weights)
    with _LOADING:
        encoder = _LOADED.get(str(folder))
        if encoder is None or encoder.stamp != stamp:  # weights replaced since: load them again
            encoder = _load(name, folder, weights)
            encoder.stamp = stamp
            _LOADED[str(folder)] = encoder
    if expected_fingerprint is not None and encoder.fingerprint != expected_fingerprint:
        raise EncoderError(
            f"this model was trained with text encoder '{trained_with or name}' whose weights have fingerprint "
            f"{expected_fingerprint[:12]}, but the encoder found here ({encoder.folder}) has "
            f"{encoder.fingerprint[:12]}: use the encoder the model was trained with, or train the model again"
        )
    return encoder


def _load(name: str, folder: Path, weights: list[Path]) -> Encoder:
    log.info("Loading text encoder %s from %s", name, folder)
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # its bars would be drawn over the wizard and the run's output
    transformers_logging.set_verbosity_error()

    try:
        model = SentenceTransformer(
            str(folder),
            device="cpu",
            trust_remote_code=False,
            local_files_only=True,
            model_kwargs={"use_safetensors": True},
        )
    except Exception as exc:  # a folder that is not a sentence-transformers model, or a broken one
        raise EncoderError(f"text encoder '{name}' ({folder}) cannot be loaded: {exc}".splitlines()[0]) from exc
    dimension = getattr(model, "get_embedding_dimension", model.get_sentence_embedding_dimension)()
    if not dimension:
        raise EncoderError(f"text encoder '{name}' ({folder}) does not say the size of its embeddings")
    return Encoder(folder, fingerprint(folder, weights), model, int(dimension))


class TextEmbeddings(TransformerMixin, BaseEstimator):
    """The encoder's unit-length embedding of each text times ``weight``, as a sparse float32 matrix.

    A column transformer part over the text column.  Only the encoder's name, fingerprint and size are
    saved with the model; the encoder is loaded where the model predicts, and must have the same weights.
    """

    def __init__(self, encoder: str = "", weight: float = 1.0):
        self.encoder = encoder
        self.weight = weight

    def fit(self, X: Any, y: Any = None) -> TextEmbeddings:
        loaded = load_encoder(self.encoder)
        self.fingerprint_ = loaded.fingerprint
        self.dimension_ = loaded.dimension
        self.folder_ = str(loaded.folder)  # where it was found: a relative name may not hold elsewhere
        return self

    def loaded(self) -> Encoder:
        """The encoder this part was fitted with (by its folder, else by its name); other weights are refused."""
        check_is_fitted(self, "fingerprint_")
        where = self.folder_ if Path(self.folder_).is_dir() else self.encoder
        return load_encoder(where, self.fingerprint_, self.encoder)

    def transform(self, X: Any) -> sp.csr_matrix:
        vectors = self.loaded().encode(texts_of(X))
        if self.weight != 1.0:
            vectors = vectors * np.float32(self.weight)
        return sp.csr_matrix(vectors)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self, "dimension_")
        return np.asarray([f"embedding{i}" for i in range(self.dimension_)], dtype=object)

    def describe(self) -> dict[str, Any]:
        """What the metadata records of the encoder."""
        check_is_fitted(self, "fingerprint_")
        return {
            "name": self.encoder,
            "fingerprint": self.fingerprint_,
            "dimension": self.dimension_,
            "weight": self.weight,
        }


def texts_of(X: Any) -> list[str]:
    """The texts of a column transformer's 1-D selection (a Series, an array or a one-column frame)."""
    if isinstance(X, pd.DataFrame):
        X = X.iloc[:, 0]
    values = X.to_numpy() if isinstance(X, pd.Series) else np.asarray(X).ravel()
    return ["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in values]
