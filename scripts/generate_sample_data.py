"""Regenerate the bundled sample inventory and its reference tables.

Usage (from the repository root)::

    python scripts/generate_sample_data.py
    python scripts/generate_sample_data.py --rows 10000 --seed 1 --output /tmp/inv.csv

The defaults reproduce ``nexusml/data/equipment_inventory.csv`` and
``nexusml/data/reference/*.csv`` exactly; a test checks that the bundled files
match what this script writes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nexusml.store.io import atomic_write_text  # noqa: E402
from scripts.synthetic import generate_inventory, write_reference_files  # noqa: E402

DEFAULT_ROWS = 2400
DEFAULT_SEED = 42
DEFAULT_OUTPUT = "nexusml/data/equipment_inventory.csv"
DEFAULT_REFERENCE_DIR = "nexusml/data/reference"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Write the synthetic equipment inventory CSV and its reference CSV files."
    )
    parser.add_argument(
        "--rows", type=int, default=DEFAULT_ROWS, help=f"number of inventory rows (default: {DEFAULT_ROWS})"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})")
    parser.add_argument("--output", default=DEFAULT_OUTPUT, help=f"inventory CSV path (default: {DEFAULT_OUTPUT})")
    parser.add_argument(
        "--reference-dir",
        default=DEFAULT_REFERENCE_DIR,
        help=f"folder for the reference CSV files (default: {DEFAULT_REFERENCE_DIR})",
    )
    return parser


def _resolve(path: str) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else Path.cwd() / candidate


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.rows < 0:
        print("--rows must be >= 0", file=sys.stderr)
        return 2

    started = time.perf_counter()
    frame = generate_inventory(args.rows, seed=args.seed)
    output = _resolve(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(output, frame.to_csv(index=False))
    written = write_reference_files(_resolve(args.reference_dir))
    elapsed = time.perf_counter() - started

    print(
        f"wrote {len(frame):,} rows x {frame.shape[1]} columns to {output} "
        f"({frame['category_name'].nunique()} categories, {elapsed:.2f} s)"
    )
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
