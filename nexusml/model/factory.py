"""How each model type is built: its text vectorizer, its classifier and its search grid.

Model types:

``linear`` (default)
    Word 1-2 grams and ``char_wb`` 2-5 grams, both with sublinear tf, plus each
    numeric column both scaled and one-hot binned (``NumericBins``: a linear
    model can then use "service life is 30" rather than only "service life is
    large"), into one LinearSVC (C=1) per target, each class rarer than the
    median class weighted up (``rare_class_weights``); related
    targets are then decoded jointly (``joint``: the prediction is the training
    combination of classes with the largest sum of margins).  Chosen by
    measurement on real classification tables (``benchmarks/real_data.py``):
    "balanced" class weights, which also weigh the common classes down, cost
    3-7 % macro-F1 on tasks with hundreds of rare classes, and a ``char_wb``
    range of 3-4 up to 1 %; no C other than 1 was better on every split, and choosing C by internal
    validation picked the better C on one split of four, for more than the fit-time budget.  Above
    ``LARGE_DATA_ROWS`` training rows (1M rows in 5 minutes is the bar) the
    features drop terms of a single row and go into an averaged SGD hinge model
    (``large_data_classifier``), whose cost grows linearly with rows, fitted on
    all cores; the run then keeps the evaluated model instead of refitting it
    (``REFIT_MAX_TRAIN_ROWS``).
``linear_svc``
    The plain reference: word 1-2 and ``char_wb`` 2-5 TF-IDF with scikit-learn
    defaults into LinearSVC(C=1) per target, each target decoded on its own.
``logreg`` / ``sgd``
    The ``linear`` features, with ``char_wb`` 3-4 grams (2-5 made their fits
    2-3x slower), into LogisticRegression or a modified-Huber SGD model (both
    give probabilities).
``random_forest``
    The classic NexusML model: word 1-3 gram TF-IDF (5,000 features, min_df 2,
    max_df 0.9, sublinear tf) and the scaled numeric columns into a 200-tree
    RandomForest (class_weight balanced_subsample) per target.

A target with a single class in the training rows gets ``single_class_classifier``
(scikit-learn's ``DummyClassifier``), whatever the model type.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from nexusml.features.text_features import WordwiseTfidfVectorizer

SMALL_DATA_ROWS = 30
# Above this many training rows the default switches from LinearSVC to averaged SGD.
LARGE_DATA_ROWS = 200_000
# Above this many rows in the training split the evaluated model is saved as it is, not refit on all rows.
REFIT_MAX_TRAIN_ROWS = LARGE_DATA_ROWS

# The features of linear, logreg and sgd (the default's char range is wider: see the module docstring).
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (3, 4)
DEFAULT_CHAR_NGRAMS = (2, 5)
LINEAR_C = 1.0
# Value of the one-hot numeric bin features next to the unit-length TF-IDF rows.
BIN_WEIGHT = 0.5
# Value of the unit-length sentence embeddings (--text-encoder) next to the TF-IDF rows: see the README's
# "Pretrained text encoder" (measured on real tables with benchmarks/real_data.py).
ENCODER_WEIGHT = 1.5
# Model types whose numeric columns are also one-hot binned.
BINNED_MODEL_TYPES = ("linear", "logreg", "sgd")
# Model types whose related targets are decoded jointly (see ``joint``).
JOINT_MODEL_TYPES = ("linear",)

# As a class_weight parameter (a search grid's, a target's): the default's weights (``rare_class_weights``).
RARE_CLASS_WEIGHTS = "rare"

SEARCH_GRIDS: dict[str, dict[str, list[Any]]] = {
    "linear": {"C": [0.3, 1.0, 3.0], "class_weight": [RARE_CLASS_WEIGHTS, "balanced"]},
    "linear_svc": {"C": [0.3, 1.0, 3.0]},
    "logreg": {"C": [10.0, 30.0, 100.0]},
    "sgd": {"alpha": [1e-6, 1e-5, 1e-4]},
    "random_forest": {"n_estimators": [100, 200], "max_features": ["sqrt", 0.2]},
}


# scikit-learn's warning when a target has more classes than half its rows (validation warns by the target's name).
ID_LIKE_TARGET_WARNING = r"The number of unique classes is greater than 50% of the number of samples"
# scikit-learn's false alarm when its Parallel reads the warning filters while another thread has them emptied.
EMPTIED_FILTERS_WARNING = r"`sklearn\.utils\.parallel\.delayed` should be used with `sklearn\.utils\.parallel\.Parallel"


def quiet_expected_fit_warnings() -> None:
    """Ignore, from now on in this process, the warnings the classifiers' fits raise on purpose.

    logreg and sgd stop after a fixed number of passes (scikit-learn warns that
    they did not converge), and an ID-like target makes scikit-learn guess at a
    regression problem.  A ``catch_warnings`` block around each fit does not hold:
    the filters are process-wide, and the thread that transforms the held-out rows
    meanwhile enters and leaves such blocks too (in scikit-learn's input checks),
    putting back a list without them in the middle of a fit.  For the same reason,
    scikit-learn's Parallel (which the feature transformers' steps run through) may
    read the filters while the other thread has them emptied, and warn that its
    ``delayed`` was used without it, which is not so.  Idempotent.
    """
    warnings.filterwarnings("ignore", category=ConvergenceWarning, module=r"sklearn\.(linear_model|svm)\.")
    warnings.filterwarnings("ignore", message=ID_LIKE_TARGET_WARNING, category=UserWarning)
    warnings.filterwarnings("ignore", message=EMPTIED_FILTERS_WARNING, category=UserWarning)


def _vectorizer_kwargs(n_rows: int, **kwargs: Any) -> dict[str, Any]:
    if n_rows < SMALL_DATA_ROWS:
        kwargs["min_df"] = 1
        kwargs["max_df"] = 1.0
    return kwargs


def build_text_vectorizer(model_type: str, n_rows: int) -> BaseEstimator:
    if model_type == "random_forest":
        return TfidfVectorizer(
            **_vectorizer_kwargs(n_rows, ngram_range=(1, 3), max_features=5000, min_df=2, max_df=0.9, sublinear_tf=True)
        )
    if model_type == "linear_svc":
        return FeatureUnion(
            [
                ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2))),
                ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5))),
            ]
        )
    if model_type not in ("linear", "logreg", "sgd"):
        raise ValueError(f"unknown model type {model_type!r}")
    # Above LARGE_DATA_ROWS a term seen in a single training row is dropped: at 700,000 rows that is
    # 85 % of the word terms and 35 % of the char n-grams (codes and serial numbers), which would
    # otherwise triple the weights each class holds in memory and in the model file.
    rare = {"min_df": 2} if n_rows > LARGE_DATA_ROWS else {}
    # The same features as scikit-learn's TfidfVectorizer, faster (see text_features): the word n-grams
    # of new rows, and the char_wb n-grams of every row, are looked up as integers.
    word = WordwiseTfidfVectorizer(
        analyzer="word", ngram_range=WORD_NGRAMS, sublinear_tf=True, dtype=np.float32, **rare
    )
    char_ngrams = DEFAULT_CHAR_NGRAMS if model_type == "linear" else CHAR_NGRAMS
    char = WordwiseTfidfVectorizer(
        analyzer="char_wb", ngram_range=char_ngrams, sublinear_tf=True, dtype=np.float32, **rare
    )
    return FeatureUnion([("word", word), ("char", char)])


def build_classifier(
    model_type: str,
    random_state: int,
    n_jobs: int,
    params: dict[str, Any] | None = None,
    n_rows: int | None = None,
    y: np.ndarray | None = None,
) -> Any:
    """The unfitted classifier of ``model_type`` for one target (``params`` override its defaults).

    ``y``, the target's training classes, sets the default's class weights (``rare_class_weights``).
    """
    params = dict(params or {})
    base: Any
    if model_type == "random_forest":
        from sklearn.ensemble import RandomForestClassifier  # its import alone costs 0.1 s; only this model needs it

        base = RandomForestClassifier(
            n_estimators=200, class_weight="balanced_subsample", random_state=random_state, n_jobs=n_jobs
        )
    elif model_type == "linear":
        if n_rows is not None and n_rows > LARGE_DATA_ROWS and not params:
            base = large_data_classifier(random_state, n_jobs, n_rows)
        else:
            # a searched class_weight (below) replaces these: not counted then
            weights = rare_class_weights(y) if y is not None and "class_weight" not in params else None
            base = LinearSVC(C=LINEAR_C, tol=1e-3, class_weight=weights, random_state=random_state)
    elif model_type == "linear_svc":
        base = LinearSVC(C=1.0, random_state=random_state)
    elif model_type == "logreg":
        base = LogisticRegression(C=30.0, solver="saga", max_iter=50, tol=1e-3, random_state=random_state)
    elif model_type == "sgd":
        base = SGDClassifier(
            loss="modified_huber",
            alpha=1e-5,
            average=True,
            max_iter=20,
            tol=None,
            random_state=random_state,
            n_jobs=n_jobs,
        )
    else:
        raise ValueError(f"unknown model type {model_type!r}")
    if params.get("class_weight") == RARE_CLASS_WEIGHTS:
        params["class_weight"] = rare_class_weights(y) if y is not None else None
    return base.set_params(**params) if params else base


def refits_on_all_rows(train_rows: int) -> bool:
    """Whether a run with ``train_rows`` training rows refits its model on all rows after evaluating it."""
    return train_rows <= REFIT_MAX_TRAIN_ROWS


def rare_class_weights(y: np.ndarray) -> dict[Any, float] | None:
    """The default's class weights: each class rarer than the median class weighs median count / its count.

    No class weighs less than 1, so the common classes keep the accuracy that
    "balanced" weights (n / (classes x count), below 1 for every class more
    frequent than the mean) cost them, while the rare classes, which decide
    macro-F1 where there are hundreds of them, get the push.  Measured over four
    split seeds of the two multi-target BuiltBench tasks, with joint decoding,
    against the plain baseline: macro-F1 +0.8 % (Uniclass, every seed +0.2 % or
    more) and +2.1 % (Uniclass levels, every seed +1.7 % or more), where joint
    decoding without weights gave +0.2 % and +0.7 %; accuracy +0.4 and +0.7
    points.  Weighting by the mean class count instead of the median, or a power
    of these weights, gave the same to within 0.4 % (``benchmarks/README.md``).
    None when no class is rarer than the median.
    """
    classes, counts = np.unique(y, return_counts=True)
    weights = np.maximum(1.0, float(np.median(counts)) / counts)
    if not (weights > 1.0).any():
        return None
    # Keyed as scikit-learn looks a class up (a label that int() reads, such as the code "0606", is
    # looked up as the integer 606), with every class listed: two codes that read as one integer
    # ("0606", "606") share the larger weight instead of failing the fit.
    out: dict[Any, float] = {}
    for label, weight in zip(classes.tolist(), weights.tolist(), strict=True):
        key = class_weight_key(label)
        out[key] = max(weight, out.get(key, 0.0))
    return out


def class_weight_key(label: Any) -> Any:
    """The key under which scikit-learn's ``compute_class_weight`` looks up ``label`` in a class_weight dict."""
    try:
        return int(label)
    except (ValueError, TypeError):
        return str(label)


