"""How quickly the Predict and Review screens answer key presses on a large file; how many decisions a review takes.

Responsiveness (the default): trains a small model on a generated asset register, then opens the wizard's Predict screen
(headless Textual, 120x40) on a generated file of ``--rows`` rows and presses "down" in the list
of saved models while the file is predicted in the worker thread, measuring for each press the
time from sending the key to the moment its handler runs.  Then, on the Review screen, the same
for the review table, and the time a filter change takes (re-selecting and redrawing the rows).
The target: every key press answered within 100 ms while 100k rows are predicted.

Decisions (``--decisions``): how many decisions a reviewer makes to code every row below the
auto-coding threshold, one per row, one per review group (rows the model reads the same, as the
product groups them), and one per group of two candidate looser rules that also join rows differing
in a tag or serial number (digits): ``no-digit-tokens`` drops every word holding a digit,
``digits-masked`` writes every run of digits as 0.  For each rule: the rows one decision would code
against their own true classes (their classes differ from those of the group's first row), and the
rows whose prediction differs from the first row's.  On three exports:

* ``schedule, tag apart``: real Uniclass products (BuiltBench, read unchanged from
  ``benchmarks/data/builtbench/``) as an asset schedule lists them: 500 products, each on 1 to 40
  rows (Zipf), each row with its own tag ("WGM-07", "L2-WGM-08") in a Tag column the model does not
  read; the model trained on 70 % of the products (one row each), reading the name; targets: the
  first two Uniclass levels and the IFC type, thresholds from ``--auto-precision`` 0.95;
* ``schedule, tag read``: the same, the model reading the tag with the name (as the bundled feature
  configs read ``equipment_tag``);
* ``asset register``: the generated asset register of the tests (3,000 new rows, the model trained on
  400, reading label, make and notes and the capacity): messy text, where numbers can tell classes apart.

    python benchmarks/bench_review.py [--rows 100000]
    python benchmarks/bench_review.py --decisions
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CONFIG = (
    "text_combinations:\n"
    "  - name: combined_text\n"
    "    columns: [Asset Label, Make, Notes]\n"
    "numeric_columns:\n"
    "  - {name: Capacity, new_name: capacity, fill_value: 0, dtype: float}\n"
    "targets: [System, Trade Group]\n"
)


def figures(values: list[float]) -> dict[str, float]:
    ms = sorted(v * 1000 for v in values)
    return {
        "presses": len(ms),
        "median_ms": statistics.median(ms),
        "p95_ms": ms[int(0.95 * (len(ms) - 1))],
        "max_ms": ms[-1],
    }


def recorder(widget, name: str, handled: list[float]) -> None:
    original = getattr(widget, name)

    def record(*args, **kwargs):
        handled.append(time.perf_counter())
        return original(*args, **kwargs)

    setattr(widget, name, record)


async def presses(pilot, handled: list[float], keep_going, limit: int) -> list[float]:
    latencies: list[float] = []
    while len(latencies) < limit and keep_going():
        count, before = len(handled), time.perf_counter()
        await pilot.press("down")
        if len(handled) > count:
            latencies.append(handled[count] - before)
        await asyncio.sleep(0.05)
    return latencies


async def measure(rows: int, limit: int) -> dict[str, dict[str, float]]:
    from nexusml.options.arguments import arguments_from_values
    from nexusml.pipeline import run_training
    from scripts.synthetic import generate_asset_register
    from tui.app import create_app
    from tui.screens.review import ReviewScreen

    with tempfile.TemporaryDirectory(prefix="nexusml-review-bench-") as folder:
        work = Path(folder)
        config = work / "features.yml"
        config.write_text(CONFIG, encoding="utf-8")
        train = work / "register.csv"
        generate_asset_register(2000, seed=1).to_csv(train, index=False)
        out = work / "models"
        run_training(arguments_from_values({"data_path": train, "feature_config": config, "output_dir": out}))
        model = next(out.glob("*_latest.skops"))
        new = work / "site.csv"
        generate_asset_register(rows, seed=2).drop(columns=["System", "Trade Group"]).to_csv(new, index=False)
        given = {"predict": str(model), "data_path": str(new), "output_dir": str(out)}
        app = create_app(given, settings_path=work / "s.yml")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.5)
            screen = app.screen
            table = screen.query_one("#predict-models")
            table.focus()
            handled: list[float] = []
            recorder(table, "action_cursor_down", handled)
            started = time.perf_counter()
            await pilot.press("f5")
            await pilot.pause(0.05)
            during = await presses(pilot, handled, lambda: screen.running, limit)
            while not isinstance(app.screen, ReviewScreen):
                await pilot.pause(0.05)
            predict_seconds = time.perf_counter() - started
            review = app.screen
            await pilot.pause(0.3)
            grid = review.query_one("#review-table")
            handled = []
            recorder(grid, "action_cursor_down", handled)
            in_review = await presses(pilot, handled, lambda: True, min(limit, 100))
            filters = []
            for value in ("review", "unfamiliar", "all", "review", "all"):
                before = time.perf_counter()
                review.query_one("#review-show").value = value
                await pilot.pause()
                filters.append(time.perf_counter() - before)
        return {
            "while predicting": {**figures(during), "rows": rows, "seconds": predict_seconds},
            "review table": {**figures(in_review), "rows": rows},
            "filter change": {**figures(filters), "rows": rows},
        }


DATA = Path(__file__).resolve().parent / "data" / "builtbench"
UNICLASS_TARGETS = ("1st_lev_superclass", "2nd_lev_superclass", "mapping_IFC_4x3Add2_TC1")
DIGITS = re.compile(r"\d+")


def loose_rules() -> dict:
    """Candidate rules that also join rows differing in a tag or serial number (not the product's rule)."""

    def no_digit_tokens(text: str) -> str:
        return " ".join(word for word in text.split() if not any(c.isdigit() for c in word))

    def digits_masked(text: str) -> str:
        return DIGITS.sub("0", text)

    return {"no-digit-tokens": no_digit_tokens, "digits-masked": digits_masked}


def tags_for(names, rng):
    """A tag per row: the name's initials, a running number per product, sometimes a level ("L2-WGM-08")."""
    import numpy as np

    out, counts = [], {}
    for name in names:
        letters = "".join(w[0] for w in re.findall(r"[A-Za-z]+", name)[:3]).upper() or "X"
        counts[name] = counts.get(name, 0) + 1
        tag = f"{letters}-{counts[name]:02d}"
        out.append(f"L{rng.integers(1, 6)}-{tag}" if rng.random() < 0.15 else tag)
    return np.array(out, dtype=object)


def schedule(folder: Path, seed: int = 0) -> tuple[Path, Path, object]:
    """Training rows (70 % of the products, one row each) and an asset schedule (500 products, 1-40 rows each)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    items = pd.read_csv(DATA / "uniclass_entities.csv", dtype=str, keep_default_na=False)
    items = items[["natural_name", *UNICLASS_TARGETS]]
    items = items[(items[list(UNICLASS_TARGETS)].apply(lambda c: c.str.strip()) != "").all(axis=1)]
    items = items.reset_index(drop=True)
    known = np.sort(rng.permutation(len(items))[: int(0.7 * len(items))])
    train = items.iloc[known].reset_index(drop=True)
    train.insert(0, "Tag", tags_for(train["natural_name"], rng))
    listed = items.iloc[rng.choice(len(items), size=500, replace=False)].reset_index(drop=True)
    copies = np.minimum(rng.zipf(1.8, len(listed)), 40)
    rows = listed.loc[listed.index.repeat(copies)].sample(frac=1.0, random_state=seed).reset_index(drop=True)
    rows.insert(0, "Tag", tags_for(rows["natural_name"], rng))
    train_path, new_path = folder / "schedule_train.csv", folder / "schedule.csv"
    train.to_csv(train_path, index=False)
    rows.drop(columns=list(UNICLASS_TARGETS)).to_csv(new_path, index=False)
    return train_path, new_path, rows[list(UNICLASS_TARGETS)]


def register(folder: Path) -> tuple[Path, Path, object, Path]:
    from scripts.synthetic import generate_asset_register

    config = folder / "features.yml"
    config.write_text(CONFIG, encoding="utf-8")
    train, new = folder / "register.csv", folder / "register_new.csv"
    generate_asset_register(400, seed=1).to_csv(train, index=False)
    truth = generate_asset_register(3000, seed=2)
    truth.drop(columns=["Asset Type", "System", "Trade Group"]).to_csv(new, index=False)
    return train, new, truth[["System", "Trade Group"]], config


def count_decisions(coded, truth) -> dict[str, object]:
    """Per rule: decisions to code every row below the threshold, and the rows one decision would code wrongly.

    "against truth": rows whose true classes differ from those of their group's first row (below the
    threshold, and over every row of the file); "predicted otherwise": the same for the predictions.
    """
    import numpy as np
    import pandas as pd

    from nexusml.coding import review_groups

    review = coded.any_needs_review()
    true = truth.astype(str).to_numpy()
    said = np.column_stack([coded.predicted[t] for t in coded.targets]).astype(str)
    keys = {"one per row": np.arange(len(coded)), "review groups (product)": coded.group}
    for name, rule in loose_rules().items():
        keys[name] = review_groups(np.array([rule(str(t)) for t in coded.text], dtype=object), coded.numbers)

    def against(key: np.ndarray, values: np.ndarray) -> int:
        first = pd.Series(np.arange(len(key))).groupby(key).transform("first").to_numpy()
        return int((values != values[first]).any(axis=1).sum())

    out: dict[str, object] = {"rows": len(coded), "below threshold": int(review.sum())}
    for name, key in keys.items():
        key = np.asarray(key)
        out[name] = {
            "decisions": len(np.unique(key[review])),
            "against truth": against(key[review], true[review]),
            "predicted otherwise": against(key[review], said[review]),
            "all rows: groups": len(np.unique(key)),
            "all rows: against truth": against(key, true),
        }
    return out


def decisions() -> dict[str, dict[str, object]]:
    import tempfile

    from nexusml import coding, load_model
    from nexusml.options.arguments import arguments_from_values
    from nexusml.pipeline import run_training
    from nexusml.readers.loader import load_data

    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="nexusml-decisions-") as folder:
        work = Path(folder)
        train, new, truth = schedule(work)
        for name, text in (("schedule, tag apart", ["natural_name"]), ("schedule, tag read", ["Tag", "natural_name"])):
            values = {"data_path": str(train), "targets": list(UNICLASS_TARGETS), "text_columns": text}
            values |= {"output_dir": str(work / "m"), "model_name": name.replace(", ", "_").replace(" ", "_")}
            model = load_model(run_training(arguments_from_values({**values, "log_level": "WARNING"})).model_path)
            results[name] = count_decisions(coding.code_frame(model, load_data(new)), truth)
        train, new, truth, config = register(work)
        values = {"data_path": str(train), "feature_config": str(config), "output_dir": str(work / "r")}
        model = load_model(run_training(arguments_from_values({**values, "log_level": "WARNING"})).model_path)
        results["asset register"] = count_decisions(coding.code_frame(model, load_data(new)), truth)
    return results


def print_decisions(results: dict[str, dict[str, object]]) -> None:
    print("Below the threshold: decisions, rows coded against their truth, rows predicted otherwise than their")
    print("group's first row; every row of the file: groups, rows against their truth.")
    print(
        "| export | rows | below threshold | rule | decisions | against truth | predicted otherwise "
        "| all rows: groups | all rows: against truth |"
    )
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|")
    for export, figures in results.items():
        for rule, f in figures.items():
            if isinstance(f, dict):
                print(
                    f"| {export} | {figures['rows']:,} | {figures['below threshold']:,} | {rule} | {f['decisions']:,} "
                    f"| {f['against truth']:,} | {f['predicted otherwise']:,} | {f['all rows: groups']:,} "
                    f"| {f['all rows: against truth']:,} |"
                )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--decisions", action="store_true", help="count the review decisions, with and without groups")
    ns = parser.parse_args()
    if ns.decisions:
        print_decisions(decisions())
        return 0
    results = asyncio.run(measure(ns.rows, ns.presses))
    print("| measured | rows | events | median (ms) | p95 (ms) | max (ms) | within 100 ms |")
    print("|---|---:|---:|---:|---:|---:|:---:|")
    for name, f in results.items():
        ok = "yes" if f["max_ms"] <= 100 else "no"
        print(
            f"| {name} | {f['rows']:,} | {f['presses']} | {f['median_ms']:.1f} | {f['p95_ms']:.1f} "
            f"| {f['max_ms']:.1f} | {ok} |"
        )
    print(f"prediction of {results['while predicting']['rows']:,} rows: {results['while predicting']['seconds']:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
