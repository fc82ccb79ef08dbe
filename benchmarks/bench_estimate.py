"""The constants of the up-front training estimate (``nexusml/model/estimate.py``), measured.

    python benchmarks/bench_estimate.py fits [--sizes linear:8000:cat,linear:8000:1000,...]
    python benchmarks/bench_estimate.py runs [--runs default:20000,tag:3000,optimize:4000]

``fits``: per model type, rows and classes (``cat``: the inventory's 39 categories; a number: that many
random labels, as an ID column has), fits the feature transform and one classifier on the generated
inventory's combined text and prints seconds per row of the transform and microseconds per row x class
of the classifier: the figures ``COSTS`` holds.

``runs``: whole training runs (``run_training``), each printing the estimate the split stage made next
to the seconds train, evaluate, refit and optimize took.  ``default``: the bundled targets; ``tag``:
``equipment_tag`` (an ID-like target, about 1.3 rows per class) from description and manufacturer;
``optimize``: the bundled targets with ``--optimize``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def fits(sizes: list[str]) -> None:
    import numpy as np
    import pandas as pd

    from nexusml.model.classifier import EquipmentClassifier
    from nexusml.model.factory import large_data_classifier
    from scripts.synthetic import generate_inventory

    warnings.simplefilter("ignore")
    largest = max(int(spec.split(":")[1]) for spec in sizes)
    source = generate_inventory(largest, seed=1)
    columns = ["description", "manufacturer", "model", "equipment_tag"]
    source["combined_text"] = source[columns].fillna("").agg(" ".join, axis=1)
    print(f"combined text: {source.combined_text.str.len().mean():.0f} characters a row")
    heads = ("rows", "classes", "features/row", "transform ms/row", "us/row x class")
    print(f"{'model type':<14} {heads[0]:>7} {heads[1]:>7} {heads[2]:>12} {heads[3]:>16} {heads[4]:>14}")
    for spec in sizes:
        model_type, rows_text, classes_text = spec.split(":")
        rows = int(rows_text)
        frame = source.sample(rows, random_state=0).reset_index(drop=True)
        if classes_text == "cat":
            y = frame.category_name.astype(str).to_numpy()
        else:
            y = np.random.default_rng(0).integers(0, int(classes_text), rows).astype(str)
        X = frame[["combined_text", "service_life"]].fillna(0)
        model = EquipmentClassifier(model_type="linear" if model_type == "large" else model_type,
                                    numeric_columns=("service_life",))  # fmt: skip
        started = time.perf_counter()
        features = model.make_transformer(rows).fit_transform(X).tocsr()
        transform = time.perf_counter() - started
        classifier = large_data_classifier(42, 1) if model_type == "large" else model.make_classifier("t", rows)
        started = time.perf_counter()
        classifier.fit(features, y)
        fit = time.perf_counter() - started
        k = len(pd.unique(y))
        print(
            f"{model_type:<14} {rows:>7,} {k:>7,} {features.nnz / rows:>12.0f} {1e3 * transform / rows:>16.3f} "
            f"{1e6 * fit / (rows * k):>14.1f}",
            flush=True,
        )


def runs(specs: list[str]) -> None:
    from nexusml.model import estimate
    from nexusml.options.precedence import resolve_arguments
    from nexusml.pipeline import run_training
    from scripts.synthetic import generate_inventory

    made: list[estimate.TrainingEstimate] = []
    original = estimate.estimate_for

    def recorded(*args, **kwargs):
        made.append(original(*args, **kwargs))
        return made[-1]

    estimate.estimate_for = recorded  # the split stage imports it when it runs
    folder = Path(tempfile.mkdtemp(prefix="bench_estimate_"))
    for spec in specs:
        kind, rows_text = spec.split(":")
        path = folder / f"{kind}_{rows_text}.csv"
        generate_inventory(int(rows_text), seed=5).to_csv(path, index=False)
        given: dict = {"data_path": str(path), "output_dir": str(folder / "out"), "log_level": "ERROR"}
        if kind == "tag":
            given.update(targets=["equipment_tag"], text_columns="description,manufacturer", max_classes=100_000)
        elif kind == "optimize":
            given.update(optimize=True)
        result = run_training(resolve_arguments(given))
        taken = sum(result.stage_seconds.get(s, 0.0) for s in ("optimize", "train", "evaluate", "refit"))
        print(
            f"{spec}: estimated {made[-1].seconds:.1f} s, took {taken:.1f} s "
            f"(ratio {made[-1].seconds / taken:.2f}): {made[-1].factor}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["fits", "runs"])
    parser.add_argument(
        "--sizes",
        default="linear:2000:10,linear:2000:1000,linear:8000:cat,linear:8000:1000,linear_svc:8000:cat,"
        "logreg:4000:cat,logreg:4000:400,sgd:8000:cat,sgd:8000:400,large:20000:cat,large:20000:300,"
        "random_forest:4000:cat,random_forest:4000:400",
    )
    parser.add_argument("--runs", default="default:20000,tag:3000,optimize:4000")
    ns = parser.parse_args()
    if ns.what == "fits":
        fits(ns.sizes.split(","))
    else:
        runs(ns.runs.split(","))


if __name__ == "__main__":
    main()
