#!/usr/bin/env python
"""Model quality on real classification tables (BuiltBench: Uniclass products, IFC entities).

    python benchmarks/real_data.py                  # every task, model and seed (a few minutes)
    python benchmarks/real_data.py --quick          # two seeds, the baseline and the default only
    python benchmarks/real_data.py --models baseline,linear --seeds 0,1,2,3 --json out.json
    python benchmarks/real_data.py --only speed     # prediction rows/s of the default at 20,000 rows
    python benchmarks/real_data.py --sample 250 --seeds 0,1,2,3,4 --models baseline,linear --only quality
                                                    # small files with many classes: 250 rows drawn per seed
    python benchmarks/real_data.py --text-encoder FOLDER --models baseline,linear,linear+encoder --seeds 0,1,2
                                                    # the default with a sentence encoder's embeddings too

Each task is split 70 / 30 with the product's ``split_indices`` for every seed (the
same rows for every model of a seed).  The baseline is a bare scikit-learn script:
word 1-2 and char_wb 2-5 TF-IDF with sublinear tf, one ``LinearSVC()`` per target
(default C, no class weights), each target its own pipeline.  The product's model
types are fitted through ``EquipmentClassifier``; ``MODEL+encoder`` is that model
with ``text_encoder`` (``--text-encoder``: the embeddings of every text are computed
once before the fits, and that time is printed apart).  Printed, as Markdown: mean
macro-F1 over targets, mean accuracy, fit and predict seconds, each as the mean over seeds
with the min-max beside it, and the per-seed ratios to the baseline.  The data files
are read unchanged from ``benchmarks/data/builtbench/`` (CC BY-ND 4.0, see its
README.md); rows and splits are chosen here, at run time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = Path(__file__).resolve().parent / "data" / "builtbench"
TEXT = "natural_name"
TASKS: dict[str, tuple[str, tuple[str, ...]]] = {
    # The task of the issue: product names to their superclasses and IFC type.
    "uniclass": ("uniclass_entities.csv", ("1st_lev_superclass", "2nd_lev_superclass", "mapping_IFC_4x3Add2_TC1")),
    # The three levels of the Uniclass hierarchy (364 classes at the third).
    "uniclass_levels": ("uniclass_entities.csv", ("1st_lev_superclass", "2nd_lev_superclass", "3rd_lev_superclass")),
    # IFC entities; once rows with an empty target are dropped, the first two levels have one class each.
    "ifc": ("ifc_entities.csv", ("1st_lev_superclass", "2nd_lev_superclass", "3rd_lev_superclass")),
}
MODELS = ("baseline", "linear", "linear_svc", "logreg", "sgd", "random_forest")
SEEDS = (0, 1, 2, 42)


@dataclass
class Cell:
    task: str
    model: str
    seed: int
    f1_macro: float
    accuracy: float
    fit_seconds: float
    per_target_f1: dict[str, float]
    predict_seconds: float = 0.0


# --text-encoder: the encoder of the ``MODEL+encoder`` models.
ENCODER: str | None = None


def load_task(name: str) -> tuple[pd.Series, pd.DataFrame]:
    """The task's text and targets, without the rows where a target is empty (as NexusML drops them)."""
    filename, targets = TASKS[name]
    frame = pd.read_csv(DATA / filename, dtype=str, keep_default_na=False)
    Y = frame[list(targets)].apply(lambda column: column.str.strip())
    keep = (Y != "").all(axis=1).to_numpy()
    return frame.loc[keep, TEXT].reset_index(drop=True), Y[keep].reset_index(drop=True)


def fit_baseline(X: pd.Series, Y: pd.DataFrame) -> dict[str, Any]:
    """The plain baseline: one TF-IDF + LinearSVC pipeline per target, scikit-learn defaults."""
    from sklearn.dummy import DummyClassifier
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, make_pipeline
    from sklearn.svm import LinearSVC

    models = {}
    for target in Y.columns:
        vectorizer = FeatureUnion(
            [
                ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
                ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
            ]
        )
        single = Y[target].nunique() < 2
        classifier = DummyClassifier(strategy="most_frequent") if single else LinearSVC()
        models[target] = make_pipeline(vectorizer, classifier).fit(X, Y[target])
    return models


