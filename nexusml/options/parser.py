"""The argparse program built from the argument spec, and its inverse (the equivalent command line)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any, NoReturn

from nexusml.options.arguments import TrainingArguments
from nexusml.options.precedence import resolve_arguments
from nexusml.options.spec import Kind
from nexusml.options.training_args import ARGUMENTS, GROUP_TITLES, PROG, RUN_SWITCHES, ArgSpec, specs_for_group
from nexusml.options.validators import ArgumentError, join_columns


def _help_with_default(spec: ArgSpec) -> str:
    if spec.kind is Kind.BOOL or spec.default is None:
        return spec.help
    return f"{spec.help} (default: {spec.default})"


class OneLineParser(argparse.ArgumentParser):
    """argparse with a one-line error: ``PROG: error: ...`` and a hint, exit code 2 (no usage block)."""

    def error(self, message: str) -> NoReturn:
        hint = "" if ";" in message else f" (see {self.prog} --help)"
        from nexusml.errors import printable

        self.exit(2, f"{self.prog}: error: {printable(message)}{hint}\n")


def add_spec(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup, spec: ArgSpec, default: Any = argparse.SUPPRESS
) -> None:
    """Declare ``spec`` on ``parser``: its flags, metavar and help; a switch also gets its ``--no-NAME``.

    The value is left unvalidated (``spec.validate`` does that); ``default`` is what an absent flag gives.
    """
    if spec.kind is Kind.BOOL:
        parser.add_argument(
            *spec.flags, dest=spec.dest, action="store_const", const=True, default=default, help=spec.help
        )
        if spec.negatable:
            # --no-visualize etc. switch off a value set by a --config file (not listed in --help).
            parser.add_argument(
                f"--no-{spec.flag[2:]}", dest=spec.dest, action="store_const", const=False, help=argparse.SUPPRESS
            )
        return
    metavar = spec.metavar or (f"{{{','.join(spec.choices)}}}" if spec.choices else None)
    action = "append" if spec.kind is Kind.COLUMNS else "store"
    shown = spec if default is argparse.SUPPRESS or default is None else replace(spec, default=default)
    parser.add_argument(
        *spec.flags, dest=spec.dest, metavar=metavar, action=action, default=default, help=_help_with_default(shown)
    )


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    """The argparse parser, built from :data:`ARGUMENTS`.

    Every option defaults to ``argparse.SUPPRESS`` so that the parsed namespace
    holds only what was typed; defaults and ``--config`` values are merged by
    :func:`nexusml.options.precedence.merge_sources`.
    """
    parser = OneLineParser(
        prog=prog,
        usage="%(prog)s [--headless] [options]",
        description=(
            "Train a multi-target equipment-classification model. In a terminal, opens the training "
            "wizard with the given flags pre-filled; with --headless (or without a terminal) runs as a "
            "plain command-line program."
        ),
        epilog=(
            "Switches that a --config file turns on can be turned off with --no-NAME (e.g. --no-visualize).  "
            "Exit codes: 0 success, 1 run failed, 2 bad arguments, 130 interrupted (ctrl+c), "
            "143 terminated.  Example: nexusml-train --headless --data-path inventory.csv --visualize"
        ),
        argument_default=argparse.SUPPRESS,
    )
    for group_name, title in GROUP_TITLES.items():
        group = parser.add_argument_group(title)
        for spec in specs_for_group(group_name):
            add_spec(group, spec)
    return parser


def parse_raw(argv: list[str] | None = None, parser: argparse.ArgumentParser | None = None) -> dict[str, Any]:
    """Only what was given on the command line, unvalidated (the wizard pre-fills from it)."""
    parser = parser or build_parser()
    return dict(vars(parser.parse_args(argv)))


def parse_args(argv: list[str] | None = None) -> TrainingArguments:
    """Parse and validate; bad values print an argparse-style message and exit with code 2."""
    parser = build_parser()
    given = parse_raw(argv, parser)
    try:
        return resolve_arguments(given)
    except ArgumentError as exc:
        parser.error(str(exc))


def command_line(args: TrainingArguments) -> str:
    """The equivalent ``nexusml-train --headless ...`` command: every value that differs from its default."""
    import shlex

    parts = [PROG, "--headless"]
    for spec in ARGUMENTS:
        value = getattr(args, spec.dest)
        if spec.dest in RUN_SWITCHES or value == spec.typed_default:
            continue
        if spec.kind is Kind.BOOL:
            parts.append(spec.flag if value else f"--no-{spec.flag[2:]}")
        elif spec.kind is Kind.COLUMNS and value is not None:
            parts.extend([spec.flag, join_columns(value)])
        elif value is not None:
            parts.extend([spec.flag, str(value)])
    return shlex.join(parts)
