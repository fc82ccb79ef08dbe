"""``nexusml-predict``: classify the rows of a file with a saved model."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

PROG = "nexusml-predict"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Predict classification codes for the rows of a CSV, Excel or Parquet file.",
        epilog="exit codes: 0 success, 1 prediction failed, 2 bad arguments",
    )
    parser.add_argument("--model", required=True, metavar="PATH", help="Saved model (.pkl) with its _metadata.json")
    parser.add_argument("--input", required=True, metavar="FILE", help="Rows to classify (CSV, Excel or Parquet)")
    parser.add_argument("--output", required=True, metavar="FILE.csv", help="Where to write the predictions (CSV)")
    parser.add_argument("--sheet", default=None, help="Excel sheet name or 0-based index")
    parser.add_argument(
        "--trust",
        action="store_true",
        help="Load the model even if its sha256 does not match its metadata (only for files you made)",
    )
    parser.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    ns = parser.parse_args(argv)
    from nexusml.core.cli.training_args import ArgumentError, validate_data_path, validate_sheet

    try:
        input_path = validate_data_path(ns.input, "input")
        sheet = validate_sheet(ns.sheet)
    except ArgumentError as exc:
        parser.error(f"--input: {exc.message}")
    output = Path(ns.output)
    if output.is_dir() or not output.parent.exists() if output.parent != Path("") else False:
        parser.error(f"--output: {output} must be a file in an existing directory")
    logging.basicConfig(level=getattr(logging, ns.log_level), format="%(levelname)s %(message)s")

    from nexusml.core.components.io import atomic_write_text
    from nexusml.core.components.loader import DataLoadError, load_data
    from nexusml.core.components.predictor import ModelLoadError, PredictionError, load_model

    try:
        model = load_model(ns.model, trust=ns.trust)
        frame = load_data(input_path, sheet)
        predictions = model.predict(frame)
        atomic_write_text(output, predictions.to_csv(index=False))
    except (ModelLoadError, DataLoadError, PredictionError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{PROG}: error: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"{len(predictions)} row(s) predicted for {', '.join(model.targets)} -> {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
