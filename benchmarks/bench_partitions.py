"""Coding a partitioned inventory in one process and on a Dask LocalCluster; fitting a large run on the cluster.

    python benchmarks/bench_partitions.py                       # 10,000,000 rows in 20 Parquet files (~45 min)
    python benchmarks/bench_partitions.py --rows 400000 --partitions 8 --fit-rows 0     # a quick look (~3 min)

(a) Coding.  ``--rows`` generated inventory rows (the input columns of an export: no codes) are written
as ``--partitions`` Parquet files.  ``nexusml-predict --input DIR --output OUT --min-confidence auto`` codes
them in a fresh process, one partition after another, and again with ``--dask-scheduler`` on a
LocalCluster of 2 single-threaded worker processes started by this script.  Printed: wall seconds, rows/s,
the peak resident memory of the coding process (in-process run) or of each worker (cluster run), and
whether every output file is byte for byte the same.  The in-process run is repeated on the first
``--partitions // 5`` files to show its peak memory does not grow with the number of partitions.

(b) Fits.  ``--fit-rows`` generated rows (5 targets) trained headless without a search, with local threads
and with ``--dask-scheduler`` on a fresh 2-worker LocalCluster: the train stage's seconds, the whole run,
and whether the held-out metrics are the same.

The model for (a) is trained first on ``--train-rows`` rows unless ``--model`` names one.  Every process
is timed on whatever else the machine does: the load average is printed with the results.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

MEASURE = (
    "import resource, subprocess, sys, time\n"
    "started = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "wall = time.perf_counter() - started\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "sys.stderr.write(done.stderr)\n"
    "print(done.stdout)\n"
    "print('MEASURED', done.returncode, wall, peak)\n"
)
PARTITION_LINE = re.compile(r"^\s+(\S+): ([\d,]+) rows in ([\d.]+)s")


def env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(REPO))


def measured(command: list[str]) -> dict[str, Any]:
    """Run ``command`` in a fresh process; its exit code, wall seconds, peak RSS (GiB) and output."""
    done = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, env=env())
    code, wall, peak = done.stdout.strip().splitlines()[-1].split()[1:]
    if int(code) != 0:
        raise SystemExit(f"{' '.join(command[:4])} ... failed ({code}):\n{done.stderr[-2000:]}")
    return {"wall": float(wall), "peak_gib": int(peak) / 2**20, "stdout": done.stdout}


def predict_command(model: Path, inputs: str, output: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "nexusml.commands.predict",
        "--model",
        str(model),
        "--input",
        inputs,
        "--output",
        str(output),
        "--min-confidence",
        "auto",
        *extra,
    ]


def partition_seconds(stdout: str) -> list[tuple[str, int, float]]:
    found = []
    for line in stdout.splitlines():
        match = PARTITION_LINE.match(line)
        if match:
            found.append((match[1], int(match[2].replace(",", "")), float(match[3])))
    return found


def local_cluster(workers: int = 2) -> tuple[Any, Any]:
    import logging

    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.ERROR
    )
    return cluster, Client(cluster)


def worker_peaks(client: Any) -> list[float]:
    peaks = client.run(lambda: __import__("resource").getrusage(__import__("resource").RUSAGE_SELF).ru_maxrss)
    return [kib / 2**20 for kib in peaks.values()]


def make_partitions(folder: Path, rows: int, partitions: int) -> None:
    from scripts.synthetic import generate_inventory

    folder.mkdir(parents=True, exist_ok=True)
    codes = ["category_name", "omniclass_code", "uniformat_code", "masterformat_code", "mcaa_system_category"]
    each = rows // partitions
    for i in range(partitions):
        path = folder / f"part-{i:03d}.parquet"
        if path.exists():
            continue
        frame = generate_inventory(each, seed=1000 + i).drop(columns=codes)
        frame.to_parquet(path, index=False)
        print(f"  wrote {path.name} ({each:,} rows)", flush=True)


def train(data: Path, out: Path, *extra: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "nexusml", "--headless", "--data-path", str(data), "--output-dir", str(out)]
    run = measured([*command, "--no-suspects", "--log-level", "WARNING", *extra])
    metadata = json.loads((out / "equipment_classifier_latest_metadata.json").read_text())
    run["stages"] = metadata.get("stage_seconds", {})
    run["metrics"] = {t: (m["accuracy"], m["f1_macro"]) for t, m in metadata["metrics"].items()}
    return run


def coding(args: argparse.Namespace, work: Path, model: Path) -> dict[str, Any]:
    inputs = work / "partitions"
    print(f"(a) {args.rows:,} rows in {args.partitions} Parquet partitions", flush=True)
    make_partitions(inputs, args.rows, args.partitions)
    results: dict[str, Any] = {}
    here = work / "coded_here"
    print("  coding in one process ...", flush=True)
    results["here"] = measured(predict_command(model, str(inputs), here))
    few = max(1, args.partitions // 5)
    subset = work / "partitions_few"
    subset.mkdir(exist_ok=True)
    for path in sorted(inputs.glob("*.parquet"))[:few]:
        if not (subset / path.name).exists():
            (subset / path.name).symlink_to(path)
    print(f"  coding {few} partition(s) in one process ...", flush=True)
    results["here_few"] = measured(predict_command(model, str(subset), work / "coded_few"))
    print("  coding on a LocalCluster of 2 workers ...", flush=True)
    cluster, client = local_cluster()
    try:
        there = work / "coded_cluster"
        address = client.scheduler.address
        results["cluster"] = measured(predict_command(model, str(inputs), there, "--dask-scheduler", address))
        results["cluster"]["worker_peaks_gib"] = worker_peaks(client)
    finally:
        client.close()
        cluster.close()
    names = sorted(p.name for p in inputs.glob("*.parquet"))
    results["identical"] = all((here / n).read_bytes() == (there / n).read_bytes() for n in names)
    results["rows"] = args.rows
    results["partitions"] = args.partitions
    results["few"] = few
    parts = partition_seconds(results["cluster"]["stdout"])
    results["per_worker_rows_per_s"] = sum(r for _, r, _ in parts) / sum(s for _, _, s in parts)
    return results


def fits(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from scripts.synthetic import generate_inventory

    data = work / f"fit_{args.fit_rows}.csv"
    if not data.exists():
        generate_inventory(args.fit_rows, 3).to_csv(data, index=False)
    print(f"(b) training on {args.fit_rows:,} rows with local threads ...", flush=True)
    local = train(data, work / "fit_local")
    print("    ... and on a LocalCluster of 2 workers", flush=True)
    cluster, client = local_cluster()
    try:
        remote = train(data, work / "fit_cluster", "--dask-scheduler", client.scheduler.address)
    finally:
        client.close()
        cluster.close()
    return {"local": local, "cluster": remote, "same_metrics": local["metrics"] == remote["metrics"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--partitions", type=int, default=20)
    parser.add_argument("--model", type=Path, help="a saved model to code with (default: train one)")
    parser.add_argument("--train-rows", type=int, default=100_000)
    parser.add_argument("--fit-rows", type=int, default=1_000_000, help="rows of the fits comparison (0: skip it)")
    parser.add_argument("--workdir", type=Path, default=Path("bench_partitions_work"))
    parser.add_argument("--json", type=Path, help="write every figure here too")
    args = parser.parse_args()
    work = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)
    model = args.model
    if model is None:
        from scripts.synthetic import generate_inventory

        data = work / f"train_{args.train_rows}.csv"
        if not data.exists():
            generate_inventory(args.train_rows, 3).to_csv(data, index=False)
        print(f"training the model on {args.train_rows:,} rows ...", flush=True)
        train(data, work / "model")
        model = work / "model" / "equipment_classifier_latest.skops"
    report: dict[str, Any] = {"machine": {"cores": os.cpu_count(), "load_before": os.getloadavg()}}
    report["coding"] = coding(args, work, model)
    if args.fit_rows:
        report["fits"] = fits(args, work)
    report["machine"]["load_after"] = os.getloadavg()
    print_report(report)
    if args.json:
        for part in (report["coding"], report.get("fits", {})):
            for run in part.values():
                if isinstance(run, dict):
                    run.pop("stdout", None)
        args.json.write_text(json.dumps(report, indent=2, default=str))
    return 0


def print_report(report: dict[str, Any]) -> None:
    c = report["coding"]
    rows = c["rows"]
    few_rows = rows // c["partitions"] * c["few"]
    print()
    print(f"| coding {rows:,} rows in {c['partitions']} Parquet partitions | wall s | rows/s | peak memory |")
    print("|---|---|---|---|")
    here, few, there = c["here"], c["here_few"], c["cluster"]
    rate = rows / here["wall"]
    print(f"| one process (`nexusml-predict`) | {here['wall']:.0f} | {rate:,.0f} | {here['peak_gib']:.2f} GiB |")
    print(
        f"| one process, {c['few']} partition(s) ({few_rows:,} rows) | {few['wall']:.0f} | "
        f"{few_rows / few['wall']:,.0f} | {few['peak_gib']:.2f} GiB |"
    )
    peaks = ", ".join(f"{p:.2f}" for p in there["worker_peaks_gib"])
    print(
        f"| LocalCluster, 2 workers x 1 thread | {there['wall']:.0f} | {rows / there['wall']:,.0f} | "
        f"{peaks} GiB per worker |"
    )
    per_worker = c["per_worker_rows_per_s"]
    print(f"\noutputs identical: {c['identical']}; per-worker rate on the cluster: {per_worker:,.0f} rows/s")
    if "fits" in report:
        f = report["fits"]
        print("\n| fits, no search | train stage s | whole run s | peak memory |")
        print("|---|---|---|---|")
        for label, key in (("local threads", "local"), ("LocalCluster, 2 workers", "cluster")):
            run = f[key]
            print(f"| {label} | {run['stages'].get('train', 0):.1f} | {run['wall']:.0f} | {run['peak_gib']:.2f} GiB |")
        print(f"same held-out metrics: {f['same_metrics']}")
    print(f"\nload average before {report['machine']['load_before']}, after {report['machine']['load_after']}")


if __name__ == "__main__":
    sys.exit(main())
