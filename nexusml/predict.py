"""``nexusml-predict``: classify the rows of a file with a saved model."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nexusml.core.cli.model_commands import add_model_and_input, input_file, load_model_and_rows, start_logging

PROG = "nexusml-predict"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Predict classification codes for the rows of a CSV, Excel or Parquet file.",
        epilog=(
            "With --min-confidence, predictions less sure than the threshold are left empty and marked "
            "needs_review_<target>, so those rows can go to a person; 'auto' uses the threshold recorded "
            "when the model was trained (the lowest confidence at which its held-out predictions reached "
            "the --auto-precision of training).  Exit codes: 0 success, 1 prediction failed, 2 bad arguments."
        ),
    )
    add_model_and_input(parser, "Rows to classify (CSV, Excel or Parquet)")
    parser.add_argument("--output", required=True, metavar="FILE.csv", help="Where to write the predictions (CSV)")
    parser.add_argument(
        "--min-confidence",
        metavar="X|auto",
        help="Leave predictions below this confidence (0-1, or 'auto': the model's auto-coding threshold) empty",
    )
    return parser


def min_confidence(parser: argparse.ArgumentParser, raw: str | None) -> float | str | None:
    if raw is None:
        return None
    if raw.strip().lower() == "auto":
        return "auto"
    try:
        value = float(raw)
    except ValueError:
        parser.error(f"--min-confidence: '{raw}' is not a number; give a confidence between 0 and 1, or 'auto'")
    if not 0.0 <= value <= 1.0:
        parser.error(f"--min-confidence: must be between 0 and 1, got {raw}; or give 'auto'")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    ns = parser.parse_args(argv)
    input_path, sheet = input_file(parser, ns)
    threshold = min_confidence(parser, ns.min_confidence)
    output = Path(ns.output)
    if output.is_dir() or (output.parent != Path("") and not output.parent.exists()):
        parser.error(f"--output: {output} must be a file in an existing directory")
    start_logging(ns)

    from nexusml.core.components.io import atomic_write_text
    from nexusml.core.components.report import threshold_text
    from nexusml.errors import NexusMLError, printable

    try:
        model, frame = load_model_and_rows(ns, input_path, sheet)
        if threshold == "auto":
            thresholds = model.auto_thresholds()
        elif threshold is not None:
            thresholds = dict.fromkeys(model.targets, float(threshold))
        else:
            thresholds = None
        predictions = model.predict(frame, min_confidence=thresholds)
        atomic_write_text(output, predictions.to_csv(index=False))
    except NexusMLError as exc:
        print(f"{PROG}: error: {printable(str(exc))}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{PROG}: error: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"{len(predictions)} row(s) predicted for {', '.join(model.targets)} -> {output}")
    if thresholds is not None:
        for target in model.targets:
            review = int(predictions[f"needs_review_{target}"].sum())
            limit = thresholds[target]
            shown = (
                "no threshold reached the training precision"
                if limit is None
                else f"confidence < {threshold_text(limit)}"
            )
            print(f"  {target}: {len(predictions) - review} coded, {review} need review ({shown})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
