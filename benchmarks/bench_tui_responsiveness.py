"""How quickly the wizard answers key presses while it trains.

Starts a real training run in the wizard (headless Textual, 120x40) on generated data, then presses
a key that scrolls the log pane and measures, for each press, the time from sending the key to the
moment its handler runs.  The run trains in the wizard's child process, as it does for users.
The target: every key press answered within 100 ms while a 100k-row run trains.

    python benchmarks/bench_tui_responsiveness.py [--rows 100000]
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


async def measure(rows: int, presses: int) -> dict[str, float]:
    from scripts.synthetic import generate_inventory
    from tui.app import create_app

    with tempfile.TemporaryDirectory(prefix="nexusml-tui-bench-") as folder:
        work = Path(folder)
        data = work / "inventory.csv"
        generate_inventory(rows, seed=1).to_csv(data, index=False)
        app = create_app({"data_path": str(data), "output_dir": str(work / "out")}, settings_path=work / "s.yml")
        latencies: list[float] = []
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.5)
            await pilot.press("ctrl+r")
            started = time.perf_counter()
            while app.active_run is None:
                await pilot.pause(0.05)
            run = app.active_run
            from textual.widgets import RichLog

            log = run.query_one(RichLog)
            log.focus()
            handled: list[float] = []
            original = log.action_scroll_down

            def scroll_down(*args, **kwargs):
                handled.append(time.perf_counter())
                return original(*args, **kwargs)

            log.action_scroll_down = scroll_down  # records when the key reached its handler
            while len(latencies) < presses and run.result is None and app.screen is run:
                count, before = len(handled), time.perf_counter()
                await pilot.press("down")
                if len(handled) > count:
                    latencies.append(handled[count] - before)
                await asyncio.sleep(0.1)
            await app.workers.wait_for_complete()
            total = time.perf_counter() - started
            await pilot.pause(1.0)  # let the results screen finish mounting before the app closes
        latencies_ms = sorted(v * 1000 for v in latencies)
        return {
            "rows": rows,
            "presses": len(latencies_ms),
            "run_seconds": total,
            "median_ms": statistics.median(latencies_ms),
            "p95_ms": latencies_ms[int(0.95 * (len(latencies_ms) - 1))],
            "max_ms": latencies_ms[-1],
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=200)
    ns = parser.parse_args()
    figures = asyncio.run(measure(ns.rows, ns.presses))
    print("| rows | key presses | run (s) | median (ms) | p95 (ms) | max (ms) | within 100 ms |")
    print("|---:|---:|---:|---:|---:|---:|:---:|")
    ok = "yes" if figures["max_ms"] <= 100 else "no"
    print(
        f"| {figures['rows']:,} | {figures['presses']} | {figures['run_seconds']:.1f} | {figures['median_ms']:.1f} "
        f"| {figures['p95_ms']:.1f} | {figures['max_ms']:.1f} | {ok} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
