"""``nexusml-evaluate``: score a saved model on a labelled file before trusting it on a new site.

Prints the report a training run prints (accuracy and macro-F1 per target, the
worst classes, the most frequent confusions, the auto-coding rate) and saves
it as JSON with the misclassified rows as CSV.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nexusml.commands.shared import (
    add_model_and_input,
    check_outputs,
    command_parser,
    input_file,
    load_model_and_rows,
    start_logging,
)
from nexusml.commands.terminal import command_main, exit_now
from nexusml.options.parser import add_spec
from nexusml.options.training_args import SPECS

PROG = "nexusml-evaluate"


def build_parser() -> argparse.ArgumentParser:
    parser = command_parser(
        PROG,
        "Score a saved model on a labelled CSV, Excel or Parquet file (it must have the target columns).",
        (
            "Writes {input}_evaluation.json (metrics, per-class figures, top confusions, auto-coding) and "
            "{input}_errors.csv (one line per misclassified row and target) to --output-dir.  "
            "Exit codes: 0 success, 1 evaluation failed, 2 bad arguments or a file without the model's targets."
        ),
    )
    add_model_and_input(parser, "Labelled rows: the model's input columns and its target columns")
    parser.add_argument(
        "--output-dir", default="outputs/evaluations", metavar="DIR", help="Where to write the report files"
    )
    add_spec(parser, SPECS["auto_precision"], default=SPECS["auto_precision"].default)
    return parser


@command_main(PROG)
def main(argv: list[str] | None = None) -> int:
    from nexusml.options.validators import ArgumentError, validate_output_dir

    parser = build_parser()
    ns = parser.parse_args(argv)
    input_path, sheet = input_file(parser, ns)
    try:
        precision = SPECS["auto_precision"].validate(ns.auto_precision)
        output_dir = validate_output_dir(ns.output_dir)
    except ArgumentError as exc:
        parser.error(str(exc))
    report_path = output_dir / f"{input_path.stem}_evaluation.json"
    errors_path = output_dir / f"{input_path.stem}_errors.csv"
    check_outputs(parser, "--output-dir", report_path, errors_path)
    start_logging(parser, ns)

    from nexusml.errors import NexusMLError, printable
    from nexusml.evaluation.report import metrics_table, report_lines
    from nexusml.model.trained import MissingTargets
    from nexusml.store.io import atomic_write_text
    from nexusml.store.serializer import to_json
    from nexusml.store.tables import csv_text

    try:
        model, frame = load_model_and_rows(ns, input_path, sheet)
        result = model.assess(frame, precision)
        output_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(errors_path, csv_text(result.errors, raw=ns.raw_cells))
        summary = {
            "model": str(Path(ns.model).resolve()),
            "input": str(input_path.resolve()),
            "rows_used": result.rows_used,
            "rows_dropped_empty_target": result.rows_dropped,
            "metrics": result.metrics,
            "errors_file": errors_path.name,
        }
        atomic_write_text(report_path, to_json(summary))
    except MissingTargets as exc:
        parser.error(str(exc))
    except NexusMLError as exc:
        print(f"{PROG}: error: {printable(str(exc))}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{PROG}: error: cannot write to {output_dir}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    lines = [f"{result.rows_used} labelled row(s) scored ({result.rows_dropped} without every target skipped)", ""]
    lines += metrics_table(result.metrics) + report_lines(result.metrics, rows="labelled rows")
    lines += ["", f"Report: {report_path}", f"Misclassified rows: {errors_path}"]
    print("\n".join(lines))
    return 0


def cli() -> None:
    """The console script (see ``terminal.exit_now``)."""
    exit_now(main())


if __name__ == "__main__":
    cli()
