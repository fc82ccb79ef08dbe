"""Model files handed over by someone else: a crafted file runs nothing, its metadata is read with limits."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nexusml.commands import predict
from nexusml.config import load_feature_config
from nexusml.features.engineering import engineer_features
from nexusml.model.classifier import EquipmentClassifier
from nexusml.model.shared_targets import RelabeledClassifier
from nexusml.model.trained import TrainedModel
from nexusml.store import model_format
from nexusml.store.load import ModelLoadError, load_model
from nexusml.store.serializer import main as resave_main
from nexusml.store.serializer import save_model

# skops.io as the program imports it: a plain ``import skops.io`` builds skops's default trust lists, importing
# every scikit-learn module (and torch, where installed), a few CPU seconds in each worker that collects this file.
from nexusml.store.skops_import import skops_io
from tests.conftest import call_main

MODEL_TYPES = ["linear", "linear_svc", "logreg", "sgd", "random_forest"]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    from scripts.synthetic import generate_inventory

    # 120 rows: every file a model type writes holds its types (and targets sharing a classifier) as with more;
    # the fits, a dozen in this file, are what the rows cost.
    data = generate_inventory(120, seed=11)
    data["site"] = "main"  # a target with a single class
    return data


def fit(frame: pd.DataFrame, model_type: str = "linear", numeric: bool = True) -> TrainedModel:
    base = load_feature_config(None)
    config = base.with_columns(targets=(*base.targets, "site"), numeric_columns=None if numeric else ())
    features = engineer_features(frame, config)
    # A small forest keeps the test fast; its file holds the same types as the default 200 trees.
    params = {t: {"n_estimators": 8} for t in config.targets} if model_type == "random_forest" else None
    estimator = EquipmentClassifier(
        model_type=model_type,
        text_column=config.text_feature,
        numeric_columns=config.numeric_features,
        target_params=params,
    ).fit(features.X, features.Y)
    return TrainedModel.from_training(estimator, config)


@pytest.fixture(scope="module")
def model(frame) -> TrainedModel:
    return fit(frame)


@pytest.fixture(scope="module")
def small_model(frame) -> TrainedModel:
    """A model of a few hundred terms, for files written by skops's own ``dumps`` (a JSON entry per term)."""
    return fit(frame.head(60))