def run_cell(task: str, model: str, seed: int, X: pd.Series, Y: pd.DataFrame) -> Cell:
    from sklearn.metrics import accuracy_score, f1_score

    from nexusml.features.split import split_indices
    from nexusml.model.classifier import EquipmentClassifier

    train, test, _ = split_indices(Y, 0.3, seed)
    X_train, Y_train = X.iloc[train].reset_index(drop=True), Y.iloc[train].reset_index(drop=True)
    X_test, Y_test = X.iloc[test].reset_index(drop=True), Y.iloc[test].reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        started = time.perf_counter()
        if model == "baseline":
            fitted = fit_baseline(X_train, Y_train)
            fit_seconds = time.perf_counter() - started
            started = time.perf_counter()
            predicted = pd.DataFrame({t: fitted[t].predict(X_test) for t in Y.columns})
        else:
            model_type, _, encoded = model.partition("+")
            if encoded and ENCODER is None:
                raise SystemExit(f"{model} needs --text-encoder")
            estimator = EquipmentClassifier(
                model_type=model_type, text_column=TEXT, random_state=42, text_encoder=ENCODER if encoded else None
            )
            estimator.fit(X_train.to_frame(), Y_train)
            fit_seconds = time.perf_counter() - started
            started = time.perf_counter()
            predicted = estimator.predict(X_test.to_frame())
        predict_seconds = time.perf_counter() - started
    per_target = {
        t: float(f1_score(Y_test[t], predicted[t].astype(str), average="macro", zero_division=0)) for t in Y.columns
    }
    accuracy = float(np.mean([accuracy_score(Y_test[t], predicted[t].astype(str)) for t in Y.columns]))
    f1 = float(np.mean(list(per_target.values())))
    return Cell(task, model, seed, f1, accuracy, fit_seconds, per_target, predict_seconds)


