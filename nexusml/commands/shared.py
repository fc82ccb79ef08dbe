"""What ``nexusml-predict`` and ``nexusml-evaluate`` share: a saved model, an input file, how they report."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from nexusml.options.parser import OneLineParser, add_spec
from nexusml.options.training_args import SPECS
from nexusml.options.validators import ArgumentError, validate_data_path, validate_sheet

LOG_LEVEL = "WARNING"  # these commands print their results; INFO would add a line per step


def command_parser(prog: str, description: str, epilog: str) -> argparse.ArgumentParser:
    """A parser whose errors are one line (``PROG: error: ...``, exit code 2), without the usage block."""
    return OneLineParser(prog=prog, description=description, epilog=epilog)


def add_model_and_input(parser: argparse.ArgumentParser, input_help: str) -> None:
    parser.add_argument("--model", required=True, metavar="PATH", help="Saved model (.skops) with its _metadata.json")
    parser.add_argument("--input", required=True, metavar="FILE", help=input_help)
    add_spec(parser, SPECS["sheet"], default=None)
    parser.add_argument(
        "--trust",
        action="store_true",
        help="Load a pickle of an earlier version, or a model whose sha256 does not match (only files you made)",
    )
    add_spec(parser, SPECS["log_level"], default=LOG_LEVEL)
    parser.add_argument(
        "--raw-cells",
        action="store_true",
        help="Write CSV cells as they are; by default a cell beginning with =, +, -, @ (a formula to a "
        "spreadsheet) gets a ' before it, which NexusML takes off when it reads the file back",
    )


def input_file(parser: argparse.ArgumentParser, ns: argparse.Namespace) -> tuple[Path, str | int | None]:
    """The validated ``--input`` path and ``--sheet``; a bad one exits 2 with one line.

    A command with an ``--output`` file (nexusml-predict) has it checked here too, before any
    work: see :func:`check_outputs`.
    """
    try:
        found = validate_data_path(ns.input, "input"), validate_sheet(ns.sheet)
    except ArgumentError as exc:
        parser.error(f"--input: {exc.message}")
    if getattr(ns, "output", None) is not None:
        check_outputs(parser, "--output", Path(ns.output))
    return found


def check_outputs(parser: argparse.ArgumentParser, flag: str, *paths: Path) -> None:
    """Exit 2 with one line when a file the command will write is a link, a device or a pipe.

    The files are written atomically (a temporary file renamed over the old one), which
    would replace the link or the device itself; the writer refuses that too, this says so
    before the model is loaded and the rows are predicted.
    """
    from nexusml.errors import printable
    from nexusml.store.io import UnsafeDestination, check_replaceable

    for path in paths:
        try:
            check_replaceable(path)
        except UnsafeDestination as exc:
            parser.exit(2, f"{parser.prog}: error: {flag}: {printable(str(exc))}\n")


def start_logging(parser: argparse.ArgumentParser, ns: argparse.Namespace) -> None:
    """Log at ``--log-level`` (checked as nexusml-train checks it; a bad one exits 2)."""
    try:
        level = SPECS["log_level"].validate(ns.log_level)
    except ArgumentError as exc:
        parser.error(f"--log-level: {exc.message}")
    logging.basicConfig(level=getattr(logging, level), format="%(levelname)s %(message)s")


def load_model_and_rows(ns: argparse.Namespace, path: Path, sheet: str | int | None) -> tuple[Any, Any]:
    """The checked model and the input rows (raises the components' one-line errors)."""
    from nexusml.readers.loader import load_data
    from nexusml.store.load import load_model

    return load_model(ns.model, trust=ns.trust), load_data(path, sheet)
