"""Legacy training entry point: the original script's flags, run on the legacy path.

Old scripts that run ``python -m nexusml.train_model_pipeline`` with the
original flags keep working: the flags are translated to ``nexusml-train
--headless --legacy ...``, which runs the stage list with the legacy sequential
runner (``nexusml.pipeline.sequential``): plain calls and log lines, no
per-stage events, the same results as the orchestrator.
"""

from __future__ import annotations

import argparse
import sys

# The original script's flags, as the spec declares them (with the spellings it used).
LEGACY_FLAGS = (
    "data_path",
    "feature_config",
    "reference_config",
    "test_size",
    "random_state",
    "sampling_strategy",
    "optimize",
    "output_dir",
    "model_name",
    "log_level",
    "visualize",
)


def parse_legacy_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The original command line of the legacy script (values are checked by nexusml-train's validators)."""
    from nexusml.options.parser import OneLineParser, add_spec
    from nexusml.options.training_args import SPECS

    parser = OneLineParser(
        prog="python -m nexusml.train_model_pipeline",
        description="Train the NexusML equipment classification model (legacy path)",
    )
    for dest in LEGACY_FLAGS:
        add_spec(parser, SPECS[dest], default=None)
    return parser.parse_args(argv)


def legacy_to_v2_argv(ns: argparse.Namespace) -> list[str]:
    """The v2 command line equivalent to the legacy flags."""
    from nexusml.options.training_args import SPECS

    argv = ["--headless", "--legacy"]
    for dest in LEGACY_FLAGS:
        value = getattr(ns, dest)
        if value is True:
            argv.append(SPECS[dest].flag)
        elif value is not None and value is not False:
            argv += [SPECS[dest].flag, str(value)]
    return argv


def main(argv: list[str] | None = None) -> int:
    """``python -m nexusml.train_model_pipeline``: the original flags, the legacy path."""
    from nexusml.train_model_pipeline_v2 import main as v2_main

    return v2_main(legacy_to_v2_argv(parse_legacy_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
