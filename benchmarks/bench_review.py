"""How quickly the Predict and Review screens answer key presses on a large file.

Trains a small model on a generated asset register, then opens the wizard's Predict screen
(headless Textual, 120x40) on a generated file of ``--rows`` rows and presses "down" in the list
of saved models while the file is predicted in the worker thread, measuring for each press the
time from sending the key to the moment its handler runs.  Then, on the Review screen, the same
for the review table, and the time a filter change takes (re-selecting and redrawing the rows).
The target: every key press answered within 100 ms while 100k rows are predicted.

    python benchmarks/bench_review.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import asyncio
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
        model = next(out.glob("*_latest.pkl"))
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=200)
    ns = parser.parse_args()
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
