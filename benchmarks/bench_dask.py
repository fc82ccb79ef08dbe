"""Hyperparameter search: local joblib (n_jobs=-1) versus a Dask LocalCluster.

    python benchmarks/bench_dask.py [--rows 50000] [--model-type sgd] [--folds 2]

Runs the same search (24 candidates by default) twice on a synthetic
inventory, once with joblib's process pool and once through joblib's Dask
backend on a LocalCluster of worker processes, checks that both pick the same
parameters with the same scores, and prints a table.  "search s" is the search
alone (feature transform, fits, scoring); "total s" adds starting and stopping
the workers (the LocalCluster, or joblib's pool being created on first use).
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GRIDS = {
    "sgd": {
        "alpha": [1e-6, 3e-6, 1e-5, 3e-5, 1e-4, 3e-4],
        "loss": ["modified_huber", "hinge"],
        "average": [False, True],
    },
    "linear": {
        "C": [0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0],
        "loss": ["hinge", "squared_hinge"],
    },
    "logreg": {"C": [0.3, 1.0, 3.0, 10.0, 30.0, 100.0], "tol": [1e-4, 1e-3], "fit_intercept": [True, False]},
}


def _run(label, args, model, X, Y, grid, folds):
    from nexusml.model.distributed import cluster_backend
    from nexusml.model.search import search_hyperparameters

    started = time.perf_counter()
    with cluster_backend(args) as (backend, where, workers):
        ready = time.perf_counter()
        result = search_hyperparameters(
            model,
            X,
            Y,
            cv_folds=folds,
            n_jobs=-1,
            grid=grid,
            backend=backend,
        )
    total = time.perf_counter() - started
    result.where, result.workers = where, workers
    return {
        "label": label,
        "where": where,
        "workers": workers,
        "setup": ready - started,
        "search": result.seconds,
        "total": total,
        "result": result,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--model-type", default="sgd", choices=sorted(GRIDS))
    parser.add_argument("--folds", type=int, default=2)
    parser.add_argument("--target", default="mcaa_system_category")
    parser.add_argument("--seed", type=int, default=42)
    options = parser.parse_args(argv)

    logging.basicConfig(level=logging.WARNING)
    from joblib import cpu_count
    from sklearn.model_selection import ParameterGrid

    from nexusml.config import load_feature_config
    from nexusml.features.engineering import engineer_features
    from nexusml.model.builder import new_model
    from nexusml.options.arguments import TrainingArguments
    from scripts.synthetic import generate_inventory

    grid = GRIDS[options.model_type]
    n_candidates = len(ParameterGrid(grid))
    config = load_feature_config()
    started = time.perf_counter()
    features = engineer_features(generate_inventory(options.rows, seed=options.seed), config)
    X, Y = features.X, features.Y[[options.target]]
    prepared = time.perf_counter() - started
    print(
        f"{options.rows} rows ({prepared:.1f}s to generate), target {options.target}, "
        f"{options.model_type}: {n_candidates} candidates x {options.folds} folds = "
        f"{n_candidates * options.folds} fits; {cpu_count()} cores, load average "
        f"{', '.join(f'{v:.1f}' for v in os.getloadavg())}; python {platform.python_version()}",
        flush=True,
    )

    runs = []
    for label, scheduler in (("local joblib (n_jobs=-1)", None), ("Dask LocalCluster", "local")):
        args = TrainingArguments(
            model_type=options.model_type, n_jobs=-1, dask_scheduler=scheduler, random_state=options.seed
        )
        runs.append(_run(label, args, new_model(args, config), X, Y, grid, options.folds))
        print(f"  done: {label} in {runs[-1]['total']:.1f}s", flush=True)

    header = (
        f"{'backend':<26} {'workers':>7} {'setup s':>8} {'search s':>9} {'total s':>8} {'fits/s':>7}"
        "  best (CV macro-F1)"
    )
    print()
    print(header)
    print("-" * len(header))
    for run in runs:
        r = run["result"]
        best = "; ".join(f"{r.best_params[t]} ({r.best_scores[t]:.4f})" for t in r.best_params)
        print(
            f"{run['label']:<26} {run['workers']:>7} {run['setup']:>8.1f} {run['search']:>9.1f} "
            f"{run['total']:>8.1f} {r.fits / run['search']:>7.2f}  {best}"
        )
    local, dask = (run["result"] for run in runs)
    same = local.best_params == dask.best_params and local.best_scores == dask.best_scores
    print()
    print(f"same best parameters and scores: {'yes' if same else 'NO'}")
    print(f"Dask search time / local search time: {runs[1]['search'] / runs[0]['search']:.2f}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
