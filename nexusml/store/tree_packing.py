"""Decision trees in the model file: a forest's trees as a few arrays, not a dozen JSON entries per tree.

skops writes a scikit-learn ``Tree`` as its node and value arrays, each a zip
member with its own JSON description, and the ``DecisionTreeClassifier`` around
it as a JSON entry per attribute: the ``random_forest`` model type's 1,000 trees
made a file of 4,000 members, 2.3x a pickle's size, that loaded 8-11x slower
(``benchmarks/README.md``, "Model files").
:class:`PackedTrees` holds the fitted trees of a list (a forest's ``estimators_``)
instead:

- ``nodes``: one array per field of scikit-learn's node records (children,
  feature, threshold, ...), every tree's nodes one after the other, numbered
  from 0 within their tree; ``offsets[i]`` is where tree ``i`` starts.  Integer
  fields are stored in the narrowest integer type that holds them;
- the nodes' values (the class fractions of each node, mostly 0.0): a bit per
  value saying which are not 0.0, and those values;
- the estimators' other attributes: once for those equal in every tree (the
  parameters, ``classes_``), one value per tree for the others (``random_state``).

The large arrays are ``bytes`` (read from the zip without a second copy), so
they are kept once at the file's root (:class:`PackedModel`), where each forest
refers to them (:class:`TreesRef`): skops writes an object again at each place
that holds it, and a forest that two targets share would be written twice.

:meth:`PackedTrees.unpack` rebuilds the trees as scikit-learn unpickles them,
``Tree(n_features, n_classes, n_outputs)`` then ``__setstate__``, after checking
what its compiled code follows without bounds checks (:func:`nodes_inside`: child
and feature indices; :func:`depth_within`: ``max_depth``, which ``decision_path``
allocates for).  The trees it builds are always ``DecisionTreeClassifier``: the
file chooses no type here.  The values unpack to at most 64 bytes per byte of
their bit mask (a float64 per bit).
"""

from __future__ import annotations

from typing import Any

import numpy as np

TREE_LEAF = -1  # a leaf's child index (sklearn.tree._tree.TREE_LEAF)
STORED_TYPES = ("|i1", "<i2", "<i4", "<i8", "|u1", "<f8")  # the numpy types a node field may be stored as
RUN_BYTES = 1 << 20  # unpack builds trees in runs of about this many bytes of values
OUTSIDE = "a decision tree in it has node or feature indices outside the tree"
DEEPER = "a decision tree in it is deeper than its max_depth ({})"


class PackedModel:
    """A model file's root when the model holds forests: the model, and each forest's :class:`PackedTrees` once."""

    model: Any
    trees: list[PackedTrees]

    @classmethod
    def of(cls, model: Any, trees: list[PackedTrees]) -> PackedModel:
        root = cls()
        root.model, root.trees = model, trees
        return root

    @staticmethod
    def parts(root: Any) -> tuple[Any, list[PackedTrees]]:
        """The model in a file's ``root`` and the packed trees it refers to (none if the root is the model)."""
        if type(root) is not PackedModel:
            return root, []
        model, trees = vars(root).get("model"), vars(root).get("trees")
        if not isinstance(trees, list) or not all(type(t) is PackedTrees for t in trees):
            raise ValueError("its packed trees are not a list of PackedTrees")
        return model, trees


class TreesRef:
    """A forest's ``estimators_`` in a model file: which of :attr:`PackedModel.trees` they are."""

    index: int

    def __init__(self, index: int) -> None:
        self.index = index


