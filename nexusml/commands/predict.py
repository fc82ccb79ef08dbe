"""``nexusml-predict``: classify the rows of a file with a saved model."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from nexusml.commands import partitioned
from nexusml.commands.shared import add_model_and_input, command_parser, input_file, load_model_and_rows, start_logging
from nexusml.commands.terminal import command_main, exit_now

if TYPE_CHECKING:
    pass

PROG = "nexusml-predict"
MAX_TOP_K = 20


def build_parser() -> argparse.ArgumentParser:
    parser = command_parser(
        PROG,
        "Predict classification codes for the rows of a CSV, Excel or Parquet file.",
        (
            "With --min-confidence, predictions less sure than the threshold are left empty and marked "
            "needs_review_<target>, so those rows can go to a person; 'auto' uses the threshold recorded "
            "when the model was trained (the lowest confidence at which its held-out predictions reached "
            "the --auto-precision of training); a review_status column then says 'pending' for rows with a "
            "target to review (or unfamiliar text, or a number out of range) and 'auto' for the others.  Every "
            "output has an 'unfamiliar' column: rows whose text shares almost nothing with the training text "
            "(their confidence means little); and an 'out_of_range' column: the numeric columns whose value in the "
            "row lies outside the range of the training rows (the model reads it as the nearest end of that range; "
            "empty for the other rows), with one warning line on stderr; and a 'review_group' column: rows whose "
            "model input is the same (the text it reads, lowercased and whitespace collapsed, and the numbers) share "
            "a number (1, 2, ... in order of first appearance), and a review in the wizard decides them as one.  "
            "--output ending in .xlsx writes an Excel workbook, .parquet a Parquet file, anything else CSV.  "
            "--review-file takes the review file the wizard keeps next to the input "
            "(<input>.<model>.review.json) and writes its accepted and corrected rows as training rows "
            "(the model's input and target columns, then out_of_range) to --output.  "
            "Exit codes: 0 success, 1 prediction failed, 2 bad arguments."
        ),
    )
    add_model_and_input(
        parser,
        "Rows to classify (CSV, Excel or Parquet); or a folder or a quoted glob ('exports/*.parquet') of CSV and "
        "Parquet files, coded one output file per input file into the --output folder",
    )
    parser.add_argument(
        "--output",
        required=True,
        metavar="FILE|DIR",
        help="Where to write the predictions (.csv, .xlsx or .parquet); a folder for a folder or glob --input",
    )
    parser.add_argument(
        "--min-confidence",
        metavar="X|auto",
        help="Leave predictions below this confidence (0-1, or 'auto': the model's auto-coding threshold) empty",
    )
    parser.add_argument(
        "--top-k",
        metavar="K",
        help="Add the K most confident classes per target: top1_<target>, top1_confidence_<target>, ... (1-20)",
    )
    parser.add_argument(
        "--review-file",
        metavar="FILE.review.json",
        help="Write the reviewed rows of this review file (made in the wizard) as training rows to --output",
    )
    partitioned.add_arguments(parser)
    return parser


def top_k(parser: argparse.ArgumentParser, raw: str | None) -> int:
    if raw is None:
        return 0
    try:
        value = int(raw)
    except ValueError:
        parser.error(f"--top-k: '{raw}' is not a whole number; give how many classes to list (1-20)")
    if not 1 <= value <= MAX_TOP_K:
        parser.error(f"--top-k: must be between 1 and {MAX_TOP_K}, got {raw}")
    return value


def output_path(parser: argparse.ArgumentParser, raw: str) -> Path:
    output = Path(raw)
    if raw.endswith(("/", os.sep)) and not output.is_dir():
        parser.error(f"--output: {raw} names a folder that does not exist; give a file name such as {raw}coded.csv")
    if output.is_dir():
        parser.error(f"--output: {raw} is a folder; give a file name such as {output / 'coded.csv'}")
    if output.parent != Path("") and not output.parent.exists():
        parser.error(f"--output: {output} must be a file in an existing directory")
    if output.suffix.lower() in (".xls", ".xlsb", ".ods"):
        parser.error(f"--output: {output.suffix} files cannot be written; use .xlsx, .csv or .parquet")
    return output


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


@command_main(PROG)
def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    ns = parser.parse_args(argv)
    threshold = min_confidence(parser, ns.min_confidence)
    k = top_k(parser, ns.top_k)
    if partitioned.is_partitioned(ns.input):
        start_logging(parser, ns)
        return partitioned.run(parser, ns, threshold, k)
    if ns.dask_scheduler is not None:
        parser.error("--dask-scheduler codes the files of a folder or a pattern; give --input a folder or a glob")
    input_path, sheet = input_file(parser, ns)
    output = output_path(parser, ns.output)
    review_file = None
    if ns.review_file is not None:
        review_file = Path(ns.review_file)
        if threshold is not None or k:
            parser.error("--review-file writes training rows; --min-confidence and --top-k do not apply to it")
        if not review_file.is_file():
            parser.error(f"--review-file: {review_file} not found; give the .review.json file next to the input")
    start_logging(parser, ns)

    from nexusml import coding
    from nexusml.errors import NexusMLError, printable
    from nexusml.evaluation.report import threshold_text
    from nexusml.store.io import sha256_file

    try:
        model, frame = load_model_and_rows(ns, input_path, sheet)
        if review_file is not None:
            try:
                state = coding.ReviewState.load(review_file, sha256_file(ns.model), sha256_file(input_path))
            except coding.CodingError as exc:
                parser.error(f"--review-file: {exc}")
            rows = coding.training_rows(coding.code_frame(model, frame), state, model, flags=True)
            coding.write_table(rows, output, raw=ns.raw_cells)
            print(f"{len(rows)} reviewed row(s) written as training rows ({', '.join(rows.columns)}) -> {output}")
            return 0
        thresholds = coding.review_thresholds(model, threshold)
        coded = coding.code_frame(model, frame, top_k=max(k, 1))
        predictions = coding.prediction_table(coded, thresholds, k)
        coding.write_table(predictions, output, raw=ns.raw_cells)
    except NexusMLError as exc:
        print(f"{PROG}: error: {printable(str(exc))}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{PROG}: error: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"{len(predictions)} row(s) predicted for {', '.join(model.targets)} -> {output}")
    unfamiliar = int(coded.unfamiliar.sum())
    if unfamiliar:
        print(f"  {unfamiliar} row(s) with unfamiliar text (little in common with the training text)")
    outside = int(coded.out_of_range.rows.sum())
    if outside:
        print(f"  {outside} row(s) with a number outside the training range (see the out_of_range column)")
    if thresholds is not None:
        for target in model.targets:
            review = int(predictions[f"needs_review_{target}"].sum())
            limit = thresholds[target]
            shown = (
                "no threshold could be promised at training"
                if limit is None
                else f"confidence < {threshold_text(limit)}"
            )
            print(f"  {target}: {len(predictions) - review} coded, {review} need review ({shown})")
        pending = predictions["review_status"].to_numpy() == "pending"
        if pending.any():
            groups = len(set(predictions.loc[pending, coding.GROUP_COLUMN]))
            print(f"  {int(pending.sum())} row(s) to review: {groups} decision(s), one per review_group")
    return 0


def cli() -> None:
    """The console script (see ``terminal.exit_now``)."""
    exit_now(main())


if __name__ == "__main__":
    cli()
