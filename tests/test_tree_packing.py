"""Random-forest model files: the trees packed into a few arrays load as they were, and crafted ones are refused."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier

from nexusml.features.engineering import engineer_features
from nexusml.model.trained import TrainedModel
from nexusml.store import model_format
from nexusml.store.load import ModelLoadError, load_model

# skops.io as the program imports it: a plain ``import skops.io`` builds skops's default trust lists, importing
# every scikit-learn module (and torch, where installed), a few CPU seconds in each worker that collects this file.
from nexusml.store.skops_import import skops_io
from nexusml.store.tree_packing import PackedModel, PackedTrees
from tests.test_model_files import fit, one_line_error, predict_cli, write_with_metadata


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    from scripts.synthetic import generate_inventory

    data = generate_inventory(240, seed=11)
    data["site"] = "main"  # the target fit() adds: a single class
    return data


@pytest.fixture(scope="module")
def forest(frame) -> TrainedModel:
    return fit(frame, "random_forest")


def forests(model: TrainedModel) -> dict[str, RandomForestClassifier]:
    """Each target's forest (a shared one under each target that uses it)."""
    found = {t: e.estimator if hasattr(e, "mapping") else e for t, e in model.estimator.estimators_.items()}
    return {t: f for t, f in found.items() if isinstance(f, RandomForestClassifier)}


def features(model: TrainedModel, frame: pd.DataFrame) -> Any:
    return model.features_of(engineer_features(frame, model.feature_config, with_targets=False))


def crafted(model: TrainedModel, change) -> bytes:
    """``model`` written as ``dumps`` writes it, after ``change(first forest's PackedTrees)``."""
    trees: list[PackedTrees] = []
    packed = model_format._packed(model, {}, trees)
    change(trees[0])
    return skops_io().dumps(PackedModel.of(packed, trees), compression=zipfile.ZIP_STORED)


def test_a_random_forest_round_trips_with_identical_probabilities(forest, frame):
    data = model_format.dumps(forest)
    types = model_format.file_types(data)
    assert "nexusml.store.tree_packing.PackedTrees" in types
    assert "sklearn.tree._tree.Tree" not in types  # no tree written one entry at a time
    assert types <= model_format.TRUSTED_TYPES
    # a forest two targets share is written once
    assert len(skops_io().loads(data, trusted=sorted(types)).trees) == len({id(f) for f in forests(forest).values()})

    loaded = model_format.loads(data)
    X = features(forest, frame)
    for target, original in forests(forest).items():
        again = forests(loaded)[target]
        assert again.predict_proba(X).tobytes() == original.predict_proba(X).tobytes()  # bit for bit
        assert (again.predict(X) == original.predict(X)).all()
        assert len(again.estimators_) == len(original.estimators_)
        for tree, before in zip(again.estimators_, original.estimators_, strict=True):
            assert type(tree) is type(before) and list(vars(tree)) == list(vars(before))
            assert tree.random_state == before.random_state and tree.classes_ is not before.classes_
            state, expected = tree.tree_.__getstate__(), before.tree_.__getstate__()
            assert state["max_depth"] == expected["max_depth"] and state["node_count"] == expected["node_count"]
            assert state["nodes"].tobytes() == expected["nodes"].tobytes()
            assert state["values"].tobytes() == expected["values"].tobytes()
        assert (again.feature_importances_ == original.feature_importances_).all()

    def sharing(model):  # which targets hold one forest
        return sorted(sorted(t for t, f in forests(model).items() if f is forest) for forest in forests(model).values())

    assert sharing(loaded) == sharing(forest) and len({id(f) for f in forests(forest).values()}) < len(forests(forest))
    pd.testing.assert_frame_equal(loaded.predict(frame.head(50)), forest.predict(frame.head(50)))


def test_a_file_with_unpacked_trees_from_an_earlier_version_loads(forest, frame, tmp_path):
    earlier = skops_io().dumps(forest, compression=zipfile.ZIP_STORED)  # each tree an entry of its own
    assert "sklearn.tree._tree.Tree" in model_format.file_types(earlier)
    loaded = load_model(write_with_metadata(tmp_path / "model.skops", earlier))
    X = features(forest, frame)
    for target, original in forests(forest).items():
        assert forests(loaded)[target].predict_proba(X).tobytes() == original.predict_proba(X).tobytes()


def set_node(field: str, position: int, value: int):
    """A change that stores ``value`` as node ``position``'s ``field`` (the first tree's nodes come first)."""

    def change(packed: PackedTrees) -> None:
        kind, raw = packed.nodes[field]
        column = np.frombuffer(raw, dtype=np.int64 if kind == "<i8" else kind).astype(np.int64)
        column[position] = value
        packed.nodes[field] = ("<i8", column.tobytes())

    return change


def first_split(packed: PackedTrees) -> int:
    kind, raw = packed.nodes["left_child"]
    return int(np.flatnonzero(np.frombuffer(raw, dtype=kind)[: packed.offsets[1]] != -1)[0])


def second_tree_root(packed: PackedTrees) -> int:
    return int(packed.offsets[1])