class PackedTrees:
    """The fitted ``DecisionTreeClassifier``s of a list, their nodes and values concatenated."""

    nodes: dict[str, tuple[str, bytes]]  # NODE_DTYPE field -> (numpy type, its values' bytes), tree after tree
    offsets: np.ndarray  # int64: tree i is nodes offsets[i] to offsets[i + 1]
    max_depth: np.ndarray  # int64, one per tree
    n_features: int
    n_classes: np.ndarray  # int64, one per output
    value_mask: bytes  # np.packbits: which of the values (nodes x outputs x classes) are not 0.0
    value_data: bytes  # those values (little-endian float64), in order
    names: list[str]  # the estimators' attributes, in their order
    shared: dict[str, Any]  # the attributes equal in every tree
    varying: dict[str, Any]  # the others: a list of one value per tree (an int64 array for ints)

    @classmethod
    def pack(cls, trees: list[Any]) -> PackedTrees | None:
        """``trees`` packed; None unless they are fitted ``DecisionTreeClassifier``s of one shape."""
        if not trees or type(trees[0]).__module__ != "sklearn.tree._classes":  # without importing sklearn.tree
            return None
        from sklearn.tree import DecisionTreeClassifier
        from sklearn.tree._tree import NODE_DTYPE, Tree

        if not all(type(t) is DecisionTreeClassifier and type(vars(t).get("tree_")) is Tree for t in trees):
            return None
        first, names = trees[0].tree_, list(vars(trees[0]))
        for t in trees:
            tree = t.tree_
            if list(vars(t)) != names or (tree.n_features, tree.n_outputs) != (first.n_features, first.n_outputs):
                return None
            if not np.array_equal(tree.n_classes, first.n_classes):
                return None
        states = [t.tree_.__getstate__() for t in trees]
        values = np.concatenate([s["values"].reshape(-1) for s in states])
        nonzero = values.view(np.uint64) != 0  # by bits: -0.0 is kept
        packed = cls()
        packed.nodes = {name: _stored(np.concatenate([s["nodes"][name] for s in states])) for name in NODE_DTYPE.names}
        packed.offsets = np.cumsum([0] + [s["node_count"] for s in states], dtype=np.int64)
        packed.max_depth = np.array([s["max_depth"] for s in states], dtype=np.int64)
        packed.n_features = int(first.n_features)
        packed.n_classes = np.asarray(first.n_classes, dtype=np.int64)
        packed.value_mask = np.packbits(nonzero).tobytes()
        packed.value_data = values[nonzero].astype("<f8").tobytes()
        packed.names, packed.shared, packed.varying = names, {}, {}
        for name in names:
            if name != "tree_":
                column = [vars(t)[name] for t in trees]
                if all(_same(column[0], value) for value in column[1:]):
                    packed.shared[name] = column[0]
                elif all(type(value) is int and -(2**63) <= value < 2**63 for value in column):
                    packed.varying[name] = np.array(column, dtype=np.int64)  # random_state: one array, not 200 ints
                else:
                    packed.varying[name] = column
        return packed

    def unpack(self) -> list[Any]:
        """The trees, rebuilt once every index they hold is checked (ValueError, one line, says what is wrong)."""
        from sklearn.tree import DecisionTreeClassifier
        from sklearn.tree._tree import NODE_DTYPE, Tree

        offsets = _array(self.offsets, np.int64, "offsets")
        depths = _array(self.max_depth, np.int64, "max_depth")
        n_classes = _array(self.n_classes, np.int64, "n_classes")
        mask_bits = _buffer(self.value_mask, np.dtype(np.uint8), "value mask")
        data = _buffer(self.value_data, np.dtype("<f8"), "values")
        n_features, n_trees = self.n_features, len(offsets) - 1
        sizes = np.diff(offsets)
        if not (n_trees >= 1 and offsets[0] == 0 and np.all(sizes >= 1)):
            raise ValueError("its packed trees' node offsets do not count one node or more per tree")
        if len(depths) != n_trees or not np.all(depths >= 0):
            raise ValueError("its packed trees' depths do not match the trees")
        if type(n_features) is not int or n_features < 1 or len(n_classes) < 1 or not np.all(n_classes >= 1):
            raise ValueError("its packed trees' feature or class counts are not positive")
        columns = self._node_columns(NODE_DTYPE, int(offsets[-1]))
        if not nodes_inside(columns["left_child"], columns["right_child"], columns["feature"], sizes, n_features):
            raise ValueError(OUTSIDE)
        shape = (len(n_classes), int(n_classes.max()))  # of each node's values
        stride = shape[0] * shape[1]
        if len(mask_bits) != -(-int(offsets[-1]) * stride // 8):
            raise ValueError("its packed trees' value mask does not have a bit per value")
        mask = np.unpackbits(mask_bits, count=int(offsets[-1]) * stride).view(bool)
        if np.count_nonzero(mask) != len(data):
            raise ValueError("its packed trees' values do not match their value mask")
        template, arrays, per_tree = self._attributes(n_trees, n_features)
        # A run of trees at a time in these, which stay in the CPU's cache: __setstate__ copies from them.
        room = max(int(sizes.max()), RUN_BYTES // (8 * stride))
        nodes, values = np.zeros(room, dtype=NODE_DTYPE), np.zeros(room * stride)
        classes, bounds, taken = n_classes.astype(np.intp), offsets.tolist(), 0
        depth_of = depths.tolist()
        trees: list[Any] = []
        while len(trees) < n_trees:
            first = last = len(trees)
            while last < n_trees and bounds[last + 1] - bounds[first] <= room:
                last += 1
            base, top = bounds[first], bounds[last]
            for name, column in columns.items():
                nodes[name][: top - base] = column[base:top]
            run_values = values[: (top - base) * stride]
            where = np.flatnonzero(mask[base * stride : top * stride])
            run_values[where] = data[taken : taken + len(where)]
            taken += len(where)
            for i in range(first, last):
                start, end = bounds[i] - base, bounds[i + 1] - base
                tree = Tree(n_features, classes, shape[0])
                tree.__setstate__(
                    {
                        "max_depth": depth_of[i],
                        "node_count": end - start,
                        "nodes": nodes[start:end],
                        "values": run_values[start * stride : end * stride].reshape(end - start, *shape),
                    }
                )
                if not depth_within(tree, depth_of[i]):
                    raise ValueError(DEEPER.format(depth_of[i]))
                estimator = DecisionTreeClassifier.__new__(DecisionTreeClassifier)
                state = vars(estimator)
                state.update(template)  # every name, in order; then the ones of this tree
                state["tree_"] = tree
                for name in arrays:  # each tree its own copy, as unpickling gives
                    state[name] = state[name].copy()
                for name, column in per_tree:
                    state[name] = column[i]
                trees.append(estimator)
            run_values[where] = 0.0  # all 0.0 again for the next run
        return trees

    def _node_columns(self, dtype: np.dtype, count: int) -> dict[str, np.ndarray]:
        """The node fields, checked: one per field of ``dtype``, ``count`` long, of a type it holds exactly."""
        stored, fields = self.nodes, dict(dtype.fields or {})
        if not isinstance(stored, dict) or sorted(stored, key=str) != sorted(fields):
            names = ", ".join(sorted(map(str, stored))) if isinstance(stored, dict) else type(stored).__name__
            raise ValueError(f"its packed trees' node fields ({names[:200]}) are not this scikit-learn's")
        columns = {}
        for name, (field, *_) in fields.items():
            kind, values = stored[name] if isinstance(stored[name], tuple) and len(stored[name]) == 2 else (None, None)
            if kind not in STORED_TYPES or not np.can_cast(np.dtype(kind), field, casting="safe"):
                raise ValueError(f"its packed trees' node field {name} is not stored as a {field} it holds exactly")
            columns[name] = _buffer(values, np.dtype(kind), f"node field {name}")
            if len(columns[name]) != count:
                raise ValueError(f"its packed trees' node field {name} does not have a value per node")
        return columns

    def _attributes(self, n_trees: int, n_features: int) -> tuple[dict[str, Any], list[str], list[tuple[str, Any]]]:
        """The estimators' attributes: every name in order with the shared values, the shared arrays' names
        (each tree gets a copy), and (name, one value per tree) for the others; the names checked.
        """
        names, shared, varying = self.names, self.shared, self.varying
        if not (isinstance(names, list) and isinstance(shared, dict) and isinstance(varying, dict)):
            raise ValueError("its packed trees' attributes are not a list and two dicts")
        if not all(type(n) is str for n in names) or len(set(names)) != len(names):
            raise ValueError("its packed trees' attribute names are not distinct strings")
        if sorted(names) != sorted([*shared, *varying, "tree_"]):
            raise ValueError("its packed trees' attribute names do not match their values")
        per_tree = [(name, _column(column, n_trees)) for name, column in varying.items()]
        widths = dict(per_tree).get("n_features_in_", [shared.get("n_features_in_")])
        if any(type(width) is not int or width != n_features for width in widths):  # the forest checks its own
            raise ValueError("its packed trees read another number of features than their nodes split on")
        template = {name: shared.get(name) for name in names}
        return template, [name for name in shared if isinstance(shared[name], np.ndarray)], per_tree


def nodes_inside(left: Any, right: Any, feature: Any, sizes: Any, n_features: int) -> bool:
    """Whether trees laid end to end (of ``sizes`` nodes each, numbered from 0 in their tree) are trees whose
    compiled code stays inside them: each node is a leaf (both children ``TREE_LEAF``) or has both children
    after it in its tree and splits on a feature below ``n_features``, and each node but the first is the
    child of one node.  Following children from the root then always ends at a leaf, by one path per node.
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    n = len(left)
    if not (len(right) == len(feature) == n == int(sizes.sum())) or np.any(sizes < 1):
        return False
    firsts = np.cumsum(sizes) - sizes
    ids = np.arange(n) - np.repeat(firsts, sizes)  # each node's number in its tree
    size = np.repeat(sizes, sizes)  # its tree's node count
    low, high = np.minimum(left, right), np.maximum(left, right)
    leaf = (low == TREE_LEAF) & (high == TREE_LEAF)
    if not np.all(leaf | ((low > ids) & (high < size) & (feature >= 0) & (feature < n_features))):
        return False
    inner = np.flatnonzero(~leaf)
    children = np.concatenate([left[inner], right[inner]]) + np.tile(inner - ids[inner], 2)  # numbered in all
    parents = np.bincount(children, minlength=n)
    parents[firsts] += 1  # a root is no node's child (its children come after it)
    return bool(np.all(parents == 1))


def depth_within(tree: Any, max_depth: int) -> bool:
    """Whether no path in ``tree`` (checked by :func:`nodes_inside`) is longer than ``max_depth``, which
    ``decision_path`` allocates for, then writes without bounds checks.
    """
    return int(tree.compute_node_depths().max()) - 1 <= max_depth


def check_tree(owner: Any) -> None:
    """Check the ``tree_`` of a ``DecisionTreeClassifier`` loaded as skops built it (files written unpacked)."""
    tree = owner.tree_
    n, width = int(tree.node_count), int(tree.n_features)
    ok = 1 <= n <= int(tree.capacity) and width == getattr(owner, "n_features_in_", None)
    if not (ok and nodes_inside(tree.children_left, tree.children_right, tree.feature, [n], width)):
        raise ValueError(OUTSIDE)
    if not depth_within(tree, int(tree.max_depth)):
        raise ValueError(DEEPER.format(tree.max_depth))


def _array(value: Any, dtype: Any, name: str) -> np.ndarray:
    if not isinstance(value, np.ndarray) or value.dtype != dtype or value.ndim != 1:
        raise ValueError(f"its packed trees' {name} is not a 1-d array of {np.dtype(dtype)}")
    return value


def _buffer(value: Any, dtype: np.dtype, name: str) -> np.ndarray:
    """The ``dtype`` values in the bytes ``value``: a read-only view, not a copy."""
    if not isinstance(value, bytes) or len(value) % dtype.itemsize:
        raise ValueError(f"its packed trees' {name} are not whole {dtype} values")
    return np.frombuffer(value, dtype=dtype)


def _stored(column: np.ndarray) -> tuple[str, bytes]:
    """A node field as (type, bytes): integers in the narrowest type that holds them (node and feature
    numbers fit in 16 bits), little-endian.
    """
    if column.dtype.kind == "i" and len(column):
        low, high = int(column.min()), int(column.max())
        narrow = next(
            t for t in (np.int8, np.int16, np.int32, np.int64) if np.iinfo(t).min <= low <= high <= np.iinfo(t).max
        )
        column = column.astype(narrow)
    column = column.astype(column.dtype.newbyteorder("<"), copy=False)
    return column.dtype.str, column.tobytes()


def _column(column: Any, n_trees: int) -> list[Any]:
    if isinstance(column, np.ndarray) and column.dtype == np.int64 and column.ndim == 1:
        column = column.tolist()
    if not isinstance(column, list) or len(column) != n_trees:
        raise ValueError("its packed trees' per-tree attributes do not have one value per tree")
    return column


_PLAIN = (type(None), bool, int, str)


def _same(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` are of one type and equal bit for bit (plain values and numeric arrays only)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, _PLAIN):
        return bool(a == b)
    if isinstance(a, (float, np.generic, np.ndarray)):
        a, b = np.asarray(a), np.asarray(b)
        return a.dtype == b.dtype and a.dtype != object and a.shape == b.shape and a.tobytes() == b.tobytes()
    return False
