#!/usr/bin/env python
"""NexusML benchmarks: model quality, start-up time, end-to-end overhead and scaling.

    python benchmarks/run_benchmarks.py                  # (a) models, (b) --help, (c) end-to-end
    python benchmarks/run_benchmarks.py --quick          # smaller data, fewer repeats (about a minute)
    python benchmarks/run_benchmarks.py --scaling        # also (d): 10k and 100k rows
    python benchmarks/run_benchmarks.py --scaling --rows 10000,100000,1000000
    python benchmarks/run_benchmarks.py --only scaling --rows 1000000 --json out.json

See benchmarks/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECTIONS = ("models", "calibration", "help", "e2e", "scaling")
DEFAULT_MODELS = ("linear", "linear_svc", "random_forest")

ASSET_REGISTER_CONFIG = {
    "text_combinations": [
        {"name": "combined_text", "columns": ["Asset Label", "Make", "Notes", "Location"], "separator": " "}
    ],
    "numeric_columns": [
        {"name": "Install Year", "new_name": "install_year", "fill_value": 0, "dtype": "float"},
        {"name": "Capacity", "new_name": "capacity", "fill_value": 0, "dtype": "float"},
    ],
    "targets": ["System", "Trade Group", "Asset Type"],
}


def env() -> dict[str, str]:
    out = dict(os.environ)
    out["PYTHONPATH"] = str(ROOT) + (os.pathsep + out["PYTHONPATH"] if out.get("PYTHONPATH") else "")
    return out


def ensure_bytecode() -> str:
    """Compile nexusml's modules to bytecode, as an installed package already is.

    ``pip install`` compiles a package's modules and an editable install writes
    the cache on its first import, so users import nexusml from bytecode.  With
    PYTHONDONTWRITEBYTECODE set (some containers set it) and no cache yet, every
    process would compile nexusml's source again, a cost no user pays on a second
    run; the timed sections start from the cached state instead.
    """
    import compileall

    ok = all(compileall.compile_dir(ROOT / package, quiet=1) for package in ("nexusml", "tui"))
    note = "nexusml's bytecode cache is in place" if ok else "could not write nexusml's bytecode cache"
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        note += " (PYTHONDONTWRITEBYTECODE is set: without the cache each process would compile nexusml again)"
    return note


def table(headers: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cells[0], widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        lines.append("  ".join(c.rjust(w) if _numeric(c) else c.ljust(w) for c, w in zip(row, widths, strict=True)))
    return "\n".join(lines)


def _numeric(text: str) -> bool:
    try:
        float(text.rstrip("x%"))
        return True
    except ValueError:
        return False


# ------------------------------------------------------------------------------------------------
# (a) model comparison
# ------------------------------------------------------------------------------------------------


def datasets(quick: bool) -> list[tuple[str, Any, Any]]:
    """(name, frame, feature config) for each dataset measured."""
    from nexusml.config import load_feature_config
    from nexusml.config.feature_config import feature_config_from_dict
    from nexusml.data import bundled_data_path
    from scripts import synthetic

    inventory_config = load_feature_config(None)
    bundled = bundled_data_path()
    if bundled.exists():
        from nexusml.readers.loader import load_data

        frame = load_data(bundled)
        name = f"bundled ({bundled.name})"
    else:
        frame = synthetic.generate_inventory(2400, 42)
        name = "bundled (generated, 2400 rows)"
    out = [(name, frame, inventory_config)]
    if hasattr(synthetic, "generate_asset_register"):
        rows = 2000 if quick else 6000
        out.append(
            (
                f"asset register ({rows} rows)",
                synthetic.generate_asset_register(rows, 11),
                feature_config_from_dict(ASSET_REGISTER_CONFIG),
            )
        )
    else:
        print("note: scripts.synthetic.generate_asset_register is missing; asset register skipped")
    if not quick:
        out.append(("inventory x10 (24000 rows)", synthetic.generate_inventory(24000, 7), inventory_config))
    return out


def compare_models(quick: bool, models: list[str], repeat: int) -> dict[str, Any]:
    import numpy as np

    from nexusml.evaluation.metrics import evaluate_predictions
    from nexusml.features.engineering import engineer_features
    from nexusml.features.split import split_indices
    from nexusml.model.classifier import EquipmentClassifier

    results: dict[str, Any] = {}
    summary_rows = []
    detail_rows = []
    for name, frame, config in datasets(quick):
        feats = engineer_features(frame, config)
        train, test, _ = split_indices(feats.Y, 0.3, 42)
        X_train, Y_train = feats.X.iloc[train].reset_index(drop=True), feats.Y.iloc[train].reset_index(drop=True)
        X_test, Y_test = feats.X.iloc[test].reset_index(drop=True), feats.Y.iloc[test].reset_index(drop=True)
        classes = {t: int(feats.Y[t].nunique()) for t in feats.Y.columns}
        results[name] = {"rows": len(feats.X), "classes": classes, "models": {}}
        print(f"  {name}: {len(feats.X)} rows, classes per target {classes}", flush=True)
        for model_type in models:
            walls, cpus = [], []
            for _ in range(repeat if model_type != "random_forest" else 1):
                model = EquipmentClassifier(
                    model_type=model_type,
                    text_column=config.text_feature,
                    numeric_columns=config.numeric_features,
                    random_state=42,
                )
                wall, cpu = time.perf_counter(), time.process_time()
                model.fit(X_train, Y_train)
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
            report = evaluate_predictions(Y_test, model.predict(X_test))
            per_target = {t: round(m["f1_macro"], 4) for t, m in report.items()}
            avg = float(np.mean(list(per_target.values())))
            results[name]["models"][model_type] = {
                "f1_macro_avg": round(avg, 4),
                "f1_macro": per_target,
                "fit_seconds": round(min(walls), 3),
                "fit_cpu_seconds": round(min(cpus), 3),
            }
            print(f"    {model_type:14s} F1 {avg:.4f}  fit {min(walls):7.2f}s", flush=True)
    for name, res in results.items():
        base = res["models"].get("linear_svc")
        for model_type, m in res["models"].items():
            ratio = f"{m['fit_seconds'] / base['fit_seconds']:.2f}x" if base else "-"
            summary_rows.append(
                [
                    name,
                    model_type,
                    f"{m['f1_macro_avg']:.4f}",
                    f"{m['fit_seconds']:.2f}",
                    f"{m['fit_cpu_seconds']:.2f}",
                    ratio,
                ]
            )
            detail_rows.append([name, model_type] + [f"{t}={v:.3f}" for t, v in m["f1_macro"].items()])
    print("\n(a) Model comparison: macro-F1 averaged over targets (held-out 30 %, split_indices seed 42)")
    print(table(["dataset", "model", "macro-F1", "fit s", "fit cpu s", "fit vs linear_svc"], summary_rows))
    print("\n    per-target macro-F1")
    width = max(len(r) for r in detail_rows)
    print(
        table(
            ["dataset", "model"] + [f"target {i + 1}" for i in range(width - 2)],
            [r + [""] * (width - len(r)) for r in detail_rows],
        )
    )
    verdicts = []
    for name, res in results.items():
        m = res["models"]
        if {"linear", "linear_svc", "random_forest"} <= set(m):
            ok = (
                m["linear"]["f1_macro_avg"] > m["linear_svc"]["f1_macro_avg"]
                and m["linear"]["f1_macro_avg"] > m["random_forest"]["f1_macro_avg"]
                and m["linear"]["fit_seconds"] <= 1.5 * m["linear_svc"]["fit_seconds"]
            )
            verdicts.append(
                f"    {name}: default {'meets' if ok else 'MISSES'} the bar "
                f"(F1 > linear_svc and > random_forest, fit <= 1.5x linear_svc)"
            )
    if verdicts:
        print("\n".join(verdicts))
    return results


# ------------------------------------------------------------------------------------------------
# (a2) confidence calibration
# ------------------------------------------------------------------------------------------------


def calibration(quick: bool) -> dict[str, Any]:
    """Confidence with the fixed softmax scale against the scale fitted on held-out rows.

    Each dataset is split 60 / 20 / 20: the model is fitted on the first part, the scale on the
    second, and both confidences are judged on the third, which neither has seen.
    """
    import numpy as np

    from nexusml.evaluation.metrics import expected_calibration_error
    from nexusml.features.engineering import engineer_features
    from nexusml.features.split import split_indices
    from nexusml.model.classifier import EquipmentClassifier

    rows, results = [], {}
    for name, frame, config in datasets(quick):
        feats = engineer_features(frame, config)
        rest, test, _ = split_indices(feats.Y, 0.2, 42)
        Y_rest = feats.Y.iloc[rest].reset_index(drop=True)
        fit_part, calibration_part, _ = split_indices(Y_rest, 0.25, 42)
        X_rest = feats.X.iloc[rest].reset_index(drop=True)

        def part(X, Y, idx):
            return X.iloc[idx].reset_index(drop=True), Y.iloc[idx].reset_index(drop=True)

        X_fit, Y_fit = part(X_rest, Y_rest, fit_part)
        X_cal, Y_cal = part(X_rest, Y_rest, calibration_part)
        X_test, Y_test = part(feats.X, feats.Y, test)

        def new_model(config=config):
            return EquipmentClassifier(
                model_type="linear",
                text_column=config.text_feature,
                numeric_columns=config.numeric_features,
                random_state=42,
            )

        # As in a training run: fit, calibrate on held-out rows, refit on both parts, keep the scales.
        calibrated = new_model().fit(X_fit, Y_fit)
        calibrated.fit_confidence(calibrated.score_held_out(X_cal, Y_cal))
        model = new_model().fit(X_rest, Y_rest)
        fixed_pred, fixed_conf = model.predict_with_confidence(X_test)
        model.adopt_confidence_scales(calibrated)
        fitted_pred, fitted_conf = model.predict_with_confidence(X_test)
        results[name] = {}
        for target in Y_test.columns:
            correct = fitted_pred[target].to_numpy() == Y_test[target].to_numpy()
            assert (fixed_pred[target] == fitted_pred[target]).all()  # scaling never changes a prediction
            figures = {
                "accuracy": float(correct.mean()),
                "scale": model.confidence_scales.get(model.shared_with_.get(target, target)),
                "fixed_mean_confidence": float(fixed_conf[target].mean()),
                "fixed_ece": expected_calibration_error(fixed_conf[target], correct),
                "fitted_mean_confidence": float(fitted_conf[target].mean()),
                "fitted_ece": expected_calibration_error(fitted_conf[target], correct),
            }
            results[name][target] = figures
            rows.append(
                [
                    name,
                    target,
                    f"{figures['accuracy']:.3f}",
                    f"{figures['fixed_mean_confidence']:.3f}",
                    f"{figures['fixed_ece']:.3f}",
                    f"{figures['scale']:.2f}" if figures["scale"] else "-",
                    f"{figures['fitted_mean_confidence']:.3f}",
                    f"{figures['fitted_ece']:.3f}",
                ]
            )
        print(f"  {name}: calibrated", flush=True)
    print(
        "\n(a2) Confidence calibration, default model: fit 60 %, scale on 20 %, refit on both, judge on the last 20 %"
    )
    print(
        table(
            [
                "dataset",
                "target",
                "accuracy",
                "fixed: mean conf",
                "fixed: ECE",
                "fitted scale",
                "fitted: mean conf",
                "fitted: ECE",
            ],
            rows,
        )
    )
    fixed = [f["fixed_ece"] for d in results.values() for f in d.values()]
    fitted = [f["fitted_ece"] for d in results.values() for f in d.values()]
    print(
        f"    mean ECE over targets: fixed scale {np.mean(fixed):.3f}, fitted scale {np.mean(fitted):.3f} "
        "(expected calibration error, 15 bins; 0 is perfectly calibrated)"
    )
    return results


# ------------------------------------------------------------------------------------------------
# (b) --help start-up time
# ------------------------------------------------------------------------------------------------


def best_of(command: list[str], n: int) -> float:
    best = math.inf
    for _ in range(n):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env())
        best = min(best, time.perf_counter() - started)
    return best


def help_time(n: int) -> dict[str, Any]:
    # The console script installed beside this interpreter (a shim found first on PATH, such as
    # pyenv's, would add its own start-up time to the figure).
    script = Path(sys.executable).parent / "nexusml-train"
    command = [str(script), "--help"] if script.exists() else [sys.executable, "-m", "nexusml", "--help"]
    base = best_of([sys.executable, "-c", "import argparse"], n)
    ours = best_of(command, n)
    ratio = ours / base
    print(f"\n(b) Start-up: best of {n} runs")
    print(
        table(
            ["command", "seconds"],
            [
                ["python -c 'import argparse'", f"{base:.3f}"],
                [" ".join(Path(c).name if i == 0 else c for i, c in enumerate(command)), f"{ours:.3f}"],
                ["ratio (target <= 4x)", f"{ratio:.2f}x"],
            ],
        )
    )
    return {"argparse_seconds": base, "help_seconds": ours, "ratio": ratio, "command": command}


# ------------------------------------------------------------------------------------------------
# (c) end-to-end headless training vs a bare scikit-learn script
# ------------------------------------------------------------------------------------------------

BARE_SCRIPT = textwrap.dedent(
    """
    import sys, time
    started = time.perf_counter()
    import numpy as np
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.metrics import f1_score
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
    from nexusml.model.factory import (
        BIN_WEIGHT, BINNED_MODEL_TYPES, build_classifier, build_text_vectorizer,
    )
    from nexusml.features.transformers import NumericBins

    path, model_type, refit = sys.argv[1], sys.argv[2], sys.argv[3] == "refit"
    n_jobs = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    frame = pd.read_csv(path)
    frame["Equipment_Type"] = frame["mcaa_system_category"] + "-" + frame["category_name"]
    frame["System_Subtype"] = frame["mcaa_system_category"] + " / " + frame["category_name"]
    targets = ["category_name", "uniformat_code", "mcaa_system_category", "Equipment_Type", "System_Subtype"]
    frame = frame.dropna(subset=targets).reset_index(drop=True)
    text = frame[["description", "manufacturer", "model", "equipment_tag"]].fillna("").astype(str)
    X = pd.DataFrame({"combined_text": text.agg(" ".join, axis=1).str.split().str.join(" "),
                      "service_life": pd.to_numeric(frame["service_life"], errors="coerce").fillna(0.0)})
    # Targets that group the rows identically are fitted once, as the product does.
    distinct = {}
    for t in targets:
        distinct.setdefault(pd.factorize(frame[t])[0].tobytes(), t)
    fit_targets = list(distinct.values())

    def transformer(n):
        parts = [("text", build_text_vectorizer(model_type, n), "combined_text"),
                 ("numeric", StandardScaler(), ["service_life"])]
        if model_type in BINNED_MODEL_TYPES:
            parts.append(("numeric_bins", NumericBins(weight=BIN_WEIGHT), ["service_life"]))
        return ColumnTransformer(parts, sparse_threshold=1.0)

    def fit(Xf, Yf):
        tr = transformer(len(Xf))
        F = tr.fit_transform(Xf).tocsr()
        return tr, {t: build_classifier(model_type, 42, n_jobs, None, F.shape[0]).fit(F, Yf[t].to_numpy())
                    for t in fit_targets}

    tr_idx, te_idx = train_test_split(np.arange(len(X)), test_size=0.3, random_state=42,
                                      stratify=frame["category_name"])
    fit_started = time.perf_counter()
    tr, models = fit(X.iloc[tr_idx], frame.iloc[tr_idx])
    fit_seconds = time.perf_counter() - fit_started
    F_test = tr.transform(X.iloc[te_idx])
    scores = [f1_score(frame[t].iloc[te_idx], m.predict(F_test), average="macro") for t, m in models.items()]
    refit_seconds = 0.0
    if refit:
        refit_started = time.perf_counter()
        fit(X, frame)
        refit_seconds = time.perf_counter() - refit_started
    print(f"{time.perf_counter() - started} {fit_seconds} {refit_seconds} {np.mean(scores)}")
    """
)


IN_PROCESS_SCRIPT = textwrap.dedent(
    """
    import json, os, sys, time
    # The libraries the fit needs are imported first, as any script that fits this model must;
    # nexusml's own modules are imported inside the timed region and count as overhead.
    import numpy, pandas, scipy.sparse
    import sklearn.compose, sklearn.feature_extraction.text, sklearn.linear_model, sklearn.model_selection
    import sklearn.pipeline, sklearn.preprocessing, sklearn.svm, sklearn.ensemble
    started = time.perf_counter()
    from nexusml.options.parser import parse_args
    from nexusml.features.held_out import HeldOutFeatures
    from nexusml.model.classifier import EquipmentClassifier
    from nexusml.pipeline.runner import run_training

    # Time the evaluate stage's prediction of the held-out rows (the "predict" of fit + predict,
    # with the confidence scale fitted on the same transformed rows), and the transform of those
    # rows that ran on a second thread while the classifiers fitted.
    predict_seconds, background = [], []
    def timed(method):
        def run(self, *args, **kwargs):
            t = time.perf_counter()
            try:
                return method(self, *args, **kwargs)
            finally:
                predict_seconds.append(time.perf_counter() - t)
        return run
    EquipmentClassifier.score_held_out = timed(EquipmentClassifier.score_held_out)
    EquipmentClassifier.fit_confidence = timed(EquipmentClassifier.fit_confidence)
    plain_result = HeldOutFeatures.result
    def noted_result(self):
        try:
            return plain_result(self)
        finally:
            background.append(self.seconds)
    HeldOutFeatures.result = noted_result
    if os.environ.get("NEXUSML_BENCH_AFTER_FIT"):  # transform the held-out rows in evaluate, as on one core
        HeldOutFeatures.MAX_ROWS = -1

    result = run_training(parse_args(sys.argv[1:]))
    total = time.perf_counter() - started
    print(json.dumps({"total": total, "stage_seconds": result.stage_seconds,
                      "predict_seconds": sum(predict_seconds), "background_seconds": sum(background)}))
    """
)


def e2e(rows: int, model_type: str, repeat: int, workdir: Path) -> dict[str, Any]:
    import statistics

    from scripts.synthetic import generate_inventory

    data = workdir / f"inventory_{rows}.csv"
    generate_inventory(rows, 5).to_csv(data, index=False)
    bare = workdir / "bare_fit_predict.py"
    bare.write_text(BARE_SCRIPT)
    in_process = workdir / "in_process.py"
    in_process.write_text(IN_PROCESS_SCRIPT)
    out = workdir / "e2e_out"
    product_argv = ["--headless", "--data-path", str(data), "--model-type", model_type, "--output-dir", str(out)]

    def run_product():
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "nexusml", *product_argv],
            check=True,
            env=env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - started
        meta = max(out.glob("*.json"), key=lambda p: p.stat().st_mtime)
        return wall, json.loads(meta.read_text())["stage_seconds"]

    def run_bare(mode):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, str(bare), str(data), model_type, mode],
            check=True,
            env=env(),
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
        _inner, fit, refit, f1 = (float(v) for v in done.stdout.split())
        return wall, fit, refit, f1

    def run_in_process(after_fit=False):
        environment = {**env(), **({"NEXUSML_BENCH_AFTER_FIT": "1"} if after_fit else {})}
        done = subprocess.run(
            [sys.executable, str(in_process), *product_argv, "--log-level", "WARNING"],
            check=True,
            env=environment,
            capture_output=True,
            text=True,
        )
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        stages = figures["stage_seconds"]
        fit = stages.get("train", 0.0) + stages.get("refit", 0.0)
        return {
            "total": figures["total"],
            "fit": fit,
            "predict": figures["predict_seconds"],
            "background": figures["background_seconds"],
            "overhead": figures["total"] - fit,
            "stages": stages,
        }

    product = min((run_product() for _ in range(repeat)), key=lambda r: r[0])
    bare_one = min((run_bare("once") for _ in range(repeat)), key=lambda r: r[0])
    bare_refit = min((run_bare("refit") for _ in range(repeat)), key=lambda r: r[0])
    total, stages = product
    fit_seconds = stages.get("train", 0.0) + stages.get("refit", 0.0)
    process_overhead = total - fit_seconds

    # The orchestrator's own overhead: one run_training call in a process that has imported the
    # libraries the fit needs.  Several runs; the median share is reported.
    # Alternating with runs whose held-out rows are transformed in the evaluate stage, after the fit
    # (as on a machine with one core), so that both sets see the same machine.
    runs, after = [], []
    for _ in range(max(repeat, 5)):
        runs.append(run_in_process())
        after.append(run_in_process(after_fit=True))
    share = [r["overhead"] / r["total"] for r in runs]
    share_no_predict = [(r["overhead"] - r["predict"]) / r["total"] for r in runs]
    share_after = [r["overhead"] / r["total"] for r in after]
    median_run = sorted(runs, key=lambda r: r["overhead"] / r["total"])[len(runs) // 2]
    result = {
        "rows": rows,
        "model_type": model_type,
        "process": {
            "total_seconds": total,
            "stage_seconds": stages,
            "fit_seconds": fit_seconds,
            "bare_fit_predict_seconds": bare_one[0],
            "bare_fit_predict_refit_seconds": bare_refit[0],
            "ratio_vs_bare_fit_predict": total / bare_one[0],
            "ratio_vs_bare_same_work": total / bare_refit[0],
            "everything_but_fit_seconds": process_overhead,
            "everything_but_fit_share": process_overhead / total,
            "bare_f1": bare_one[3],
        },
        "orchestrator": {
            "runs": runs,
            "overhead_share_median": statistics.median(share),
            "overhead_share_min": min(share),
            "overhead_share_max": max(share),
            "overhead_without_predict_share_median": statistics.median(share_no_predict),
            "runs_transform_after_fit": after,
            "overhead_share_transform_after_fit_median": statistics.median(share_after),
            "overhead_share_transform_after_fit_min": min(share_after),
            "overhead_share_transform_after_fit_max": max(share_after),
        },
    }
    print(f"\n(c) End-to-end headless training, {rows} generated inventory rows, --model-type {model_type}")
    print(f"\n    Whole process (python -m nexusml --headless ...), best of {repeat} fresh processes, wall seconds")
    print(
        table(
            ["measure", "seconds", "note"],
            [
                ["total, process start to exit", f"{total:.2f}", "interpreter, imports, load .. save, sample"],
                ["bare sklearn fit + predict", f"{bare_one[0]:.2f}", "read CSV, fit on 70 %, predict 30 %"],
                ["bare sklearn fit + predict + refit", f"{bare_refit[0]:.2f}", "the same work the product does"],
                ["total / bare fit + predict", f"{total / bare_one[0]:.2f}x", "target <= 2x"],
                ["total / bare same work", f"{total / bare_refit[0]:.2f}x", ""],
                [
                    "process minus fit stages",
                    f"{process_overhead:.2f}",
                    f"{100 * process_overhead / total:.1f} % (interpreter start and library imports included)",
                ],
            ],
        )
    )
    print(
        f"\n    The orchestrator's own overhead: one run_training() call, libraries already imported, "
        f"{len(runs)} fresh processes"
    )

    def overhead_rows(run: dict[str, Any], shares: list[float], predict_note: str) -> list[list[str]]:
        return [
            ["run_training wall", f"{run['total']:.2f}", "nexusml imports, arguments, every stage, events"],
            ["fit (train + refit stages)", f"{run['fit']:.2f}", ""],
            [
                "everything but the fit",
                f"{run['overhead']:.2f}",
                f"median {100 * statistics.median(shares):.1f} % of the run (min {100 * min(shares):.1f}, "
                f"max {100 * max(shares):.1f}); target < 10 %",
            ],
            ["  of which: predicting the test rows", f"{run['predict']:.2f}", predict_note],
        ]

    print(
        table(
            ["measure", "median run (s)", "note"],
            [
                *overhead_rows(median_run, share, "evaluate: scores, predictions and the confidence scale's fit"),
                [
                    "everything but fit and predict",
                    f"{median_run['overhead'] - median_run['predict']:.2f}",
                    f"median {100 * statistics.median(share_no_predict):.1f} % of the run",
                ],
                [
                    "test rows transformed beside the fit",
                    f"{median_run['background']:.2f}",
                    "on a second thread while the classifiers fit (they release the GIL)",
                ],
            ],
        )
    )
    print("    stage seconds (median run): " + ", ".join(f"{k} {v:.3f}" for k, v in median_run["stages"].items()))
    print(
        f"    medians over the {len(runs)} runs: run_training {statistics.median(r['total'] for r in runs):.2f} s, "
        f"fit {statistics.median(r['fit'] for r in runs):.2f} s"
    )
    after_run = sorted(after, key=lambda r: r["overhead"] / r["total"])[len(after) // 2]
    print(
        f"\n    The same, with the test rows transformed after the fit (in evaluate, as on one core), "
        f"{len(after)} fresh processes"
    )
    print(
        table(
            ["measure", "median run (s)", "note"],
            overhead_rows(after_run, share_after, "evaluate: the transform too, then as above"),
        )
    )
    print(
        f"    medians over the {len(after)} runs: run_training {statistics.median(r['total'] for r in after):.2f} s, "
        f"fit {statistics.median(r['fit'] for r in after):.2f} s"
    )
    return result


# ------------------------------------------------------------------------------------------------
# (d) scaling
# ------------------------------------------------------------------------------------------------

MEASURE_SCRIPT = textwrap.dedent(
    """
    import resource, subprocess, sys, time
    started = time.perf_counter()
    code = subprocess.run(sys.argv[1:]).returncode
    wall = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"{code} {wall} {peak_kib}")
    """
)


PREDICT_ROWS = 100_000


def scaling(rows_list: list[int], model_type: str, workdir: Path, n_jobs: int) -> dict[str, Any]:
    import numpy as np

    from scripts.synthetic import generate_inventory

    out_rows = []
    results = []
    bare_script = workdir / "bare_fit.py"
    bare_script.write_text(BARE_SCRIPT)
    # New rows to predict with each trained model: nexusml-predict in a fresh process (model load included).
    new_rows = workdir / "scaling_new_rows.csv"
    generate_inventory(PREDICT_ROWS, 9).to_csv(new_rows, index=False)
    for rows in rows_list:
        data = workdir / f"scaling_{rows}.csv"
        started = time.perf_counter()
        generate_inventory(rows, 3).to_csv(data, index=False)
        generated = time.perf_counter() - started
        out = workdir / f"scaling_out_{rows}"
        command = [
            sys.executable,
            "-m",
            "nexusml",
            "--headless",
            "--data-path",
            str(data),
            "--model-type",
            model_type,
            "--output-dir",
            str(out),
            "--n-jobs",
            str(n_jobs),
        ]
        print(f"  {rows} rows: data written in {generated:.1f}s, training ...", flush=True)
        done = subprocess.run(
            [sys.executable, "-c", MEASURE_SCRIPT, *command], capture_output=True, text=True, env=env()
        )
        code, wall, peak_kib = done.stdout.split()[-3:]
        if int(code) != 0:
            print(f"  {rows} rows: training failed with exit code {code}")
            results.append({"rows": rows, "exit_code": int(code)})
            continue
        meta = json.loads(max(out.glob("*.json"), key=lambda p: p.stat().st_mtime).read_text())
        stages = meta["stage_seconds"]
        f1 = float(np.mean([m["f1_macro"] for m in meta["metrics"].values()]))
        peak = int(peak_kib) / 1024 / 1024
        # The same learning in a bare scikit-learn script: fit on 70 %, predict 30 %, and refit on all
        # rows where the product does.
        mode = "refit" if "refit on all" in meta["refit"] else "fit"
        print(f"  {rows} rows: {float(wall):.1f}s; the bare script ({mode}) ...", flush=True)
        bare = subprocess.run(
            [sys.executable, "-c", MEASURE_SCRIPT, sys.executable, str(bare_script), str(data), model_type, mode]
            + [str(n_jobs)],
            capture_output=True,
            text=True,
            env=env(),
        )
        predict_started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "nexusml.commands.predict",
                "--model",
                str(out / "equipment_classifier_latest.skops"),
            ]
            + ["--input", str(new_rows), "--output", str(workdir / "scaling_predicted.csv")],
            check=True,
            capture_output=True,
            env=env(),
        )
        predict_seconds = time.perf_counter() - predict_started
        bare_code, bare_wall, bare_kib = bare.stdout.split()[-3:]
        bare_f1 = float(bare.stdout.split()[-4]) if int(bare_code) == 0 else float("nan")
        bare_peak = int(bare_kib) / 1024 / 1024
        item = {
            "rows": rows,
            "seconds": float(wall),
            "peak_rss_gib": peak,
            "stage_seconds": stages,
            "f1": f1,
            "targets": len(meta["targets"]),
            "data_mib": data.stat().st_size / 2**20,
            "refit": mode == "refit",
            "bare_seconds": float(bare_wall),
            "bare_peak_rss_gib": bare_peak,
            "bare_f1": bare_f1,
            "predict_seconds": predict_seconds,
            "predict_rows_per_second": PREDICT_ROWS / predict_seconds,
        }
        results.append(item)
        out_rows.append(
            [
                rows,
                len(meta["targets"]),
                f"{float(wall):.1f}",
                f"{stages.get('load_data', 0):.1f}",
                f"{stages.get('features', 0):.1f}",
                f"{stages.get('train', 0):.1f}",
                f"{stages.get('evaluate', 0):.1f}",
                f"{stages.get('refit', 0):.1f}",
                f"{peak:.2f}",
                f"{f1:.4f}",
                f"{float(bare_wall):.1f}",
                f"{bare_peak:.2f}",
                f"{bare_f1:.4f}",
                f"{PREDICT_ROWS / predict_seconds:,.0f}",
            ]
        )
        print(f"  {rows} rows: {float(wall):.1f}s, peak RSS {peak:.2f} GiB, macro-F1 {f1:.4f}", flush=True)
        data.unlink()
    print(
        f"\n(d) Scaling: headless training on generated inventory rows, --model-type {model_type}, "
        f"--n-jobs {n_jobs} (peak RSS of the training process)"
    )
    print(
        table(
            ["rows", "targets", "total s", "load", "features", "train", "evaluate", "refit", "peak GiB", "macro-F1"]
            + ["bare s", "bare GiB", "bare F1", f"predict {PREDICT_ROWS:,} rows/s"],
            out_rows,
        )
    )
    good = [r for r in results if "seconds" in r]
    slopes = {}
    if len(good) >= 2:
        x = np.log([r["rows"] for r in good])
        for label, values in (
            ("total time", [r["seconds"] for r in good]),
            ("train stage", [max(r["stage_seconds"].get("train", 0), 1e-3) for r in good]),
            ("peak memory", [r["peak_rss_gib"] for r in good]),
        ):
            slopes[label] = float(np.polyfit(x, np.log(values), 1)[0])
        print(
            "    growth exponent (slope of log cost vs log rows; 1.0 = linear): "
            + ", ".join(f"{k} {v:.2f}" for k, v in slopes.items())
        )
    return {"runs": results, "slopes": slopes}


# ------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller datasets and fewer repeats")
    parser.add_argument("--scaling", action="store_true", help="also run the scaling benchmark (slow)")
    parser.add_argument(
        "--rows",
        default="10000,100000",
        help="comma-separated row counts for --scaling (default 10000,100000; add 1000000)",
    )
    parser.add_argument("--only", choices=SECTIONS, action="append", help="run only these sections")
    parser.add_argument("--models", default=",".join(DEFAULT_MODELS), help="model types to compare")
    parser.add_argument("--model-type", default="linear", help="model for the end-to-end and scaling runs")
    parser.add_argument("--e2e-rows", type=int, default=5000)
    parser.add_argument(
        "--n-jobs", type=int, default=-1, help="--n-jobs passed to the scaling runs (default -1: all cores)"
    )
    parser.add_argument("--repeat", type=int, default=None, help="repeats (best of) for timings")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    args = parser.parse_args(argv)

    sections = list(args.only or [s for s in SECTIONS if s != "scaling" or args.scaling])
    repeat = args.repeat or (1 if args.quick else 3)
    results: dict[str, Any] = {}
    print(f"NexusML benchmarks ({os.cpu_count()} CPUs, Python {sys.version.split()[0]})", flush=True)
    if {"help", "e2e", "scaling"} & set(sections):
        print(ensure_bytecode(), flush=True)
    with tempfile.TemporaryDirectory(prefix="nexusml-bench-") as tmp:
        workdir = Path(tmp)
        if "models" in sections:
            print("\nfitting models ...", flush=True)
            results["models"] = compare_models(args.quick, args.models.split(","), repeat)
        if "calibration" in sections:
            print("\ncalibrating ...", flush=True)
            results["calibration"] = calibration(args.quick)
        if "help" in sections:
            results["help"] = help_time(5 if args.quick else 10)
        if "e2e" in sections:
            results["e2e"] = e2e(2000 if args.quick else args.e2e_rows, args.model_type, repeat, workdir)
        if "scaling" in sections:
            rows = [int(r) for r in args.rows.split(",") if r.strip()]
            print("\nscaling ...", flush=True)
            results["scaling"] = scaling(rows, args.model_type, workdir, args.n_jobs)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
