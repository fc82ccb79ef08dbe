"""Saving and loading a model: pickle (earlier versions) versus skops (the model file format now).

    python benchmarks/bench_model_files.py [--rows 2400,20000] [--model-type linear] [--repeat 5]

Fits the model once per dataset (the bundled inventory for 2,400 rows, else
``generate_inventory(rows)``), then times, median of ``--repeat`` runs:

- pickle: ``pickle.dumps`` / ``pickle.loads`` (protocol 5, what earlier versions wrote);
- skops, plain: ``skops.io.dumps`` / ``skops.io.loads`` of the model as it is (one JSON entry per
  vocabulary term);
- skops, trees unpacked (only for a model with forests, e.g. ``--model-type random_forest``): the file
  as NexusML wrote it before the trees were packed (vocabularies packed, each tree an entry of its
  own), loaded with ``model_format.loads``, which still reads such files;
- skops, NexusML: ``model_format.dumps`` / ``model_format.loads`` (vocabularies and trees packed, the
  type check, the index checks): what ``save_model`` and ``load_model`` do.

It also checks that each skops model predicts exactly what the pickled one does, with the same
confidences bit for bit (unrounded, as ``predict_features`` returns them), and times a fresh process
loading the model (``import`` of the loader plus the load, the two formats alternating), which is
what ``nexusml-predict`` pays once.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FRESH_LOAD = """
import sys, time
t = time.perf_counter()
{imports}
loaded = {load}
print(time.perf_counter() - t)
"""


def _median(repeat: int, work) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _frame(rows: int):
    from nexusml.readers.loader import load_data
    from scripts.synthetic import generate_inventory

    bundled = ROOT / "nexusml" / "data" / "equipment_inventory.csv"
    if rows == 2400 and bundled.exists():
        return load_data(bundled, None), "bundled inventory"
    return generate_inventory(rows, seed=42), f"generate_inventory({rows})"


def _fresh_loads(codes: list[str], repeat: int) -> list[float]:
    """Median seconds of each of ``codes`` run in a fresh process, the codes alternating so both see the same load."""
    times: list[list[float]] = [[] for _ in codes]
    for _ in range(repeat):
        for code, taken in zip(codes, times, strict=True):
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
            taken.append(float(out.stdout.strip().splitlines()[-1]))
    return [statistics.median(taken) for taken in times]


def _holds_forests(data: bytes) -> bool:
    from nexusml.store import model_format

    return "nexusml.store.tree_packing.PackedTrees" in model_format.file_types(data)


def _trees_unpacked(model) -> bytes:
    """``model`` as NexusML wrote it before the trees were packed: vocabularies packed, each tree on its own."""
    from nexusml.store import model_format
    from nexusml.store.tree_packing import PackedTrees

    pack = vars(PackedTrees)["pack"]
    PackedTrees.pack = classmethod(lambda cls, trees: None)
    try:
        return model_format.dumps(model)
    finally:
        PackedTrees.pack = pack


def _scores(model, sample):
    """Predictions and confidences as the estimator returns them (confidences not rounded)."""
    from nexusml.features.engineering import engineer_features

    features = engineer_features(sample, model.feature_config, with_targets=False)
    predicted, scores, _ = model.estimator.predict_features(model.features_of(features))
    return predicted, scores


def bench(rows: int, model_type: str, repeat: int) -> list[tuple[str, float, float, float]]:
    import pandas as pd
    import skops.io

    from nexusml.config import load_feature_config
    from nexusml.features.engineering import engineer_features
    from nexusml.model.classifier import EquipmentClassifier
    from nexusml.model.trained import TrainedModel
    from nexusml.store import model_format

    frame, label = _frame(rows)
    config = load_feature_config(None)
    features = engineer_features(frame, config)
    estimator = EquipmentClassifier(
        model_type=model_type, text_column=config.text_feature, numeric_columns=config.numeric_features
    ).fit(features.X, features.Y)
    model = TrainedModel.from_training(estimator, config)
    print(f"\n{label}: {len(features.X)} rows, model {model_type}")

    pickled = pickle.dumps(model, protocol=5)
    plain = skops.io.dumps(model)
    packed = model_format.dumps(model)
    unpacked_trees = _trees_unpacked(model) if _holds_forests(packed) else None
    trusted = sorted(model_format.TRUSTED_TYPES)
    rows_out = [
        (
            "pickle",
            _median(repeat, lambda: pickle.dumps(model, protocol=5)),
            _median(repeat, lambda: pickle.loads(pickled)),
            len(pickled) / 1e6,
        ),
        (
            "skops, plain",
            _median(repeat, lambda: skops.io.dumps(model)),
            _median(repeat, lambda: skops.io.loads(plain, trusted=trusted)),
            len(plain) / 1e6,
        ),
    ]
    if unpacked_trees is not None:
        rows_out.append(
            (
                "skops, trees unpacked",
                _median(repeat, lambda: _trees_unpacked(model)),
                _median(repeat, lambda: model_format.loads(unpacked_trees)),
                len(unpacked_trees) / 1e6,
            )
        )
    rows_out.append(
        (
            "skops, NexusML",
            _median(repeat, lambda: model_format.dumps(model)),
            _median(repeat, lambda: model_format.loads(packed)),
            len(packed) / 1e6,
        )
    )
    sample = frame.head(500)
    from_pickle = pickle.loads(pickled)
    expected = from_pickle.predict(sample)
    expected_scores = _scores(from_pickle, sample)
    for data in (packed, unpacked_trees):
        if data is not None:
            loaded = model_format.loads(data)
            pd.testing.assert_frame_equal(loaded.predict(sample), expected)
            for got, want in zip(_scores(loaded, sample), expected_scores, strict=True):
                pd.testing.assert_frame_equal(got, want, check_exact=True)
    pd.testing.assert_frame_equal(expected, model.predict(sample))
    print("  predictions and unrounded confidences of the skops models: identical to the pickled model's (500 rows)")

    with tempfile.TemporaryDirectory() as folder:
        pkl, sk = Path(folder) / "m.pkl", Path(folder) / "m.skops"
        pkl.write_bytes(pickled)
        sk.write_bytes(packed)
        fresh_pickle, fresh_skops = _fresh_loads(
            [
                FRESH_LOAD.format(imports="import pickle", load=f"pickle.loads(open({str(pkl)!r}, 'rb').read())"),
                FRESH_LOAD.format(
                    imports="from nexusml.store import model_format",
                    load=f"model_format.loads(open({str(sk)!r}, 'rb').read())",
                ),
            ],
            repeat,
        )

    print(f"  {'format':<22} {'save s':>8} {'load s':>8} {'MB':>8}")
    for name, save, load, size in rows_out:
        print(f"  {name:<22} {save:>8.3f} {load:>8.3f} {size:>8.1f}")
    print(f"  fresh process, import + load: pickle {fresh_pickle:.3f} s, skops (NexusML) {fresh_skops:.3f} s")
    return rows_out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="2400,20000", help="Comma-separated dataset sizes (2400: the bundled file)")
    parser.add_argument("--model-type", default="linear")
    parser.add_argument("--repeat", type=int, default=5, help="Timings are the median of this many runs")
    ns = parser.parse_args()
    for rows in (int(r) for r in ns.rows.split(",")):
        bench(rows, ns.model_type, ns.repeat)


if __name__ == "__main__":
    main()
