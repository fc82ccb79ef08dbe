"""The word-wise char_wb TF-IDF gives scikit-learn's features exactly, faster."""

from __future__ import annotations

import time

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from nexusml.features.text_features import WordwiseTfidfVectorizer

# Real-shaped descriptions: repeated words, codes, units, accents, odd whitespace, short and empty cells.
MESSY = [
    "AHU-3 460V 3ph  supply fan",
    "ahu-3 460v 3PH supply\tfan VFD",
    "Pompe à eau   chaude, 5 HP",
    "Panélboard 225A MLO",
    "",
    " ",
    "a",
    "Ab",
    "x\u00a0y  z",
    "\x1c\x1cfoo bar",
    "CHW pump P-1; 1500 GPM @ 60' TDH",
    "chw PUMP p-1 1500gpm",
    "Transformer 75 kVA 480-208/120V",
    "é" * 12,
    "AHU-3 460V 3ph supply fan",
] * 3 + [f"unit {i} type {i % 7} rtu-{i % 11}" for i in range(200)]

SETTINGS = [
    {"ngram_range": (2, 5), "sublinear_tf": True, "dtype": np.float32},
    {"ngram_range": (3, 4)},
    {"ngram_range": (1, 3), "min_df": 2, "max_df": 0.9, "max_features": 300},
    {"ngram_range": (2, 4), "lowercase": False, "strip_accents": "unicode"},
    {"ngram_range": (1, 1), "binary": True, "use_idf": False},
]


def assert_same_matrix(a, b) -> None:
    assert type(a) is type(b) and a.dtype == b.dtype and a.shape == b.shape
    for part in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(a, part), getattr(b, part)), part


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: str(s.get("ngram_range")))
def test_same_features_and_vocabulary_as_scikit_learn(settings):
    ours = WordwiseTfidfVectorizer(analyzer="char_wb", **settings)
    theirs = TfidfVectorizer(analyzer="char_wb", **settings)
    train, new = MESSY[:150], MESSY[150:] + ["never seen zzqx words", "AHU-9 unseen"]
    assert_same_matrix(ours.fit_transform(train), theirs.fit_transform(train))
    assert ours.vocabulary_ == theirs.vocabulary_
    assert_same_matrix(ours.transform(new), theirs.transform(new))
    assert_same_matrix(ours.fit(train).transform(train), theirs.fit(train).transform(train))


def test_other_analyzers_take_scikit_learns_path():
    for settings in ({"analyzer": "word", "ngram_range": (1, 2)}, {"analyzer": "char", "ngram_range": (2, 3)}):
        ours, theirs = WordwiseTfidfVectorizer(**settings), TfidfVectorizer(**settings)
        assert_same_matrix(ours.fit_transform(MESSY), theirs.fit_transform(MESSY))
    settings = {"analyzer": "char_wb", "ngram_range": (2, 3), "preprocessor": str.upper}
    ours, theirs = WordwiseTfidfVectorizer(**settings), TfidfVectorizer(**settings)
    assert_same_matrix(ours.fit_transform(MESSY), theirs.fit_transform(MESSY))
    assert "AH" in ours.vocabulary_ and "ah" not in ours.vocabulary_


def test_empty_documents_give_scikit_learns_error():
    with pytest.raises(ValueError, match="empty vocabulary"):
        WordwiseTfidfVectorizer(analyzer="char_wb").fit(["", "   "])
    with pytest.raises(ValueError, match=r"np\.nan is an invalid document"):
        WordwiseTfidfVectorizer(analyzer="char_wb").fit(["pump", np.nan])


def test_faster_than_scikit_learn_on_repeated_words():
    rng = np.random.default_rng(0)
    words = [f"{w}{i}" for i, w in enumerate(["pump", "ahu", "vfd", "chw", "460v", "rtu", "fan", "coil"] * 40)]
    docs = [" ".join(rng.choice(words, 9)) for _ in range(6_000)]

    def seconds(vectorizer) -> float:
        started = time.process_time()
        vectorizer.fit_transform(docs)
        return time.process_time() - started

    theirs = seconds(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)))
    ours = seconds(WordwiseTfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)))
    assert ours < theirs / 1.5, (ours, theirs)


# New text a fitted model meets: long part numbers and URLs (cut one by one), characters the training text
# never had, NUL, characters outside the basic plane, words shorter than the shortest n-gram.
UNSEEN = [
    "AHU-3 " + "x" * 70 + " supply",
    "https://example.com/very/long/path/to/a/datasheet/of/the/pump/model-1234567890.pdf ahu",
    "Ωmega pump ß 😀 fan",
    "nul\x00byte pump",
    "a b c d e",
    "AHU-3 460V 3ph supply fan " * 20,
    "",
    "ümlaut 460v",
]


@pytest.mark.parametrize("ngram_range", [(2, 5), (1, 3), (4, 6), (3, 3)])
def test_unseen_text_gives_scikit_learns_features(ngram_range):
    ours = WordwiseTfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range)
    theirs = TfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range)
    ours.fit(MESSY), theirs.fit(MESSY)
    assert_same_matrix(ours.transform(UNSEEN + MESSY), theirs.transform(UNSEEN + MESSY))


def test_random_text_gives_scikit_learns_features():
    rng = np.random.default_rng(3)
    alphabet = list("abcdefghij0123456789-/ .,éÅ") + ["\t", "😀", "\x00"]

    def text(n: int) -> list[str]:
        return ["".join(rng.choice(alphabet, rng.integers(0, 120))) for _ in range(n)]

    ours = WordwiseTfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False)
    theirs = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False)
    train = text(300)
    ours.fit(train), theirs.fit(train)
    new = text(500)
    assert_same_matrix(ours.transform(new), theirs.transform(new))


def test_an_alphabet_too_large_for_integer_keys_still_gives_scikit_learns_features():
    # 2,000 distinct characters need 11 bits each: six of them do not fit in 63 bits
    train = ["".join(chr(0x4E00 + (i * 7 + j) % 2000) for j in range(8)) for i in range(400)]
    ours = WordwiseTfidfVectorizer(analyzer="char_wb", ngram_range=(2, 6)).fit(train)
    theirs = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 6)).fit(train)
    assert_same_matrix(ours.transform(train[::3] + ["new"]), theirs.transform(train[::3] + ["new"]))


@pytest.mark.parametrize(
    "settings",
    [
        {"ngram_range": (1, 2), "sublinear_tf": True, "dtype": np.float32},
        {"ngram_range": (1, 1)},
        {"ngram_range": (2, 3), "lowercase": False},
        {"ngram_range": (1, 3), "min_df": 2, "max_features": 40, "strip_accents": "unicode"},
        {"ngram_range": (1, 2), "stop_words": "english"},
    ],
    ids=lambda s: str(s),
)
def test_word_features_of_new_text_are_scikit_learns(settings):
    ours = WordwiseTfidfVectorizer(analyzer="word", **settings).fit(MESSY)
    theirs = TfidfVectorizer(analyzer="word", **settings).fit(MESSY)
    assert ours.vocabulary_ == theirs.vocabulary_
    new = UNSEEN + MESSY + ["", "pump", "supply fan supply fan", "zz yy"]
    assert_same_matrix(ours.transform(new), theirs.transform(new))