CRAFTED = {
    # compiled code follows these without a bounds check
    "child_past_the_tree": (lambda p: set_node("left_child", 0, int(p.offsets[1]) + 5)(p), "indices outside the tree"),
    "child_before_its_node": (lambda p: set_node("right_child", 0, 0)(p), "indices outside the tree"),
    "child_far_outside": (lambda p: set_node("left_child", 0, 2**40)(p), "indices outside the tree"),
    "feature_past_the_matrix": (lambda p: set_node("feature", 0, p.n_features)(p), "indices outside the tree"),
    "negative_feature": (lambda p: set_node("feature", 0, -5)(p), "indices outside the tree"),
    "half_a_leaf": (lambda p: set_node("right_child", first_split(p), -1)(p), "indices outside the tree"),
    "node_with_two_parents": (
        lambda p: set_node("right_child", 0, int(np.frombuffer(p.nodes["left_child"][1], p.nodes["left_child"][0])[0]))(
            p
        ),
        "indices outside the tree",
    ),
    "shallower_than_it_is": (lambda p: p.max_depth.__setitem__(0, 1), r"deeper than its max_depth \(1\)"),
    # the counts that size the arrays
    "offsets_past_the_nodes": (lambda p: p.offsets.__setitem__(-1, p.offsets[-1] + 10), "does not have a value per"),
    "offsets_backwards": (lambda p: p.offsets.__setitem__(1, 0), "one node or more per tree"),
    "values_short": (lambda p: setattr(p, "value_data", p.value_data[:-8]), "do not match their value mask"),
    "mask_short": (lambda p: setattr(p, "value_mask", p.value_mask[:-1]), "does not have a bit per value"),
    "more_classes": (lambda p: p.n_classes.__setitem__(0, p.n_classes[0] + 1), "does not have a bit per value"),
    "fewer_features": (lambda p: setattr(p, "n_features", 3), "indices outside the tree"),
    "node_field_as_floats": (
        lambda p: p.nodes.__setitem__("left_child", ("<f8", np.zeros(int(p.offsets[-1])).tobytes())),
        "node field left_child is not stored as",
    ),
    "node_field_missing": (lambda p: p.nodes.pop("threshold"), "node fields"),
    "node_field_not_bytes": (lambda p: p.nodes.__setitem__("threshold", ("<f8", "x")), "node field threshold"),
    "attribute_not_listed": (lambda p: p.shared.__setitem__("extra", 1), "attribute names do not match"),
    "one_random_state_short": (
        lambda p: p.varying.__setitem__("random_state", p.varying["random_state"][:-1]),
        "one value per tree",
    ),
}


@pytest.mark.parametrize("case", list(CRAFTED))
def test_packed_trees_with_indices_or_counts_that_do_not_fit_are_refused(case, forest, tmp_path):
    change, message = CRAFTED[case]
    path = write_with_metadata(tmp_path / "model.skops", crafted(forest, change))
    with pytest.raises(ModelLoadError, match=message) as caught:
        load_model(path)
    assert "\n" not in str(caught.value)


def test_a_crafted_forest_is_refused_by_nexusml_predict_in_one_line(forest, tmp_path):
    path = write_with_metadata(tmp_path / "model.skops", crafted(forest, CRAFTED["child_far_outside"][0]))
    assert "indices outside the tree" in one_line_error(predict_cli(path, tmp_path))


def test_packed_trees_anywhere_but_a_forest_are_refused(forest, tmp_path):
    trees: list[PackedTrees] = []
    packed = model_format._packed(forest, {}, trees)
    hidden = TrainedModel(packed.estimator, packed.feature_config, {}, {"x": trees[0]})
    path = write_with_metadata(tmp_path / "model.skops", skops_io().dumps(PackedModel.of(hidden, trees)))
    with pytest.raises(ModelLoadError, match="packed decision trees where a model holds none"):
        load_model(path)


def rewritten(data: bytes, change) -> bytes:
    """The skops file ``data`` with ``change(schema)`` applied to its JSON (the arrays as they were)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {m.filename: archive.read(m) for m in archive.infolist()}
    schema = json.loads(members["schema.json"])
    change(schema)
    members["schema.json"] = json.dumps(schema).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def first_tree_state(schema: Any) -> dict[str, Any]:
    """The state of the file's first Tree (a later copy of a shared forest is not read: skops reuses the first)."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("__class__") == "Tree":
                return node["content"]["content"]
            stack.extend(reversed(node.values()))
        elif isinstance(node, list):
            stack.extend(reversed(node))
    raise AssertionError("no Tree in the file")


def test_an_unpacked_tree_shallower_than_its_paths_is_refused(forest, tmp_path):
    def change(schema):  # decision_path allocates max_depth + 1 nodes a row, and writes them unchecked
        entry = first_tree_state(schema)["max_depth"]
        entry["content"] = json.dumps(1)
        entry["__id__"] = 1  # skops reuses what it built for an id seen before (a number is written by id)

    data = rewritten(skops_io().dumps(forest, compression=zipfile.ZIP_STORED), change)
    with pytest.raises(ModelLoadError, match=r"deeper than its max_depth \(1\)"):
        load_model(write_with_metadata(tmp_path / "model.skops", data))


def test_only_fitted_decision_trees_of_one_shape_are_packed(forest):
    trees = forests(forest)["category_name"].estimators_
    assert PackedTrees.pack(trees) is not None
    assert PackedTrees.pack([]) is None and PackedTrees.pack([1, 2]) is None
    from sklearn.tree import DecisionTreeClassifier

    assert PackedTrees.pack([*trees, DecisionTreeClassifier()]) is None  # not fitted
