"""Models saved before the model module was split (and before DummyClassifier) still load and predict."""

from __future__ import annotations

import gzip
import io
import json
import pickle
import shutil
import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator
from sklearn.dummy import DummyClassifier

from nexusml.config import load_feature_config
from nexusml.features.transformers import NumericBins
from nexusml.model.classifier import EquipmentClassifier
from nexusml.model.trained import TrainedModel
from nexusml.store.load import ModelLoadError, load_model
from nexusml.store.renames import RenamingUnpickler

OLD_MODULE = "nexusml.core.components.model"  # the model module of release 2.0 and before


class _OldConstantClassifier(BaseEstimator):
    """The single-class classifier of earlier versions, as it was."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(X.shape[0], self.classes_[0], dtype=object)

    def predict_proba(self, X):
        return np.ones((X.shape[0], 1))


_OldConstantClassifier.__module__ = OLD_MODULE
_OldConstantClassifier.__qualname__ = _OldConstantClassifier.__name__ = "ConstantClassifier"


def _frames():
    rng = np.random.default_rng(4)
    X = pd.DataFrame(
        {
            "combined_text": [("pump inline" if i % 3 else "fan axial") + f" {i % 11}" for i in range(120)],
            "service_life": rng.uniform(5, 30, 120),
        }
    )
    Y = pd.DataFrame({"kind": ["pump" if i % 3 else "fan" for i in range(120)], "site": ["main"] * 120})
    return X, Y


def _pickle_as_saved_by_an_earlier_version(estimator, monkeypatch) -> bytes:
    """The estimator pickled the way earlier versions wrote it: both classes named in the model module."""
    _, Y = _frames()
    old = _OldConstantClassifier().fit(None, Y["site"].to_numpy())
    estimator.estimators_["site"] = old
    with monkeypatch.context() as patch:
        _in_the_old_module(patch, ConstantClassifier=_OldConstantClassifier, NumericBins=NumericBins)
        return pickle.dumps(estimator, protocol=5)


def _in_the_old_module(patch, **classes) -> None:
    """While ``patch`` lasts, ``classes`` live in the old model module, so pickles name them there."""
    module = types.ModuleType(OLD_MODULE)
    for name, cls in classes.items():
        setattr(module, name, cls)
        patch.setattr(cls, "__module__", OLD_MODULE)
    for parent in ("nexusml.core", "nexusml.core.components"):
        patch.setitem(sys.modules, parent, types.ModuleType(parent))
    patch.setitem(sys.modules, OLD_MODULE, module)


class _Recording(RenamingUnpickler):
    def __init__(self, data: bytes):
        super().__init__(io.BytesIO(data))
        self.names: set[tuple[str, str]] = set()

    def find_class(self, module, name):
        self.names.add((module, name))
        return super().find_class(module, name)


def test_an_old_pickle_loads_and_predicts_as_a_new_model(monkeypatch):
    X, Y = _frames()
    new = EquipmentClassifier(numeric_columns=("service_life",)).fit(X[:90], Y[:90])
    expected_predictions, expected_confidence = new.predict_with_confidence(X[90:])
    old_bytes = _pickle_as_saved_by_an_earlier_version(
        EquipmentClassifier(numeric_columns=("service_life",)).fit(X[:90], Y[:90]), monkeypatch
    )
    unpickler = _Recording(old_bytes)
    loaded = unpickler.load()
    assert {(OLD_MODULE, "ConstantClassifier"), (OLD_MODULE, "NumericBins")} <= unpickler.names

    single = loaded.estimators_["site"]
    assert isinstance(single, DummyClassifier) and single.classes_.tolist() == ["main"]
    assert isinstance(loaded.transformer_.named_transformers_["numeric_bins"], NumericBins)
    predictions, confidence = loaded.predict_with_confidence(X[90:])
    pd.testing.assert_frame_equal(predictions, expected_predictions)
    pd.testing.assert_frame_equal(confidence, expected_confidence)
    assert confidence["site"].tolist() == [1.0] * 30
    assert loaded.uncalibrated_targets() == ["kind"]
    # Saved again, it names the classes where they live now, and loads as before.
    again = pickle.loads(pickle.dumps(loaded))
    pd.testing.assert_frame_equal(again.predict_with_confidence(X[90:])[1], expected_confidence)


def test_an_old_model_file_loads_through_load_model(monkeypatch, tmp_path):
    import hashlib

    X, Y = _frames()
    config = load_feature_config(None)
    estimator = EquipmentClassifier(text_column="combined_text", numeric_columns=("service_life",)).fit(X, Y)
    bundle = TrainedModel.from_training(estimator, config)
    with monkeypatch.context() as patch:
        _in_the_old_module(patch, ConstantClassifier=_OldConstantClassifier, NumericBins=NumericBins)
        estimator.estimators_["site"] = _OldConstantClassifier().fit(None, Y["site"].to_numpy())
        data = pickle.dumps(bundle, protocol=5)
    path = tmp_path / "old_model.pkl"
    path.write_bytes(data)
    (tmp_path / "old_model_metadata.json").write_text(json.dumps({"model_sha256": hashlib.sha256(data).hexdigest()}))
    with pytest.raises(ModelLoadError, match="pickle file"):
        load_model(path)  # pickles load only when trusted: they can run code
    loaded = load_model(path, trust=True)
    assert isinstance(loaded.estimator.estimators_["site"], DummyClassifier)
    predicted, confidence = loaded.estimator.predict_with_confidence(X.head(5))
    assert predicted["site"].tolist() == ["main"] * 5 and confidence["site"].tolist() == [1.0] * 5


def test_files_naming_classes_where_they_were_before_the_split_load_and_predict_the_same(monkeypatch):
    """RelabeledClassifier moved to shared_targets: skops files and pickles saved before name it in model."""
    from nexusml.model.shared_targets import RelabeledClassifier
    from nexusml.store import model_format

    X, Y = _frames()
    Y = Y.assign(kind_code="k-" + Y["kind"])  # groups the rows as kind does: it shares kind's classifier
    estimator = EquipmentClassifier(numeric_columns=("service_life",)).fit(X[:90], Y[:90])
    assert isinstance(estimator.estimators_["kind_code"], RelabeledClassifier)
    bundle = TrainedModel.from_training(estimator, load_feature_config(None))
    expected = estimator.predict_with_confidence(X[90:])
    old_name = f"{OLD_MODULE}.RelabeledClassifier"
    assert model_format.dumps(bundle) and old_name not in model_format.file_types(model_format.dumps(bundle))
    with monkeypatch.context() as patch:
        _in_the_old_module(patch, RelabeledClassifier=RelabeledClassifier)
        patch.setattr(model_format, "TRUSTED_TYPES", model_format.TRUSTED_TYPES | {old_name})  # as 2.0 wrote it
        old_skops = model_format.dumps(bundle)
        old_pickle = pickle.dumps(estimator, protocol=5)
    assert old_name in model_format.file_types(old_skops)
    unpickler = _Recording(old_pickle)
    for loaded in (model_format.loads(old_skops).estimator, unpickler.load()):
        assert isinstance(loaded.estimators_["kind_code"], RelabeledClassifier)
        predictions, confidence = loaded.predict_with_confidence(X[90:])
        pd.testing.assert_frame_equal(predictions, expected[0])
        pd.testing.assert_frame_equal(confidence, expected[1])
    assert (OLD_MODULE, "RelabeledClassifier") in unpickler.names


SAVED_2_0 = Path(__file__).resolve().parents[1] / "data" / "saved_2_0"  # written by release 2.0 (nexusml/core/...)


def _saved_2_0(tmp_path: Path, name: str, suffix: str) -> Path:
    path = tmp_path / f"{name}{suffix}"
    path.write_bytes(gzip.decompress((SAVED_2_0 / f"{name}{suffix}.gz").read_bytes()))
    shutil.copy(SAVED_2_0 / f"{name}_metadata.json", tmp_path / f"{name}_metadata.json")
    return path


def _assert_predicts_as_2_0(model: TrainedModel, expected_from: str) -> None:
    rows = pd.read_csv(SAVED_2_0 / "rows.csv", dtype=str, keep_default_na=False)
    expected = pd.read_csv(SAVED_2_0 / f"{expected_from}_predicted.csv", dtype=str, keep_default_na=False)
    predicted = model.predict(rows)
    for column in expected:
        if column.startswith("predicted_"):
            assert predicted[column].astype(str).tolist() == expected[column].tolist(), column
        else:
            np.testing.assert_allclose(predicted[column].astype(float), expected[column].astype(float), atol=1e-4)


@pytest.mark.parametrize("name", ["old_linear", "old_random_forest"])
def test_model_files_saved_by_release_2_0_load_and_predict_as_they_did(tmp_path, name):
    path = _saved_2_0(tmp_path, name, ".skops")
    assert any(t.startswith("nexusml.core.components.") for t in model_format_types(path))
    model = load_model(path)  # sha256 checked against the 2.0 metadata: the bytes are the ones 2.0 wrote
    assert model.targets == ["Kind", "Code"]
    _assert_predicts_as_2_0(model, name)


def test_a_pickle_saved_by_release_2_0_loads_when_trusted_and_predicts_as_it_did(tmp_path):
    path = _saved_2_0(tmp_path, "old_pickle", ".pkl")
    with pytest.raises(ModelLoadError, match="pickle file"):
        load_model(path)
    _assert_predicts_as_2_0(load_model(path, trust=True), "old_linear")


def test_nexusml_predict_codes_a_file_with_a_model_saved_by_release_2_0(tmp_path):
    from nexusml.commands import predict

    path = _saved_2_0(tmp_path, "old_linear", ".skops")
    out = tmp_path / "coded.csv"
    assert predict.main(["--model", str(path), "--input", str(SAVED_2_0 / "rows.csv"), "--output", str(out)]) == 0
    coded = pd.read_csv(out, dtype=str, keep_default_na=False)
    expected = pd.read_csv(SAVED_2_0 / "old_linear_predicted.csv", dtype=str, keep_default_na=False)
    assert coded["predicted_Code"].tolist() == expected["predicted_Code"].tolist()
    assert coded["predicted_Code"].str.startswith("0").all()  # digit codes keep their zeros


def model_format_types(path: Path) -> set[str]:
    from nexusml.store import model_format

    return model_format.file_types(path.read_bytes())
