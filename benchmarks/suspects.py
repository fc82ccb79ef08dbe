"""Suspect labels on real tables: how many deliberately flipped labels each method ranks first, and what it costs.

For each table and seed, 5 % of one target's labels are flipped at random (to
another class of that target) and the table is trained on with ``run_training``
(the product, defaults, suspects on).  Two rankings of the training rows are
compared on the flipped target, each cut at k = the number of flipped rows:

- ``nexusml``: the run's ``{model}_suspects.csv`` (rows it flags, most suspect
  first; a row it does not flag counts as not found);
- ``cleanlab + baseline``: the standard recipe, cleanlab's label-quality score
  (self-confidence) over 5-fold out-of-fold probabilities of the plain baseline
  (TF-IDF + logistic regression, scikit-learn defaults), row-level folds.

Also reported: how many rows the run flags and how many of those are flipped
(its precision), and the suspects stage's seconds against the refit's (the fit
of the model on every row).  Usage::

    pip install -e ".[bench]"                     # cleanlab, for the baseline
    python benchmarks/suspects.py                 # Uniclass and IFC, seeds 0-2
    python benchmarks/suspects.py --rows 100000   # the cost on a generated 100k-row inventory
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "builtbench"
if not DATA.is_dir():
    DATA = Path("/work/shared/data/builtbench")

# table -> (file, text column, targets, the target whose labels are flipped)
TABLES = {
    "uniclass": (
        "uniclass_entities.csv",
        "natural_name",
        ["1st_lev_superclass", "2nd_lev_superclass"],
        "2nd_lev_superclass",
    ),
    "ifc": ("ifc_entities.csv", "natural_name", ["1st_lev_superclass", "2nd_lev_superclass"], "2nd_lev_superclass"),
}
FLIP_SHARE = 0.05


def flipped_table(name: str, seed: int) -> tuple[pd.DataFrame, np.ndarray, str, str, list[str]]:
    file, text, targets, target = TABLES[name]
    frame = pd.read_csv(DATA / file, dtype=str, keep_default_na=False)
    frame = frame[(frame[text].str.strip() != "") & (frame[targets] != "").all(axis=1)].reset_index(drop=True)
    frame = frame[[text, *targets]].copy()
    rng = np.random.default_rng(seed)
    classes = np.unique(frame[target])
    flip = rng.choice(len(frame), size=round(FLIP_SHARE * len(frame)), replace=False)
    labels = frame[target].to_numpy(dtype=object)
    for i in flip:
        labels[i] = rng.choice(classes[classes != labels[i]])
    frame[target] = labels
    return frame, np.sort(flip), text, target, targets


def baseline_scores(frame: pd.DataFrame, text: str, target: str, seed: int) -> np.ndarray:
    """1 - self-confidence over the baseline's 5-fold out-of-fold probabilities (cleanlab's score)."""
    from cleanlab.rank import get_label_quality_scores
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold, cross_val_predict
    from sklearn.pipeline import make_pipeline

    y = frame[target].to_numpy()
    _, codes = np.unique(y, return_inverse=True)
    pipeline = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=1000))
    probabilities = cross_val_predict(
        pipeline, frame[text], codes, cv=KFold(5, shuffle=True, random_state=seed), method="predict_proba"
    )
    return 1.0 - get_label_quality_scores(codes, probabilities, method="self_confidence")


def run_product(
    frame: pd.DataFrame, text: str, targets: list[str], seed: int, folder: Path
) -> tuple[pd.DataFrame, dict]:
    from nexusml import parse_args, run_training

    path = folder / "table.csv"
    frame.to_csv(path, index=False)
    args = parse_args(
        ["--data-path", str(path), "--text-columns", text, "--targets", ",".join(targets), "--random-state", str(seed)]
        + ["--output-dir", str(folder / "out"), "--log-level", "ERROR", "--suspects"]
    )
    result = run_training(args)
    suspects = pd.read_csv(result.suspects_path, dtype={"label": str, "suggested": str}, keep_default_na=False)
    return suspects, dict(result.stage_seconds)


def run(tables: list[str], seeds: list[int]) -> list[dict]:
    cells = []
    for name in tables:
        for seed in seeds:
            frame, flip, text, target, targets = flipped_table(name, seed)
            k = len(flip)
            flipped_rows = set((flip + 2).tolist())  # spreadsheet rows, as the suspects file numbers them
            with tempfile.TemporaryDirectory() as folder:
                suspects, seconds = run_product(frame, text, targets, seed, Path(folder))
            mine = suspects[suspects["target"] == target]
            ours_top = set(mine["row"].head(k).tolist())
            base = baseline_scores(frame, text, target, seed)
            base_top = set((np.argsort(-base, kind="stable")[:k] + 2).tolist())
            cell = {
                "table": name,
                "seed": seed,
                "rows": len(frame),
                "flipped": k,
                "nexusml_top_k": len(ours_top & flipped_rows),
                "cleanlab_baseline_top_k": len(base_top & flipped_rows),
                "flagged": len(mine),
                "flagged_flipped": len(set(mine["row"]) & flipped_rows),
                "suspects_s": seconds.get("suspects", float("nan")),
                "refit_s": seconds.get("refit", float("nan")),
            }
            cells.append(cell)
            print(json.dumps(cell), flush=True)
    return cells


def table(cells: list[dict]) -> str:
    lines = [
        "| table | seed | rows | flipped (k) | nexusml top k | cleanlab + baseline top k | listed (of them flipped) "
        "| suspects s / refit s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in cells:
        lines.append(
            f"| {c['table']} | {c['seed']} | {c['rows']:,} | {c['flipped']} | {c['nexusml_top_k']} "
            f"({c['nexusml_top_k'] / c['flipped']:.0%}) | {c['cleanlab_baseline_top_k']} "
            f"({c['cleanlab_baseline_top_k'] / c['flipped']:.0%}) | {c['flagged']} ({c['flagged_flipped']}) "
            f"| {c['suspects_s']:.2f} / {c['refit_s']:.2f} |"
        )
    return "\n".join(lines)


def cost(rows: int) -> None:
    """The suspects stage against the refit on the generated inventory of ``rows`` rows (no flips)."""
    from nexusml import parse_args, run_training
    from scripts.synthetic import generate_inventory

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "inventory.csv"
        generate_inventory(rows, seed=0).to_csv(path, index=False)
        args = parse_args(["--data-path", str(path), "--output-dir", str(Path(folder) / "out")])
        args = args.replace(log_level="ERROR", suspects=True)
        seconds = run_training(args).stage_seconds
    ratio = seconds["suspects"] / seconds["refit"]
    print(f"{rows:,} rows: suspects {seconds['suspects']:.1f} s, refit {seconds['refit']:.1f} s, ratio {ratio:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tables", default=",".join(TABLES))
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--rows", type=int, default=0, help="measure the cost on a generated inventory instead")
    ns = parser.parse_args(argv)
    if ns.rows:
        cost(ns.rows)
        return 0
    cells = run(ns.tables.split(","), [int(s) for s in ns.seeds.split(",")])
    print(table(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