def write_with_metadata(path: Path, data: bytes, **metadata) -> Path:
    """``data`` in ``path`` with a metadata file whose sha256 matches, as a person handing it over would."""
    path.write_bytes(data)
    meta = {"model_sha256": hashlib.sha256(data).hexdigest(), **metadata}
    path.with_name(f"{path.stem}_metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    return path


def one_line_error(done) -> str:
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def predict_cli(model_path: Path, tmp_path: Path, *extra: str):
    source = tmp_path / "rows.csv"
    pd.DataFrame({"description": ["fire pump 750 gpm"]}).to_csv(source, index=False)
    return call_main(
        predict.main,
        "--model", str(model_path), "--input", str(source), "--output", str(tmp_path / "out.csv"), *extra,
    )  # fmt: skip


# -- every model type: only listed types, the same predictions --


@pytest.mark.parametrize("numeric", [True, False], ids=["numeric", "text_only"])
@pytest.mark.parametrize("model_type", MODEL_TYPES)
def test_every_model_type_holds_only_listed_types_and_round_trips(model_type, numeric, frame, tmp_path):
    model = fit(frame, model_type, numeric)
    assert any(isinstance(e, RelabeledClassifier) for e in model.estimator.estimators_.values())  # shared
    assert model.estimator.estimators_["site"].classes_.tolist() == ["main"]  # single class
    data = model_format.dumps(model)
    types = model_format.file_types(data)
    assert types <= model_format.TRUSTED_TYPES
    assert set(skops_io().get_untrusted_types(data=data)) <= model_format.TRUSTED_TYPES
    assert "nexusml.store.model_format.PackedVocabulary" in types  # not one JSON entry per term

    saved = save_model(model, {"model_type": model_type}, tmp_path, "m", "20260101_000000")
    assert saved.model_path.suffix == ".skops" and saved.latest_model_path.name == "m_latest.skops"
    loaded = load_model(saved.latest_model_path)
    sample = frame.head(80)
    pd.testing.assert_frame_equal(loaded.predict(sample), model.predict(sample))
    expected, expected_conf, _ = model.estimator.predict_features(model.features_of(engineer_features(
        sample, model.feature_config, with_targets=False)))  # fmt: skip
    got, got_conf, _ = loaded.estimator.predict_features(loaded.features_of(engineer_features(
        sample, loaded.feature_config, with_targets=False)))  # fmt: skip
    pd.testing.assert_frame_equal(got, expected)
    pd.testing.assert_frame_equal(got_conf, expected_conf, check_exact=True)  # unrounded, bit for bit
    assert loaded.feature_config == model.feature_config and loaded.versions == model.versions


def test_the_large_data_classifier_holds_only_listed_types(frame):
    from nexusml.model.factory import large_data_classifier

    model = fit(frame, "sgd")
    params = large_data_classifier(0, 1).get_params()
    model.estimator.estimators_["category_name"].set_params(**params).fit(
        model.features_of(engineer_features(frame, model.feature_config)), frame["category_name"]
    )
    assert model_format.file_types(model_format.dumps(model)) <= model_format.TRUSTED_TYPES


def test_saving_leaves_the_model_as_it_was(model):
    vectorizers = model.estimator.transformer_.named_transformers_["text"].transformer_list
    before = {name: dict(v.vocabulary_) for name, v in vectorizers}
    model_format.dumps(model)
    assert {name: v.vocabulary_ for name, v in vectorizers} == before


def test_a_type_missing_from_the_list_fails_the_save(model, monkeypatch):
    monkeypatch.setattr(model_format, "TRUSTED_TYPES", model_format.TRUSTED_TYPES - {"sklearn.svm._classes.LinearSVC"})
    with pytest.raises(model_format.ModelFormatError, match=r"sklearn\.svm\._classes\.LinearSVC.*TRUSTED_TYPES"):
        model_format.dumps(model)


# -- crafted files --


class MakesMarker:
    """Unpickled, it creates ``marker`` (a stand-in for any command)."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


def crafted_pickle(model: TrainedModel, marker: Path) -> bytes:
    """A working model with code hidden inside: it runs on load, then predicts as the real model does."""
    hidden = TrainedModel(model.estimator, model.feature_config, dict(model.versions), {"x": MakesMarker(marker)})
    return pickle.dumps(hidden, protocol=5)


def test_a_crafted_pickle_with_a_matching_sha256_runs_nothing(model, tmp_path):
    marker = tmp_path / "PWNED"
    path = write_with_metadata(tmp_path / "model.skops", crafted_pickle(model, marker))
    with pytest.raises(ModelLoadError, match="pickle files can run code when they are loaded") as caught:
        load_model(path)
    assert "\n" not in str(caught.value) and "--trust" in str(caught.value)
    assert not marker.exists()
    line = one_line_error(predict_cli(path, tmp_path))
    assert "pickle files can run code" in line and "--trust" in line
    assert not marker.exists()


def test_a_joblib_file_runs_nothing_without_trust(model, tmp_path):
    import joblib

    marker = tmp_path / "PWNED"
    hidden = TrainedModel(model.estimator, model.feature_config, {}, {"x": MakesMarker(marker)})
    path = tmp_path / "model.pkl"
    joblib.dump(hidden, path, compress=3)
    write_with_metadata(path, path.read_bytes())
    with pytest.raises(ModelLoadError, match="pickle file"):
        load_model(path)
    assert not marker.exists()


class Untrusted:
    """Built by skops only if its type were trusted; building it would create ``marker``."""

    def __init__(self, marker: str):
        self.marker = marker

    def __setstate__(self, state):
        os.mkdir(state["marker"])


@pytest.mark.parametrize("payload", ["object", "function"])
def test_a_skops_file_naming_a_type_off_the_list_is_refused(payload, small_model, tmp_path):
    marker = tmp_path / "PWNED"
    hidden = Untrusted(str(marker)) if payload == "object" else os.mkdir
    crafted = TrainedModel(small_model.estimator, small_model.feature_config, {}, {"x": hidden})
    path = write_with_metadata(tmp_path / "model.skops", skops_io().dumps(crafted))
    name = f"{__name__}.Untrusted" if payload == "object" else "mkdir"
    with pytest.raises(ModelLoadError, match="types a NexusML model does not hold") as caught:
        load_model(path)
    assert name in str(caught.value) and "\n" not in str(caught.value)
    line = one_line_error(predict_cli(path, tmp_path))
    assert "types a NexusML model does not hold" in line
    assert not marker.exists()
    # --trust skips the sha256 check, not the list: a skops file never builds other types.
    assert "types a NexusML model does not hold" in one_line_error(predict_cli(path, tmp_path, "--trust"))


def test_a_vocabulary_numbering_columns_past_the_matrix_is_refused(small_model, tmp_path):
    crafted = pickle.loads(pickle.dumps(small_model))
    vectorizer = crafted.estimator.transformer_.named_transformers_["text"].transformer_list[0][1]
    term = next(iter(vectorizer.vocabulary_))
    vectorizer.vocabulary_[term] = 10**9  # scipy would read far outside the weights
    path = write_with_metadata(tmp_path / "model.skops", skops_io().dumps(crafted))
    with pytest.raises(ModelLoadError, match="vocabulary in it does not number its columns"):
        load_model(path)


def test_a_tree_with_indices_outside_it_is_refused(frame, tmp_path):
    forest = fit(frame, "random_forest")
    tree = forest.estimator.estimators_["category_name"].estimators_[0].tree_
    state = tree.__getstate__()
    nodes = state["nodes"].copy()
    nodes["left_child"][0] = 10**6  # followed without a bounds check when predicting
    tree.__setstate__(dict(state, nodes=nodes))
    path = write_with_metadata(tmp_path / "model.skops", skops_io().dumps(forest))
    with pytest.raises(ModelLoadError, match="decision tree in it has node or feature indices outside"):
        load_model(path)


def test_a_compressed_skops_file_is_refused(small_model, tmp_path):
    import zipfile

    data = skops_io().dumps(small_model, compression=zipfile.ZIP_DEFLATED)
    path = write_with_metadata(tmp_path / "model.skops", data)
    with pytest.raises(ModelLoadError, match="compressed, which NexusML never writes"):
        load_model(path)


def test_a_file_that_is_neither_format_is_refused_in_one_line(tmp_path):
    path = write_with_metadata(tmp_path / "model.skops", b"PK\x03\x04 not really a zip")
    with pytest.raises(ModelLoadError, match="not a skops model file"):
        load_model(path)


# -- the metadata file --


def metadata_case(tmp_path: Path, case: str) -> Path:
    path = tmp_path / "model.skops"
    path.write_bytes(b"PK\x03\x04")
    meta = tmp_path / "model_metadata.json"
    if case == "list":
        meta.write_text(json.dumps([{"model_sha256": "0" * 64}]))
    elif case == "string":
        meta.write_text('"just a string"')
    elif case == "dev_zero":
        meta.symlink_to("/dev/zero")
    elif case == "fifo":
        os.mkfifo(meta)
    elif case == "folder":
        meta.mkdir()
    elif case == "not_json":
        meta.write_text("{not json")
    elif case == "deep":
        meta.write_text("[" * 100_000 + "]" * 100_000)
    elif case == "not_utf8":
        meta.write_bytes(b'{"a": "\xff"}')
    return path


METADATA_CASES = {
    "list": "holds a JSON list, not an object",
    "string": "holds a JSON string, not an object",
    "dev_zero": "not a regular file",
    "fifo": "not a regular file",
    "folder": "not a regular file",
    "not_json": "is not readable JSON",
    "deep": "is not readable JSON",
    "not_utf8": "is not readable JSON",
}


@pytest.mark.parametrize("case", list(METADATA_CASES))
def test_metadata_that_is_not_a_json_object_in_a_file_is_refused_in_one_line(case, tmp_path):
    path = metadata_case(tmp_path, case)
    with pytest.raises(ModelLoadError, match=METADATA_CASES[case]) as caught:
        load_model(path)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("case", ["list", "dev_zero", "fifo"])
def test_metadata_refusals_through_nexusml_predict(case, tmp_path):
    line = one_line_error(predict_cli(metadata_case(tmp_path, case), tmp_path))
    assert METADATA_CASES[case] in line


def test_metadata_over_the_size_cap_is_refused(tmp_path, monkeypatch):
    from nexusml.store import load as predictor

    path = metadata_case(tmp_path, "none")
    (tmp_path / "model_metadata.json").write_text(json.dumps({"pad": "x" * 2000}))
    monkeypatch.setattr(predictor, "MAX_METADATA_BYTES", 1000)
    with pytest.raises(ModelLoadError, match="a metadata file is at most"):
        load_model(path)


# -- pickles of earlier versions --


def test_an_old_pickle_loads_with_trust_and_says_how_to_resave_it(model, frame, tmp_path, caplog):
    path = write_with_metadata(tmp_path / "old.pkl", pickle.dumps(model, protocol=5), created="2025-01-01")
    with pytest.raises(ModelLoadError, match=r"is a pickle file .*pass --trust .*re-save"):
        load_model(path)
    loaded = load_model(path, trust=True)
    pd.testing.assert_frame_equal(loaded.predict(frame.head(20)), model.predict(frame.head(20)))
    assert "python -m nexusml.store.serializer" in caplog.text

    done = predict_cli(path, tmp_path, "--trust")
    assert done.returncode == 0, done.stderr
    hints = [line for line in done.stderr.splitlines() if "re-save" in line]
    assert len(hints) == 1 and "pickle files can run code" in hints[0]
    line = one_line_error(predict_cli(path, tmp_path))
    assert "pickle files can run code when they are loaded" in line and "--trust" in line


def test_an_old_pickle_resaved_loads_without_trust(model, frame, tmp_path, capsys):
    path = write_with_metadata(tmp_path / "old.pkl", pickle.dumps(model, protocol=5), created="2025-01-01")
    assert resave_main([str(path)]) == 0
    new = tmp_path / "old.skops"
    assert str(new) in capsys.readouterr().out
    loaded = load_model(new)
    assert loaded.metadata["created"] == "2025-01-01" and loaded.metadata["model_file"] == "old.skops"
    pd.testing.assert_frame_equal(loaded.predict(frame.head(20)), model.predict(frame.head(20)))
    assert resave_main([str(path)]) == 1  # the .skops exists: not overwritten
    assert "already exists" in capsys.readouterr().err


def test_a_new_save_retires_an_earlier_latest_pickle(model, tmp_path):
    old = tmp_path / "m_20250101_000000.pkl"
    old.write_bytes(pickle.dumps(model, protocol=5))
    os.link(old, tmp_path / "m_latest.pkl")
    saved = save_model(model, {}, tmp_path, "m", "20260101_000000")
    assert not (tmp_path / "m_latest.pkl").exists() and old.exists()
    meta = json.loads(saved.latest_metadata_path.read_text())
    assert meta["model_file"] == "m_latest.skops"


def test_packed_vocabulary_round_trips_any_terms():
    for vocabulary in ({"é ü": 2, "": 0, "日本": 1, "a\nb": 3}, {"a\0b": 1, "c": 0, "\0": 2}, {"": 0}):
        assert model_format.PackedVocabulary.pack(vocabulary).unpack() == vocabulary
    packed = model_format.PackedVocabulary.pack({})
    assert packed.unpack() == {} and packed.ends.dtype == np.int64


def test_loading_a_model_does_not_build_skops_default_trust_lists(model, tmp_path):
    # skops builds its own default trust lists on import: every scikit-learn estimator (importing every
    # scikit-learn module, over a second at the start of every prediction) and every ufunc (0.16 s).
    # NexusML passes its own list, so it skips them, and puts back what it replaced for the import.
    saved = save_model(model, {}, tmp_path, "m", "20260101_000000")
    code = (
        "import sys, sklearn.utils\n"
        "every_estimator = sklearn.utils.all_estimators\n"
        "from nexusml.store.load import load_model\n"
        f"load_model({str(saved.model_path)!r})\n"
        "print(sorted(m for m in ('sklearn.neural_network', 'sklearn.gaussian_process') if m in sys.modules))\n"
        "import skops.io._trusted_types as lists, skops.io._utils as helpers\n"
        "print(lists.SCIPY_UFUNC_TYPE_NAMES, lists.NUMPY_UFUNC_TYPE_NAMES)\n"
        "print(sklearn.utils.all_estimators is every_estimator, len(helpers.get_public_type_names(sys, type)) > 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["[]", "[] []", "True True"], done.stderr
