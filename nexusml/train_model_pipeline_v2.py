"""``nexusml-train``: the training entry point, version 2.

In a terminal it opens the training wizard with the given flags pre-filled.
With ``--headless`` (or when stdin/stdout is not a terminal) it is a plain
argparse program: exit 0 on success, 1 when the run fails, 2 on bad arguments,
130 on ctrl+c and 143 on SIGTERM.  ``--legacy`` runs the pre-orchestrator path.

Nothing here imports textual, scikit-learn or pandas until it is needed, so
``--help`` is instant.
"""

from __future__ import annotations

import sys

from nexusml.commands.terminal import safe_terminal
from nexusml.commands.train import headless_main
from nexusml.options.parser import build_parser, parse_raw


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    with safe_terminal():
        given = parse_raw(argv, parser)  # --help and unknown flags exit here
    if not given.get("headless") and _interactive():
        from tui.app import run_wizard

        return run_wizard(given)
    with safe_terminal():
        return headless_main(given, parser)


if __name__ == "__main__":
    sys.exit(main())