def large_data_classifier(random_state: int, n_jobs: int, n_rows: int = LARGE_DATA_ROWS) -> SGDClassifier:
    """The default's classifier above LARGE_DATA_ROWS: averaged hinge SGD, two passes over the rows.

    ``alpha = 1 / n_rows`` is the regularization of the LinearSVC (C=1) used below the
    threshold.  Measured on 300,000 generated inventory rows (70/30 split, category
    with 39 classes, CPU seconds of the fit): 2 passes without class weights gave
    macro-F1 0.930 in 29 s, 3 passes 0.931 in 41 s, the earlier 5 passes with alpha
    1e-6 and balanced class weights 0.929 in 63 s (LinearSVC: 0.935 in 133 s); at
    1M rows the held-out macro-F1 is 0.991 or more on every target.  ``n_jobs``
    threads fit the classes at once (the predictions do not depend on it).
    """
    return SGDClassifier(
        loss="hinge",
        alpha=1.0 / max(n_rows, 1),
        average=True,
        max_iter=2,
        tol=None,
        random_state=random_state,
        n_jobs=n_jobs,
    )


def single_class_classifier() -> DummyClassifier:
    """The classifier of a target with one class: always predicts it, with confidence 1.0."""
    return DummyClassifier(strategy="most_frequent")