def spread(values: list[float], digits: int = 3) -> str:
    return f"{np.mean(values):.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def summary_table(cells: list[Cell], tasks: list[str], models: list[str]) -> str:
    by = {(c.task, c.model, c.seed): c for c in cells}
    lines = [
        "| task | model | macro-F1 | macro-F1 / baseline | accuracy | accuracy - baseline | fit s | fit / baseline "
        "| predict s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for task in tasks:
        for model in models:
            mine = sorted((c for c in cells if c.task == task and c.model == model), key=lambda c: c.seed)
            if not mine:
                continue
            row = [task, f"`{model}`", spread([c.f1_macro for c in mine]), "", spread([c.accuracy for c in mine]), ""]
            row += [spread([c.fit_seconds for c in mine], 2), "", spread([c.predict_seconds for c in mine], 2)]
            base = [by.get((task, "baseline", c.seed)) for c in mine]
            if model != "baseline" and all(b is not None for b in base):
                row[3] = spread([c.f1_macro / b.f1_macro for c, b in zip(mine, base, strict=True) if b])
                row[5] = spread([c.accuracy - b.accuracy for c, b in zip(mine, base, strict=True) if b], 3)
                row[7] = spread([c.fit_seconds / b.fit_seconds for c, b in zip(mine, base, strict=True) if b], 2)
            lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def per_seed_table(cells: list[Cell], tasks: list[str], seeds: list[int], model: str = "linear") -> str:
    by = {(c.task, c.model, c.seed): c for c in cells}
    lines = [
        f"| task | seed | baseline macro-F1 | `{model}` macro-F1 | ratio | baseline acc | `{model}` acc | fit ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for task in tasks:
        for seed in seeds:
            base, mine = by.get((task, "baseline", seed)), by.get((task, model, seed))
            if base is None or mine is None:
                continue
            lines.append(
                f"| {task} | {seed} | {base.f1_macro:.4f} | {mine.f1_macro:.4f} | {mine.f1_macro / base.f1_macro:.4f} "
                f"| {base.accuracy:.4f} | {mine.accuracy:.4f} | {mine.fit_seconds / base.fit_seconds:.2f} |"
            )
    return "\n".join(lines)


def verdict(cells: list[Cell], tasks: list[str], model: str = "linear") -> list[str]:
    """Whether ``model`` meets the bar against the baseline on each task."""
    by = {(c.task, c.model, c.seed): c for c in cells}
    out, gains = [], []
    for task in tasks:
        pairs = [
            (by[(task, "baseline", s)], by[(task, model, s)])
            for (t, m, s) in list(by)
            if t == task and m == model and (task, "baseline", s) in by
        ]
        if not pairs:
            continue
        ratios = [m.f1_macro / b.f1_macro for b, m in pairs]
        accuracy = [m.accuracy - b.accuracy for b, m in pairs]
        fit = sum(m.fit_seconds for _, m in pairs) / sum(b.fit_seconds for b, _ in pairs)
        n_targets = sum(1 for t in TASKS[task][1] if pairs[0][0].per_target_f1.get(t) is not None)
        varying = len({*pairs[0][0].per_target_f1} - {t for t, v in pairs[0][0].per_target_f1.items() if v == 1.0})
        if varying > 1 and n_targets > 1:
            gains.append(float(np.mean(ratios)))
        ok = min(ratios) >= 1.0 and min(accuracy) >= 0.0 and fit <= 1.5
        out.append(
            f"- {task}: macro-F1 ratio min {min(ratios):.4f} mean {np.mean(ratios):.4f}; accuracy diff min "
            f"{min(accuracy):+.4f}; fit time ratio (sum over seeds) {fit:.2f}: {'meets' if ok else 'MISSES'} the bar"
        )
    if gains:
        out.append(f"- mean macro-F1 ratio over the multi-target tasks: {np.mean(gains):.4f} (bar: 1.01)")
    return out


def prediction_speed(rows: int, repeat: int) -> list[str]:
    """Rows per second of ``predict_with_confidence`` for the default model fitted on Uniclass."""
    from nexusml.model.classifier import EquipmentClassifier

    X, Y = load_task("uniclass")
    model = EquipmentClassifier(text_column=TEXT).fit(X.to_frame(), Y)
    frame = X.sample(rows, replace=True, random_state=0).reset_index(drop=True).to_frame()
    features = model.transform(frame)
    best_all, best_scores = np.inf, np.inf
    for _ in range(repeat):
        started = time.perf_counter()
        model.predict_with_confidence(frame)
        best_all = min(best_all, time.perf_counter() - started)
        started = time.perf_counter()
        model.predict_features(features)
        best_scores = min(best_scores, time.perf_counter() - started)
    return [
        f"- default model fitted on all {len(X)} Uniclass rows; {rows} rows with confidence, best of {repeat}:",
        f"  - transform + predict: {best_all:.3f} s ({rows / best_all:,.0f} rows/s)",
        f"  - predict from transformed rows: {best_scores:.3f} s ({rows / best_scores:,.0f} rows/s)",
    ]


def encode_first(encoder: str, data: dict[str, tuple[pd.Series, pd.DataFrame]]) -> None:
    """Every text of the tasks through the encoder once (the fits then read them back), timed."""
    global ENCODER
    from nexusml.features.sentence_encoder import load_encoder, texts_of

    ENCODER = encoder
    loaded = load_encoder(encoder)
    for task, (X, _) in data.items():
        texts = texts_of(X)
        started = time.perf_counter()
        encoded = loaded.ensure(texts)
        seconds = time.perf_counter() - started
        rate = f"{encoded / seconds:,.0f} texts/s" if encoded else "already encoded"
        print(f"- {task}: {len(texts)} rows, {encoded} distinct texts encoded in {seconds:.1f} s ({rate})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="seeds 0 and 1, the baseline and the default only")
    parser.add_argument("--tasks", default=",".join(TASKS))
    parser.add_argument("--models", default=None, help=f"comma-separated, from {','.join(MODELS)}")
    parser.add_argument("--seeds", default=None, help="comma-separated split seeds (default 0,1,2,42)")
    parser.add_argument("--only", choices=("quality", "speed"), default=None)
    parser.add_argument("--speed-rows", type=int, default=20_000)
    parser.add_argument("--json", type=Path, default=None, help="also write every cell as JSON")
    parser.add_argument("--text-encoder", default=None, help="sentence encoder folder of the MODEL+encoder models")
    parser.add_argument("--encoder-weight", type=float, default=None, help="instead of the model's ENCODER_WEIGHT")
    parser.add_argument(
        "--sample", type=int, default=None, help="draw this many rows of each task per seed (small files) first"
    )
    args = parser.parse_args(argv)
    tasks = args.tasks.split(",")
    models = args.models.split(",") if args.models else (["baseline", "linear"] if args.quick else list(MODELS))
    seeds = [int(s) for s in args.seeds.split(",")] if args.seeds else ([0, 1] if args.quick else list(SEEDS))
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
    if args.only != "speed":
        data = {task: load_task(task) for task in tasks}
        if args.text_encoder:
            encode_first(args.text_encoder, data)
        if args.encoder_weight is not None:
            import nexusml.model.classifier

            nexusml.model.classifier.ENCODER_WEIGHT = args.encoder_weight
        cells = []
        for i, seed in enumerate(seeds):
            for task in tasks:
                # The models alternate in order from one seed to the next, so load affects them alike.
                X, Y = data[task]
                if args.sample:
                    drawn = np.random.default_rng(seed).choice(len(X), min(args.sample, len(X)), replace=False)
                    X, Y = X.iloc[drawn].reset_index(drop=True), Y.iloc[drawn].reset_index(drop=True)
                for model in models if i % 2 == 0 else models[::-1]:
                    cell = run_cell(task, model, seed, X, Y)
                    cells.append(cell)
                    print(
                        f"  {task} seed {seed} {model}: macro-F1 {cell.f1_macro:.4f} acc {cell.accuracy:.4f} "
                        f"fit {cell.fit_seconds:.2f}s",
                        file=sys.stderr,
                        flush=True,
                    )
        for task in tasks:
            X, Y = data[task]
            classes = ", ".join(f"{t} {Y[t].nunique()}" for t in Y.columns)
            print(f"- {task}: {len(X)} rows; classes: {classes}")
        print()
        print(summary_table(cells, tasks, models))
        print()
        if "baseline" in models and "linear" in models:
            print(per_seed_table(cells, tasks, seeds))
            print()
            print("\n".join(verdict(cells, tasks)))
        if args.json:
            args.json.write_text(json.dumps([c.__dict__ for c in cells], indent=1))
    if args.only != "quality":
        print()
        print("\n".join(prediction_speed(args.speed_rows, 3)))
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1, 5, 15 min)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
