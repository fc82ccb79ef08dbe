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


def parse_legacy_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The original command line of the legacy script."""
    parser = argparse.ArgumentParser(description="Train the NexusML equipment classification model (legacy path)")
    parser.add_argument("--data-path", type=str, help="Path to the training data CSV file")
    parser.add_argument(
        "--feature-config-path",
        "--feature-config",
        dest="feature_config_path",
        type=str,
        help="Path to the feature configuration YAML file",
    )
    parser.add_argument(
        "--reference-config-path",
        "--reference-config",
        dest="reference_config_path",
        type=str,
        help="Path to the reference configuration YAML file",
    )
    parser.add_argument("--test-size", type=float, default=0.3, help="Proportion of data to use for testing")
    parser.add_argument("--random-state", type=int, default=42, help="Random state for reproducibility")
    parser.add_argument("--sampling-strategy", type=str, default="direct", help="Sampling strategy")
    parser.add_argument(
        "--optimize",
        "--optimize-hyperparameters",
        dest="optimize",
        action="store_true",
        help="Perform hyperparameter optimization",
    )
    parser.add_argument("--output-dir", type=str, default="outputs/models", help="Directory to save the model")
    parser.add_argument("--model-name", type=str, default="equipment_classifier", help="Base name for the model file")
    parser.add_argument(
        "--log-level",
        type=str,
        default="INFO",
        choices=["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"],
        help="Logging level",
    )
    parser.add_argument("--visualize", action="store_true", help="Generate visualizations")
    return parser.parse_args(argv)


def legacy_to_v2_argv(ns: argparse.Namespace) -> list[str]:
    """The v2 command line equivalent to the legacy flags."""
    argv = ["--headless", "--legacy"]
    pairs = {
        "--data-path": ns.data_path,
        "--feature-config": ns.feature_config_path,
        "--reference-config": ns.reference_config_path,
        "--test-size": ns.test_size,
        "--random-state": ns.random_state,
        "--sampling-strategy": ns.sampling_strategy,
        "--output-dir": ns.output_dir,
        "--model-name": ns.model_name,
        "--log-level": "ERROR" if ns.log_level == "CRITICAL" else ns.log_level,
    }
    for flag, value in pairs.items():
        if value is not None:
            argv += [flag, str(value)]
    if ns.optimize:
        argv.append("--optimize")
    if ns.visualize:
        argv.append("--visualize")
    return argv


def main(argv: list[str] | None = None) -> int:
    """``python -m nexusml.train_model_pipeline``: the original flags, the legacy path."""
    from nexusml.train_model_pipeline_v2 import main as v2_main

    return v2_main(legacy_to_v2_argv(parse_legacy_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
