"""The model file format: skops, building only the types a NexusML model holds.

A pickle file can run any code when it is loaded, and a person who hands over
a model folder controls both the model and the sha256 in its metadata.  A
``.skops`` file is a zip of a JSON description and numpy arrays; loading it
builds objects only of the types named in :data:`TRUSTED_TYPES`, by creating
them empty and setting their attributes (no constructor or ``__reduce__`` of the
file's choosing runs).  Two checks refuse a file before skops builds anything:
every type the file names must be on the list, and its zip members must be
stored uncompressed (as :func:`dumps` writes them), so a file cannot unpack to
more bytes than it has.  skops then audits the same list again.

After loading, :func:`check_loaded` checks the arrays that scikit-learn's
compiled code indexes without bounds checks (a type check cannot see them): a
vectorizer's vocabulary must number its columns 0..n-1, and a decision tree's
child and feature indices must stay inside the tree and the feature matrix, and
its paths no longer than its ``max_depth``.

The vectorizers' vocabularies (tens of thousands of terms) are written as one
packed string (:class:`PackedVocabulary`) instead of a JSON entry per term,
which made files 5x larger and loading 40x slower than pickle (``benchmarks/bench_model_files.py``).
A forest's trees are written as a few arrays (``tree_packing``), not a dozen
entries per tree; files written before that still load, and are checked alike.

To let the model hold a new type (an attribute of a new kind, another
scikit-learn estimator), add its full name to the list below; the tests dump a
model of every type and fail on a name that is not listed.
"""

from __future__ import annotations

import copy
import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import numpy as np

from nexusml.errors import NexusMLError
from nexusml.store import renames, tree_packing
from nexusml.store.skops_import import skops_io
from nexusml.store.tree_packing import PackedModel, PackedTrees, TreesRef

# The JSON part of a model: a few hundred kB for a default model, a few MB for a random forest.
MAX_SCHEMA_BYTES = 256 * 1024 * 1024

# Every type a saved NexusML model names, and nothing else.
NEXUSML_TYPES = (
    "nexusml.model.trained.TrainedModel",
    "nexusml.model.classifier.EquipmentClassifier",
    "nexusml.model.shared_targets.RelabeledClassifier",
    "nexusml.features.transformers.NumericBins",
    "nexusml.features.text_features.WordwiseTfidfVectorizer",
    "nexusml.features.transformers.RangeClipper",
    "nexusml.features.sentence_encoder.TextEmbeddings",  # the encoder's name and fingerprint, not its weights
    "nexusml.model.scoring.JointDecoder",  # class indices, used by numpy indexing (bounds-checked)
    "nexusml.store.model_format.PackedVocabulary",
    "nexusml.store.tree_packing.PackedModel",  # the root of a file with forests
    "nexusml.store.tree_packing.PackedTrees",  # a forest's trees; unpacked with its indices checked
    "nexusml.store.tree_packing.TreesRef",
    "nexusml.config.feature_config.FeatureConfig",
    "nexusml.config.feature_config.TextCombination",
    "nexusml.config.feature_config.NumericColumn",
    "nexusml.config.feature_config.Hierarchy",
    "nexusml.config.feature_config.ColumnMapping",
)
SKLEARN_TYPES = (
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.pipeline.Pipeline",  # the numeric columns' RangeClipper then StandardScaler
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.preprocessing._data.StandardScaler",
    "sklearn.svm._classes.LinearSVC",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.linear_model._stochastic_gradient.SGDClassifier",
    "sklearn.linear_model._sgd_fast.ModifiedHuber",  # the loss of the sgd model type
    "sklearn.linear_model._sgd_fast.Hinge",  # the loss of the default above LARGE_DATA_ROWS
    "sklearn.ensemble._forest.RandomForestClassifier",
    "sklearn.tree._classes.DecisionTreeClassifier",
    # Tree stores node indices scikit-learn follows unchecked: check_loaded checks them.  Files written
    # since the trees are packed (tree_packing) name it no more; earlier ones do.
    "sklearn.tree._tree.Tree",
    "sklearn.dummy.DummyClassifier",
)
NUMPY_TYPES = (
    "numpy.ndarray",
    "numpy.dtype",
    "numpy.bool_",
    "numpy.int8",
    "numpy.int16",
    "numpy.int32",
    "numpy.int64",
    "numpy.uint8",
    "numpy.uint16",
    "numpy.uint32",
    "numpy.uint64",
    "numpy.float16",
    "numpy.float32",
    "numpy.float64",
    "numpy.str_",
    "numpy.bytes_",
    "numpy.object_",
    "numpy.random.mtrand.RandomState",
)
BUILTIN_TYPES = (
    "builtins.dict",
    "builtins.list",
    "builtins.tuple",
    "builtins.set",
    "builtins.slice",
    "builtins.str",
    "builtins.int",
    "builtins.float",
    "builtins.bool",
    "builtins.NoneType",
    "builtins.bytes",
)
TRUSTED_TYPES: frozenset[str] = frozenset(NEXUSML_TYPES + SKLEARN_TYPES + NUMPY_TYPES + BUILTIN_TYPES)


