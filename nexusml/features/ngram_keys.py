"""Looking up the ``char_wb`` n-grams of many words at once, as integers, in compiled code.

A fitted vocabulary's n-grams are short (2-5 characters by default) over a small
alphabet (the characters its training text used).  Numbering that alphabet from 1
makes every n-gram a number: its characters are the digits, ``bits`` wide each, so
``"ab"`` is ``(a << bits) | b``.  Digits are never 0, so n-grams of different
lengths never share a number.  Words are then cut into n-grams by shifting arrays of
digits, and looked up in a hash table of the vocabulary's keys,
instead of one Python slice and one dict lookup per n-gram.

The n-grams are those of scikit-learn's ``char_wb`` analyzer for a word ``w``: every
substring of ``" " + w + " "`` of each length from ``min_n`` to ``max_n``, at every
offset, counted as often as it occurs (a padded word shorter than ``min_n`` is its own
single n-gram; those, very long words and vocabularies whose alphabet is too large to
fit ``max_n`` digits in 63 bits are left to the caller: :meth:`VocabularyKeys.lookup`
says which words it did not cut).

:class:`TokenKeys` does the same one level up for word n-grams: the tokens of the vocabulary
are the alphabet, and a document's n-grams of tokens are looked up as numbers.  The keys are
made once per fitted vocabulary, when it first transforms, and never saved with the model.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

# Words are cut in blocks of this many (sorted by length, so each block's arrays are about as wide as its words).
BLOCK_WORDS = 32_768
# Padded words longer than this are left to the caller's per-word path (rare: part numbers, URLs).
MAX_PADDED = 64
_KEY_BITS = 63


def _indexed(encoded: np.ndarray, vocabulary: dict[str, int]) -> tuple[pd.Index, np.ndarray]:
    """The keys as a hash index (looked up in compiled code), and the vocabulary index of each."""
    return pd.Index(encoded, dtype=np.uint64), np.fromiter(vocabulary.values(), dtype=np.int64, count=len(vocabulary))


class VocabularyKeys:
    """A fitted ``char_wb`` vocabulary as sorted integer keys (see the module)."""

    def __init__(self, vocabulary: dict[str, int], min_n: int, max_n: int):
        self.min_n, self.max_n = min_n, max_n
        chars = sorted({c for gram in vocabulary for c in gram})
        self.bits = max(1, (len(chars) + 1).bit_length())
        self.usable = bool(chars) and "\x00" not in chars and self.bits * max_n <= _KEY_BITS
        if not self.usable:
            return
        top = max(map(ord, chars))
        # digit of each code point; code points above the alphabet's largest (and NUL, the padding) read 0
        self.digit = np.zeros(top + 2, dtype=np.uint64)
        self.digit[[ord(c) for c in chars]] = np.arange(1, len(chars) + 1, dtype=np.uint64)
        grams = np.array(list(vocabulary), dtype=f"<U{max_n}")
        lengths = np.char.str_len(grams)
        digits = self.digit[grams.view(np.uint32).reshape(len(grams), max_n)]
        encoded = np.zeros(len(grams), dtype=np.uint64)
        for j in range(max_n):
            encoded = (encoded << np.uint64(self.bits)) | digits[:, j]
        # a gram shorter than max_n ends in zero digits (the array's padding): drop them
        encoded >>= ((max_n - lengths) * self.bits).astype(np.uint64)
        self.keys, self.ids = _indexed(encoded, vocabulary)

    def lookup(self, words: Any, width: int) -> tuple[sp.csr_matrix, np.ndarray]:
        """(words x ``width`` n-gram counts of the words it cut, indices of the words it left to the caller)."""
        words = np.asarray(words, dtype=object)
        padded_len = np.fromiter((len(w) + 2 for w in words), dtype=np.int64, count=len(words))
        doable = (padded_len >= self.min_n) & (padded_len <= MAX_PADDED)
        left = np.flatnonzero(~doable)
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        todo = np.flatnonzero(doable)
        todo = todo[np.argsort(padded_len[todo], kind="stable")]
        for start in range(0, len(todo), BLOCK_WORDS):
            block = todo[start : start + BLOCK_WORDS]
            found_rows, found_cols = self._block(words[block], padded_len[block])
            rows.append(block[found_rows])
            cols.append(found_cols)
        row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        col = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        counts = sp.csr_matrix(
            (np.ones(len(row), dtype=np.int32), (row, col)), shape=(len(words), width), dtype=np.int32
        )
        counts.sum_duplicates()
        return counts, left

    def _block(self, words: np.ndarray, padded_len: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        width = int(padded_len.max())
        text = np.array([f" {w} " for w in words], dtype=f"<U{width}")
        points = text.view(np.uint32).reshape(len(words), width)
        digits = self.digit[np.minimum(points, len(self.digit) - 1)]
        # zeros[:, i]: how many characters before position i the vocabulary never saw (or padding)
        zeros = np.zeros((len(words), width + 1), dtype=np.int32)
        np.cumsum(digits == 0, axis=1, out=zeros[:, 1:])
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        for n in range(self.min_n, min(self.max_n, width) + 1):
            span = width - n + 1
            key = np.zeros((len(words), span), dtype=np.uint64)
            shift = np.uint64(self.bits)
            for j in range(n):
                key <<= shift
                key |= digits[:, j : j + span]
            inside = np.arange(span)[None, :] <= (padded_len - n)[:, None]
            known = (zeros[:, n : n + span] - zeros[:, :span]) == 0
            r, o = np.nonzero(inside & known)
            wanted = key[r, o]
            at = self.keys.get_indexer(wanted)
            hit = at >= 0
            rows.append(r[hit])
            cols.append(self.ids[at[hit]])
        return np.concatenate(rows), np.concatenate(cols)


class TokenKeys:
    """A fitted word vocabulary (n-grams of tokens joined by spaces) as integer keys over token numbers.

    The same idea as :class:`VocabularyKeys` one level up: the tokens the vocabulary uses are numbered
    from 1 and an n-gram of tokens is the number whose digits are theirs.
    """

    def __init__(self, vocabulary: dict[str, int], min_n: int, max_n: int):
        self.min_n, self.max_n = min_n, max_n
        lengths = np.fromiter((gram.count(" ") + 1 for gram in vocabulary), dtype=np.int64, count=len(vocabulary))
        numbers, tokens = pd.factorize(np.array(" ".join(vocabulary).split(" "), dtype=object))
        self.tokens = pd.Index(tokens, dtype=object)
        self.bits = max(1, (len(self.tokens) + 1).bit_length())
        self.usable = (
            len(vocabulary) > 0
            and "" not in self.tokens
            and int(lengths.max()) <= max_n
            and self.bits * max_n <= _KEY_BITS
        )
        if not self.usable:
            return
        numbers = numbers.astype(np.uint64) + np.uint64(1)
        starts = np.cumsum(lengths) - lengths
        encoded = np.zeros(len(lengths), dtype=np.uint64)
        for j in range(int(lengths.max())):
            more = lengths > j
            encoded[more] = (encoded[more] << np.uint64(self.bits)) | numbers[starts[more] + j]
        self.keys, self.ids = _indexed(encoded, vocabulary)

    def count(self, tokens_of: list[list[str]], width: int) -> sp.csr_matrix:
        """Documents x ``width``: how often each vocabulary n-gram occurs in each document's tokens."""
        lengths = np.fromiter((len(t) for t in tokens_of), dtype=np.int64, count=len(tokens_of))
        flat = [token for tokens in tokens_of for token in tokens]
        numbers = (self.tokens.get_indexer(pd.Index(flat, dtype=object)) + 1).astype(np.uint64)
        doc = np.repeat(np.arange(len(tokens_of)), lengths)
        unknown = np.zeros(len(flat) + 1, dtype=np.int64)
        np.cumsum(numbers == 0, out=unknown[1:])
        rows: list[np.ndarray] = []
        cols: list[np.ndarray] = []
        shift = np.uint64(self.bits)
        for n in range(self.min_n, self.max_n + 1):
            span = len(flat) - n + 1
            if span <= 0:
                break
            key = np.zeros(span, dtype=np.uint64)
            for j in range(n):
                key <<= shift
                key |= numbers[j : j + span]
            ok = (doc[:span] == doc[n - 1 :]) & ((unknown[n:] - unknown[:span]) == 0)
            where = np.flatnonzero(ok)
            wanted = key[where]
            at = self.keys.get_indexer(wanted)
            hit = at >= 0
            rows.append(doc[where[hit]])
            cols.append(self.ids[at[hit]])
        row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        col = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        counts = sp.csr_matrix(
            (np.ones(len(row), dtype=np.int32), (row, col)), shape=(len(tokens_of), width), dtype=np.int32
        )
        counts.sum_duplicates()
        return counts


_cache: weakref.WeakKeyDictionary[Any, tuple[dict[str, int], Any]] = weakref.WeakKeyDictionary()


def vocabulary_keys(vectorizer: Any) -> VocabularyKeys:
    """The keys of a ``char_wb`` vectorizer's fitted vocabulary, made once per vocabulary (not saved with the model)."""
    return _keys(vectorizer, VocabularyKeys)


def token_keys(vectorizer: Any) -> TokenKeys:
    """The keys of a word vectorizer's fitted vocabulary, made once per vocabulary (not saved with the model)."""
    return _keys(vectorizer, TokenKeys)


def _keys(vectorizer: Any, kind: type) -> Any:
    vocabulary = vectorizer.vocabulary_
    cached = _cache.get(vectorizer)
    if cached is not None and cached[0] is vocabulary and isinstance(cached[1], kind):
        return cached[1]
    min_n, max_n = vectorizer.ngram_range
    keys = kind(vocabulary, min_n, max_n)
    _cache[vectorizer] = (vocabulary, keys)
    return keys
