"""``nexusml-predict --input FOLDER|GLOB --output DIR``: a partitioned inventory, one coded file per input file.

The coding itself is :mod:`nexusml.coding.partitions`; this module checks the arguments (exit 2 with one
line), connects to the Dask cluster when one is named, and prints a line per partition and the total.
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

SCHEDULER_HELP = (
    "Code the partitions of a folder or glob --input on a Dask cluster: tcp://HOST:PORT, or 'local' for a "
    "cluster of worker processes on this machine (needs the [dask] extra); every worker must read the input "
    "files and write to --output (a shared filesystem)"
)


def is_partitioned(raw: str) -> bool:
    """Whether an ``--input`` names several files: a folder, or a pattern with ``*``, ``?`` or ``[``."""
    return Path(raw).is_dir() or any(c in raw for c in "*?[")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dask-scheduler", metavar="ADDRESS|local", help=SCHEDULER_HELP)


def check_arguments(parser: argparse.ArgumentParser, ns: argparse.Namespace) -> tuple[Path, str | None]:
    """The output folder (created if missing) and the scheduler, or exit 2 with one line."""
    from nexusml.options.validators import ArgumentError, validate_dask_scheduler

    for flag, given in (("--review-file", ns.review_file), ("--sheet", ns.sheet)):
        if given is not None:
            parser.error(f"{flag} applies to one file; --input {ns.input} names several (a folder or a pattern)")
    try:
        scheduler = validate_dask_scheduler(ns.dask_scheduler)
    except ArgumentError as exc:
        parser.error(f"--dask-scheduler: {exc.message}")
    output = Path(ns.output)
    if output.exists() and not output.is_dir():
        parser.error(f"--output: {output} is a file; a folder --input is coded into a folder, one file per input")
    if not output.parent.is_dir():
        parser.error(f"--output: the folder {output.parent} does not exist; create it or give another folder")
    return output, scheduler


def _count(n: int) -> str:
    return f"{n:,}"


def _line(result: Any, output: Path) -> str:
    rate = result.rows / result.seconds if result.seconds > 0 else float("inf")
    review = (
        f"{_count(result.to_review)} to review"
        if result.to_review is not None
        else f"{_count(result.doubtful)} unfamiliar or out of range"
    )
    figures = f"{_count(result.rows)} rows in {result.seconds:.1f}s ({rate:,.0f} rows/s)"
    return f"  {result.name}: {figures}, {review} -> {output}"


def run(parser: argparse.ArgumentParser, ns: argparse.Namespace, threshold: float | str | None, k: int) -> int:
    """Code every partition not already coded with this model and these options; 0 when all are coded."""
    from nexusml.coding.partitions import (
        MANIFEST_NAME,
        CodingOptions,
        Manifest,
        PartitionFailure,
        code_partitions,
        find_partitions,
    )
    from nexusml.coding.review_state import CodingError
    from nexusml.errors import NexusMLError, printable
    from nexusml.store.io import LockTimeout, clean_leftovers, directory_lock, sha256_file
    from nexusml.store.load import load_model

    prog = parser.prog
    output, scheduler = check_arguments(parser, ns)
    try:
        partitions, ignored = find_partitions(ns.input, output)
    except CodingError as exc:
        parser.error(f"--input: {exc}")
    if scheduler is not None:
        from nexusml.model.distributed import check_scheduler

        try:
            check_scheduler(scheduler)  # within a second, before the model is loaded
        except NexusMLError as exc:
            print(f"{prog}: error: {printable(str(exc))}", file=sys.stderr)
            return 1
    output.mkdir(exist_ok=True)
    options = CodingOptions(threshold, k, ns.raw_cells)
    started = time.perf_counter()
    with ExitStack() as stack:
        try:
            try:
                stack.enter_context(directory_lock(output, "nexusml-coding", timeout=0))
            except LockTimeout:
                raise CodingError(
                    f"another nexusml-predict is coding into {output}; wait for it or give another --output"
                ) from None
            manifest = Manifest(output / MANIFEST_NAME, sha256_file(ns.model), options)
            todo = [p for p in partitions if not manifest.is_done(p, sha256_file(p.source))]
            model = load_model(ns.model, trust=ns.trust) if todo else None
            clean_leftovers(output, ours_only=True)
            skipped = len(partitions) - len(todo)
            where = "this machine"
            client = None
            if scheduler is not None and todo:
                from nexusml.model.distributed import dask_client

                client, where, workers = stack.enter_context(dask_client(scheduler, "Coding"))
                where = f"{where} ({workers} worker(s))"
        except NexusMLError as exc:
            print(f"{prog}: error: {printable(str(exc))}", file=sys.stderr)
            return 1
        print(f"{len(partitions)} partition(s) in {ns.input} -> {output}/ on {where}", flush=True)
        if ignored:
            print(f"  ignored {len(ignored)} file(s) that are not CSV or Parquet: {', '.join(ignored[:5])}")
        if skipped:
            print(f"  {skipped} skipped: already coded with this model and these options (see {MANIFEST_NAME})")
        rows = to_review = 0
        failures: list[PartitionFailure] = []
        finished = 0
        try:
            for partition, outcome in code_partitions(model, todo, options, manifest, client):
                finished += 1
                if isinstance(outcome, PartitionFailure):
                    failures.append(outcome)
                    print(f"  {outcome.name}: failed: {printable(outcome.reason)}", file=sys.stderr, flush=True)
                    continue
                rows += outcome.rows
                to_review += outcome.to_review if outcome.to_review is not None else outcome.doubtful
                print(_line(outcome, partition.output), flush=True)
        except KeyboardInterrupt:
            print(
                f"  stopped after {finished} of {len(todo)} partition(s); the coded ones are recorded in "
                f"{MANIFEST_NAME}: run the same command again to code the rest",
                file=sys.stderr,
            )
            raise
    seconds = time.perf_counter() - started
    coded = len(todo) - len(failures)
    rate = f"{rows / seconds:,.0f} rows/s" if seconds > 0 and rows else "-"
    review = "to review" if threshold is not None else "unfamiliar or out of range"
    print(
        f"{coded} coded, {skipped} skipped, {len(failures)} failed: {_count(rows)} rows in {seconds:.1f}s "
        f"({rate}), {_count(to_review)} {review}"
    )
    if failures:
        print(
            f"{prog}: error: {len(failures)} partition(s) failed; fix them and run the same command again "
            "(the coded ones are skipped)",
            file=sys.stderr,
        )
        return 1
    return 0