class ModelFormatError(NexusMLError):
    """A model file NexusML will not build (the message is one line, without the path)."""


class PackedVocabulary:
    """A vectorizer's ``vocabulary_`` as one string: the terms in column order, each followed by a NUL.

    ``ends[i]`` is where term ``i`` ends, in characters: it is read back by these
    offsets when a term itself holds a NUL.
    """

    text: np.ndarray  # UTF-8 bytes of the terms joined by NUL (uint8)
    ends: np.ndarray  # where each term ends in the joined text, in characters (int64)

    @classmethod
    def pack(cls, vocabulary: dict[str, int]) -> PackedVocabulary:
        terms = sorted(vocabulary, key=vocabulary.__getitem__)  # a fitted vocabulary numbers them 0..n-1
        packed = cls()
        packed.text = np.frombuffer("\0".join(terms).encode("utf-8"), dtype=np.uint8)
        packed.ends = np.cumsum([len(term) + 1 for term in terms], dtype=np.int64) - 1
        return packed

    def unpack(self) -> dict[str, int]:
        text = np.asarray(self.text, dtype=np.uint8).tobytes().decode("utf-8")
        ends = np.asarray(self.ends, dtype=np.int64).tolist()
        terms = text.split("\0")
        if len(terms) != len(ends):  # a term holds a NUL (or there are none): cut by the offsets
            starts = [0] + [end + 1 for end in ends[:-1]]
            terms = list(map(text.__getitem__, map(slice, starts, ends)))
        return dict(zip(terms, range(len(ends)), strict=True))


def dumps(model: Any) -> bytes:
    """The skops bytes of ``model`` (vocabularies packed; ``model`` itself is not changed)."""
    trees: list[PackedTrees] = []
    packed = _packed(model, {}, trees)
    data = skops_io().dumps(PackedModel.of(packed, trees) if trees else packed, compression=zipfile.ZIP_STORED)
    unknown = sorted(file_types(data) - TRUSTED_TYPES)
    if unknown:
        raise ModelFormatError(
            f"the model holds types a model file does not load ({', '.join(unknown)}); "
            "add them to TRUSTED_TYPES in nexusml/store/model_format.py if they are safe to build"
        )
    return data


def loads(data: bytes) -> Any:
    """Build the object in skops ``data``, refusing any type not in :data:`TRUSTED_TYPES`.

    A file of an earlier release names some classes where they were then: they are read where they are now.
    """
    tree = _schema(data)
    data = _with_current_names(data, tree)  # rewrites the names in ``tree`` too
    types = _types_in(tree)
    unknown = sorted(types - TRUSTED_TYPES)
    if unknown:
        shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        raise ModelFormatError(
            f"it names types a NexusML model does not hold ({shown}), so it is not loaded "
            "(a model file may only hold NexusML's and scikit-learn's model types)"
        )
    try:
        root = skops_io().loads(data, trusted=sorted(types))  # all listed; skops checks each node against them
    except Exception as exc:
        raise ModelFormatError(f"skops cannot load it ({type(exc).__name__}: {_first_line(exc)})") from None
    try:
        model, trees = PackedModel.parts(root)
    except ValueError as exc:
        raise ModelFormatError(_first_line(exc)) from None
    check_loaded(model, trees)
    return model