class ConstantClassifier(DummyClassifier):
    """Only for loading models saved by earlier versions; new models use ``DummyClassifier`` directly.

    Those versions fitted a class of this name (its one fitted attribute:
    ``classes_``) for a target with a single class.  Unpickled, it becomes the
    ``DummyClassifier(strategy="most_frequent")`` fitted on that class, which
    predicts the same class with the same confidence (1.0).  Their pickles name
    it in ``model``, which exports it.
    """

    def __setstate__(self, state: dict[str, Any]) -> None:
        if "_strategy" not in state:  # the old class's state
            classes = np.asarray(state["classes_"])
            state = DummyClassifier(strategy="most_frequent").fit(np.zeros((len(classes), 0)), classes).__dict__
            state.pop("n_features_in_", None)  # the old class did not record it
        super().__setstate__(state)


def fitted(classifier: Any, X: Any, y: np.ndarray) -> Any:
    """``classifier`` fitted on ``X``, ``y``, its weights kept in float32 (a function a Dask worker can run)."""
    classifier.fit(X, y)
    coefficients_as_float32(classifier)
    return classifier


def coefficients_as_float32(estimator: Any) -> None:
    """Keep a linear model's weights in float32 (the dtype of the default model's TF-IDF features).

    The weights are most of a saved model (classes x features); float32 halves the
    file and the time to write and load it.  Scores move by about 1e-8, which
    changed no prediction on the bundled data or the asset register.
    """
    coef = getattr(estimator, "coef_", None)
    if isinstance(coef, np.ndarray) and coef.dtype == np.float64:
        estimator.coef_ = coef.astype(np.float32)
    # Averaged SGD keeps its plain and averaged weights (two more classes x features arrays, in
    # float64) for a later partial_fit, which a trained model never makes: at 1M rows they were 80 %
    # of the model file.  Prediction reads coef_ and intercept_ only.
    for name in ("_standard_coef", "_average_coef", "_standard_intercept", "_average_intercept"):
        if isinstance(getattr(estimator, name, None), np.ndarray):
            delattr(estimator, name)
