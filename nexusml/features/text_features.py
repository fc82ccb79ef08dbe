"""TF-IDF of ``char_wb`` n-grams, counted once per distinct word.

scikit-learn's ``char_wb`` analyzer cuts every word of every document into its
n-grams and looks each one up in a dict, in Python: at 1M rows that is most of
the run's feature time, and three quarters of prediction.  But a ``char_wb``
n-gram never crosses a word boundary, so a document's n-gram counts are the sum
of its words' n-gram counts, and equipment descriptions reuse a small set of
words ("pump", "ahu-3", "460v") over and over.  :class:`WordwiseTfidfVectorizer`
therefore cuts each distinct word of a batch once and gets the documents' counts
as one sparse product::

    counts (documents x n-grams) = words (documents x distinct words) @ pieces (distinct words x n-grams)

The counts are integers and equal scikit-learn's exactly, so the features, the
vocabulary and everything fitted on them are the same; any other analyzer (or a
custom preprocessor or tokenizer) takes scikit-learn's own path.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from nexusml.features.ngram_keys import token_keys, vocabulary_keys

try:  # scikit-learn >= 1.8 returns counts in the sparse interface its config asks for
    from sklearn.utils._sparse import _align_api_if_sparse
except ImportError:  # pragma: no cover - older scikit-learn: always scipy's sparse matrix

    def _align_api_if_sparse(X: Any) -> Any:
        return X


class WordwiseTfidfVectorizer(TfidfVectorizer):
    """``TfidfVectorizer`` whose ``char_wb`` n-grams are cut once per distinct word (see the module)."""

    def _count_vocab(self, raw_documents: Iterable[Any], fixed_vocab: bool) -> tuple[dict[str, int], Any]:
        if self.preprocessor is not None or self.tokenizer is not None:
            return super()._count_vocab(raw_documents, fixed_vocab)
        if self.analyzer == "word" and fixed_vocab and self.get_stop_words() is None:
            return self._count_tokens(raw_documents)
        if self.analyzer != "char_wb":
            return super()._count_vocab(raw_documents, fixed_vocab)
        decode, preprocess = self.decode, self.build_preprocessor()
        words_of = [preprocess(decode(doc)).split() for doc in raw_documents]
        lengths = np.fromiter((len(w) for w in words_of), dtype=np.int64, count=len(words_of))
        flat = [word for words in words_of for word in words]
        del words_of
        word_ids, distinct = pd.factorize(pd.Series(flat, dtype=object), sort=False)
        del flat
        vocabulary: dict[str, int] = self.vocabulary_ if fixed_vocab else {}
        pieces = self._pieces(distinct, vocabulary, grow=not fixed_vocab).astype(self.dtype)
        if not fixed_vocab and not vocabulary:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        n_docs = len(lengths)
        indptr = np.zeros(n_docs + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        words = sp.csr_matrix(
            (np.ones(len(word_ids), dtype=self.dtype), word_ids.astype(np.int32), indptr),
            shape=(n_docs, len(distinct)),
        )
        words.sum_duplicates()
        counts = (words @ pieces).tocsr()
        counts.sort_indices()
        if counts.nnz and counts.indptr[-1] > np.iinfo(np.int32).max:  # pragma: no cover - over 2**31 n-grams
            counts.indices = counts.indices.astype(np.int64)
            counts.indptr = counts.indptr.astype(np.int64)
        # Counts in the vectorizer's dtype from the start (exact: whole numbers far below 2**24), so
        # the largest matrix of the fit is not copied to change its type.
        return vocabulary, _align_api_if_sparse(counts)

    def _count_tokens(self, raw_documents: Iterable[Any]) -> tuple[dict[str, int], Any]:
        """Word n-gram counts against the fitted vocabulary, looked up as integers (``ngram_keys.TokenKeys``)."""
        keys = token_keys(self)
        if not keys.usable:
            return super()._count_vocab(raw_documents, True)
        decode, preprocess, tokenize = self.decode, self.build_preprocessor(), self.build_tokenizer()
        tokens_of = [tokenize(preprocess(decode(doc))) for doc in raw_documents]
        counts = keys.count(tokens_of, len(self.vocabulary_)).astype(self.dtype)
        counts.sort_indices()
        return self.vocabulary_, _align_api_if_sparse(counts)

    def _pieces(self, distinct: pd.Index, vocabulary: dict[str, int], grow: bool) -> sp.csr_matrix:
        """Distinct words x vocabulary: how often each n-gram occurs in each word (``grow``: add new n-grams).

        With a fitted vocabulary the words are cut and looked up as integers (``ngram_keys``), but for the
        few it leaves (very long words), which are cut here one by one.
        """
        if not grow:
            keys = vocabulary_keys(self)
            if keys.usable:
                counts, left = keys.lookup(distinct, len(vocabulary))
                if len(left):
                    counts = counts + self._cut_each(distinct[left], vocabulary, grow, rows=(left, len(distinct)))
                return counts
        return self._cut_each(distinct, vocabulary, grow)

    def _cut_each(
        self, distinct: Any, vocabulary: dict[str, int], grow: bool, rows: tuple[np.ndarray, int] | None = None
    ) -> sp.csr_matrix:
        """The n-gram counts of each word, cut one by one; ``rows``: (where they go, of how many) in a larger matrix."""
        indices: list[int] = []
        indptr = [0]
        cut = self._char_wb_ngrams
        for word in distinct:
            if grow:
                indices.extend([vocabulary.setdefault(piece, len(vocabulary)) for piece in cut(word)])
            else:
                found = [vocabulary.get(piece) for piece in cut(word)]
                indices.extend(i for i in found if i is not None)
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.int32)
        pieces = sp.csr_matrix(
            (data, np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
            shape=(len(distinct), len(vocabulary)),
        )
        pieces.sum_duplicates()
        if rows is not None:
            where, total = rows
            spread = sp.csr_matrix(
                (np.ones(len(where), dtype=np.int32), (where, np.arange(len(where)))), shape=(total, len(where))
            )
            pieces = (spread @ pieces).tocsr()
        return pieces