def _schema(data: bytes) -> Any:
    """The JSON description of the skops file ``data`` (nothing is built)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            compressed = [m.filename for m in members if m.compress_type != zipfile.ZIP_STORED]
            if compressed:
                raise ModelFormatError(f"its part {compressed[0]} is compressed, which NexusML never writes")
            schema = archive.getinfo("schema.json")
            if schema.file_size > MAX_SCHEMA_BYTES:
                raise ModelFormatError(f"its schema.json is {schema.file_size} bytes, over {MAX_SCHEMA_BYTES}")
            return json.loads(archive.read(schema))
    except ModelFormatError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, RecursionError, OSError) as exc:
        raise ModelFormatError(f"it is not a skops model file ({type(exc).__name__}: {_first_line(exc)})") from None


def file_types(data: bytes) -> set[str]:
    """Every ``module.Class`` the skops file ``data`` names (read from its JSON, nothing is built).

    Not ``skops.io.get_untrusted_types``: that leaves out what skops trusts by default, every
    scikit-learn estimator once skops is imported the usual way, and this list must hold every type
    the file names, to be checked against :data:`TRUSTED_TYPES` alone.
    """
    return _types_in(_schema(data))


def _types_in(schema: Any) -> set[str]:
    found: set[str] = set()
    stack = [schema]
    while stack:  # iterative: a deeply nested file cannot exhaust the stack
        node = stack.pop()
        if isinstance(node, dict):
            if "__class__" in node or "__module__" in node:
                found.add(f"{node.get('__module__')}.{node.get('__class__')}")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _with_current_names(data: bytes, tree: Any) -> bytes:
    """``data`` with the classes an earlier release's file names (in its schema ``tree``) where they live now
    (``renames``; ``tree`` is rewritten to match); a file that names none is returned as it is."""
    if not renames.rename_schema(tree):
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as archive, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as renamed:
        for member in archive.infolist():
            content = json.dumps(tree).encode("utf-8") if member.filename == "schema.json" else archive.read(member)
            renamed.writestr(member.filename, content, compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def check_loaded(model: Any, trees: list[PackedTrees] | None = None) -> None:
    """Unpack the vocabularies and ``trees`` (the forests refer to them), and check the indices compiled code
    follows without bounds checks.
    """
    unpacked: dict[int, list[Any]] = {}  # number in trees -> the trees built from it
    built: set[int] = set()  # those trees: checked as they were built, so not walked
    for obj in _objects(model, skip=built):
        if isinstance(obj, (PackedModel, PackedTrees, TreesRef)):  # a TreesRef only as an estimator's attribute
            raise ModelFormatError("it holds packed decision trees where a model holds none")
        for name, value in list(vars(obj).items()):
            if isinstance(value, TreesRef):
                setattr(obj, name, _unpacked(value, trees or [], unpacked, built))
        vocabulary = getattr(obj, "vocabulary_", None)
        if isinstance(vocabulary, PackedVocabulary):
            try:
                obj.vocabulary_ = vocabulary.unpack()
            except (ValueError, TypeError, AttributeError) as exc:
                raise ModelFormatError(f"a vocabulary in it is damaged ({_first_line(exc)})") from None
            if len(obj.vocabulary_) != len(vocabulary.ends):  # a repeated term: columns past the matrix
                raise ModelFormatError("a vocabulary in it does not number its columns 0..n-1")
        elif isinstance(vocabulary, dict):
            _check_vocabulary(vocabulary)
        if hasattr(obj, "tree_"):
            try:
                tree_packing.check_tree(obj)
            except ValueError as exc:
                raise ModelFormatError(_first_line(exc)) from None
        estimators = getattr(obj, "estimators_", None)
        if isinstance(estimators, list) and any(hasattr(e, "tree_") for e in estimators):
            width = getattr(obj, "n_features_in_", None)
            if any(getattr(e, "n_features_in_", None) != width for e in estimators):
                raise ModelFormatError("a forest in it has trees that read another number of features")


def _check_vocabulary(vocabulary: dict[Any, Any]) -> None:
    if not _is_numbering(vocabulary):
        raise ModelFormatError("a vocabulary in it does not number its columns 0..n-1")


def _is_numbering(vocabulary: Any) -> bool:
    """Whether ``vocabulary`` maps strings to the column numbers 0..n-1, each once (a fitted vectorizer's)."""
    if not isinstance(vocabulary, dict) or not all(type(term) is str for term in vocabulary):
        return False
    columns = list(vocabulary.values())
    if not all(isinstance(c, (int, np.integer)) and not isinstance(c, bool) for c in columns):
        return False
    return sorted(map(int, columns)) == list(range(len(columns)))


def _unpacked(ref: TreesRef, trees: list[PackedTrees], unpacked: dict[int, list[Any]], built: set[int]) -> list[Any]:
    """The trees ``ref`` refers to, unpacked and checked (once, however many forests refer to them)."""
    index = vars(ref).get("index")
    if type(index) is not int or not 0 <= index < len(trees):
        raise ModelFormatError("a forest in it refers to packed trees it does not hold")
    if index not in unpacked:
        packed = trees[index]
        check_loaded([getattr(packed, "shared", None), getattr(packed, "varying", None)])  # the rest trees hold
        try:
            unpacked[index] = packed.unpack()
        except (ValueError, TypeError, AttributeError, MemoryError) as exc:
            raise ModelFormatError(_first_line(exc)) from None
        built.update(map(id, unpacked[index]))
    return unpacked[index]


def _objects(root: Any, skip: set[int] | None = None) -> Iterator[Any]:
    """Each NexusML or scikit-learn object reachable from ``root`` (through attributes, lists, tuples, dicts), once.

    Objects whose id is in ``skip`` are left out, with what they hold; the caller may add to it meanwhile.
    """
    seen: set[int] = set()
    skip = set() if skip is None else skip
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or id(obj) in skip:
            continue
        seen.add(id(obj))
        if isinstance(obj, (list, tuple, set)):
            stack.extend(obj)
        elif isinstance(obj, dict):
            stack.extend(obj.values())
        elif _is_model_object(obj):
            yield obj
            stack.extend(v for k, v in vars(obj).items() if k != "vocabulary_")  # checked by the caller


def _is_model_object(obj: Any) -> bool:
    return type(obj).__module__.split(".")[0] in ("nexusml", "sklearn") and hasattr(obj, "__dict__")


def _packed(obj: Any, memo: dict[int, Any], trees: list[PackedTrees]) -> Any:
    """``obj`` with every vectorizer's vocabulary packed, and every forest's trees packed into ``trees``: the
    objects on the way are copied, the rest shared.
    """
    key = id(obj)
    if key in memo:
        return memo[key]
    memo[key] = obj  # a cycle back to an object being copied keeps the original
    out = obj
    if isinstance(obj, (list, tuple)):
        items = [_packed(item, memo, trees) for item in obj]
        if any(a is not b for a, b in zip(items, obj, strict=True)):
            out = type(obj)(items) if type(obj) in (list, tuple) else obj
    elif isinstance(obj, dict):
        values = {k: _packed(v, memo, trees) for k, v in obj.items()}
        if any(values[k] is not obj[k] for k in obj):
            out = values if type(obj) is dict else obj
    elif _is_model_object(obj):
        state: dict[str, Any] = {}
        for name, value in vars(obj).items():
            if name == "vocabulary_" and _is_numbering(value):
                state[name] = PackedVocabulary.pack(value)
            elif isinstance(value, list) and (ref := _packed_trees(value, memo, trees)) is not None:
                state[name] = ref
            else:
                state[name] = _packed(value, memo, trees)
        if any(state[k] is not v for k, v in vars(obj).items()):
            out = copy.copy(obj)
            vars(out).update(state)
    memo[key] = out
    return out


def _packed_trees(value: list[Any], memo: dict[int, Any], trees: list[PackedTrees]) -> TreesRef | None:
    """A list of fitted decision trees (a forest's ``estimators_``) packed into ``trees``, once however often
    it is held; what refers to them there.
    """
    if id(value) not in memo and (packed := PackedTrees.pack(value)) is not None:
        memo[id(value)] = TreesRef(len(trees))
        trees.append(packed)
    found = memo.get(id(value))
    return found if isinstance(found, TreesRef) else None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
