"""Legacy training entry point (the pre-orchestrator path).

Runs the training steps one after another, calling the components directly:
no stages, no events, just log lines.  ``nexusml-train --legacy`` routes here,
and old scripts that run ``python -m nexusml.train_model_pipeline`` with the
original flags keep working.  With the same arguments and seed it gives the same
split, metrics and saved predictions as the orchestrator.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time

from nexusml.core.pipeline.context import RunContext

logger = logging.getLogger("nexusml.legacy")


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


def _step(ctx: RunContext, name: str, started: float) -> None:
    ctx.stage_seconds[name] = time.perf_counter() - started
    if ctx.cancel.cancelled:
        from nexusml.core.pipeline.result import TrainingCancelled

        raise TrainingCancelled(name, f"{ctx.cancel.reason} during step '{name}'")


def load_reference_data(ctx: RunContext) -> None:
    from nexusml.core.components.reference import apply_reference_data

    logger.info("Loading reference data")
    ctx.frame, report = apply_reference_data(ctx.frame, ctx.reference_config)
    logger.info("Reference data: %s", report.summary())


def validate_training_data(ctx: RunContext) -> None:
    from nexusml.core.components.validation import validate_data

    logger.info("Validating training data")
    ctx.warnings.extend(validate_data(ctx.frame, ctx.feature_config).warnings)


def train_model(ctx: RunContext) -> None:
    from sklearn.base import clone

    from nexusml.core.components.evaluator import class_counts, evaluate_predictions, summary_metrics
    from nexusml.core.components.features import engineer_features
    from nexusml.core.components.predictor import TrainedModel
    from nexusml.core.components.search import search_hyperparameters
    from nexusml.core.components.training import new_model, single_class_warnings, split_indices

    logger.info("Engineering features")
    ctx.features = engineer_features(ctx.frame, ctx.feature_config)
    if ctx.features.dropped_rows:
        ctx.warnings.append(f"{ctx.features.dropped_rows} row(s) with an empty target were dropped")
    ctx.warnings.extend(single_class_warnings(ctx.features.Y))
    ctx.train_idx, ctx.test_idx, ctx.stratified = split_indices(
        ctx.features.Y, ctx.args.test_size, ctx.args.random_state
    )
    X_train, Y_train = ctx.train_frames()
    X_test, Y_test = ctx.test_frames()
    logger.info("Split: %d train / %d test rows", len(X_train), len(X_test))

    ctx.model = new_model(ctx.args, ctx.feature_config)
    if ctx.args.optimize:
        from nexusml.core.distributed import search_backend

        logger.info("Optimizing hyperparameters")
        with search_backend(ctx.args) as (backend, where, workers):
            ctx.search = search_hyperparameters(
                ctx.model,
                X_train,
                Y_train,
                cv_folds=ctx.args.cv_folds,
                n_jobs=ctx.args.n_jobs if backend is None else -1,
                backend=backend,
                should_stop=lambda: ctx.cancel.cancelled,
            )
        ctx.search.where, ctx.search.workers = where, workers
        ctx.model = new_model(ctx.args, ctx.feature_config, ctx.search.best_params)

    logger.info("Training %s model", ctx.args.model_type)
    stop = lambda: ctx.cancel.cancelled
    ctx.fitted = clone(ctx.model).fit(X_train, Y_train, should_stop=stop)
    held_out = ctx.fitted.score_held_out(X_test, Y_test)
    ctx.report = evaluate_predictions(Y_test, held_out.predictions)
    ctx.fitted.fit_confidence(held_out)
    ctx.metrics = summary_metrics(ctx.report)
    ctx.class_counts = class_counts(ctx.features.Y)
    for target, m in ctx.metrics.items():
        logger.info("  %s: accuracy %.4f, macro-F1 %.4f", target, m["accuracy"], m["f1_macro"])

    logger.info("Refitting on all %d rows", len(ctx.features.X))
    estimator = clone(ctx.model).fit(ctx.features.X, ctx.features.Y, should_stop=stop)
    estimator.adopt_confidence_scales(ctx.fitted)
    ctx.final = TrainedModel.from_training(estimator, ctx.feature_config)


def save_model(ctx: RunContext) -> None:
    from nexusml.core.components.serializer import save_model as write

    ctx.saved = write(ctx.final, ctx.metadata(), ctx.args.output_dir, ctx.args.model_name, ctx.stamp)
    logger.info("Model saved to %s", ctx.saved.model_path)


def generate_visualizations(ctx: RunContext) -> None:
    from nexusml.core.components.visualization import write_charts

    ctx.charts = write_charts(
        ctx.args.output_dir / "visualizations",
        ctx.report,
        ctx.class_counts,
        ctx.stage_seconds,
        ctx.saved.model_path.stem,
    )
    logger.info("Visualizations saved to %s", ctx.args.output_dir / "visualizations")


def make_sample_prediction(ctx: RunContext) -> None:
    from nexusml.core.components.training import sample_predictions

    ctx.sample = sample_predictions(ctx.final, ctx.frame)
    for item in ctx.sample:
        logger.info("Sample: %r -> %s", item["text"][:60], {t: item[t] for t in ctx.final.targets})


def run_legacy(ctx: RunContext) -> RunContext:
    """The legacy sequence.  Errors propagate as they are (the caller reports them)."""
    from nexusml.config import load_feature_config, load_reference_config
    from nexusml.core.components.io import sha256_file
    from nexusml.core.components.loader import load_data

    args = ctx.args
    started = time.perf_counter()
    ctx.feature_config = load_feature_config(args.feature_config)
    ctx.reference_config = load_reference_config(args.reference_config)
    logger.info("Loading data from %s", args.resolved_data_path)
    ctx.frame = load_data(args.resolved_data_path, args.sheet)
    ctx.data_sha256 = sha256_file(args.resolved_data_path)
    ctx.rows_loaded = len(ctx.frame)
    _step(ctx, "load_data", started)

    for name, step in (
        ("load_reference", load_reference_data),
        ("validate", validate_training_data),
        ("train", train_model),
        ("save", save_model),
    ):
        ctx.current_stage, started = name, time.perf_counter()
        step(ctx)
        _step(ctx, name, started)
    if args.visualize:
        ctx.current_stage, started = "visualize", time.perf_counter()
        generate_visualizations(ctx)
        _step(ctx, "visualize", started)
    ctx.current_stage, started = "sample_prediction", time.perf_counter()
    make_sample_prediction(ctx)
    _step(ctx, "sample_prediction", started)
    return ctx


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
