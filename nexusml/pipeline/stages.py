"""The named training stages.  Each takes the run context and a progress callback and returns a summary."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nexusml.options.arguments import TrainingArguments
from nexusml.pipeline.context import Progress, RunContext

log = logging.getLogger("nexusml.run")


@dataclass(frozen=True)
class Stage:
    name: str
    title: str
    run: Callable[[RunContext, Progress], str]
    enabled: Callable[[TrainingArguments], bool] = lambda args: True


def check_cluster(ctx: RunContext, progress: Progress) -> str:
    from nexusml.model.distributed import check_scheduler

    # Fails in a second, before any data is loaded, when the cluster cannot be used.
    assert ctx.args.dask_scheduler is not None  # the stage runs only when one is given
    check_scheduler(ctx.args.dask_scheduler)
    work = "the search and the fits" if ctx.args.optimize else "the fits"
    return f"{work} will run on {ctx.args.dask_scheduler}"


def load_data(ctx: RunContext, progress: Progress) -> str:
    from nexusml.config import load_feature_config, load_reference_config
    from nexusml.features.engineering import source_columns
    from nexusml.readers.loader import read_data

    args = ctx.args
    ctx.feature_config = load_feature_config(args.feature_config).with_columns(
        args.targets, args.text_columns, args.numeric_columns
    )
    if ctx.feature_config.dropped_inputs:
        message = (
            f"target(s) {', '.join(ctx.feature_config.dropped_inputs)} are also listed as inputs; "
            "they were left out of what the model reads (they would give the answer away)"
        )
        log.warning(message)
        ctx.warnings.append(message)
    ctx.reference_config = load_reference_config(ctx.args.reference_config)
    path = ctx.args.resolved_data_path
    progress(0.0, f"reading {path.name}")
    config = ctx.feature_config
    loaded = read_data(
        path,
        ctx.args.sheet,
        on_progress=progress,
        should_stop=lambda: ctx.cancel.cancelled,
        targets=source_columns(config.targets, config),
        inputs=source_columns([*config.input_columns, *([args.group_column] if args.group_column else [])], config),
    )
    ctx.frame, ctx.data_sha256 = loaded.frame, loaded.sha256
    ctx.warnings.extend(loaded.warnings)
    if loaded.sheet_reason:
        log.info(loaded.sheet_reason)
    ctx.rows_loaded = len(ctx.frame)
    where = f"{path.name}, sheet '{loaded.sheet}'" if loaded.sheet is not None else path.name
    return f"{ctx.rows_loaded} rows, {ctx.frame.shape[1]} columns from {where}"


def load_reference(ctx: RunContext, progress: Progress) -> str:
    from nexusml.features.reference import apply_reference_data

    ctx.frame, report = apply_reference_data(ctx.frame, ctx.reference_config)
    return report.summary()


def validate(ctx: RunContext, progress: Progress) -> str:
    from nexusml.features.validation import validate_data

    report = validate_data(ctx.frame, ctx.feature_config)
    ctx.warnings.extend(report.warnings)
    return report.summary()


def features(ctx: RunContext, progress: Progress) -> str:
    from nexusml.features.engineering import engineer_features
    from nexusml.features.split import item_groups
    from nexusml.features.validation import check_class_counts, single_class_warnings

    ctx.features = engineer_features(ctx.frame, ctx.feature_config)
    ctx.warnings.extend(ctx.features.warnings)
    if ctx.features.dropped_rows:
        ctx.warnings.append(f"{ctx.features.dropped_rows} row(s) with an empty target were dropped")
    ctx.warnings.extend(check_class_counts(ctx.features.Y, ctx.args.max_classes))
    ctx.warnings.extend(single_class_warnings(ctx.features.Y))
    column = ctx.args.group_column
    identity = ctx.frame[column].to_numpy()[ctx.features.source_rows] if column else None
    config = ctx.feature_config
    numbers = [n.new_name for n in config.numeric_columns]
    ctx.groups = item_groups(ctx.features.X, config.text_feature, numbers, identity)
    targets = ", ".join(config.targets)
    return f"{len(ctx.features.X)} usable rows ({ctx.features.dropped_rows} dropped); targets: {targets}"


def split(ctx: RunContext, progress: Progress) -> str:
    from nexusml.features.split import describe_items, split_indices, split_warnings
    from nexusml.model.estimate import estimate_for

    ctx.train_idx, ctx.test_idx, ctx.stratified = split_indices(
        ctx.features.Y, ctx.args.test_size, ctx.args.random_state, ctx.groups
    )
    ctx.warnings.extend(split_warnings(len(ctx.train_idx), len(ctx.test_idx), ctx.groups[ctx.test_idx]))
    args = ctx.args
    estimate = estimate_for(
        ctx.features.X,
        ctx.features.Y,
        ctx.feature_config.text_feature,
        ctx.train_idx,
        model_type=args.model_type,
        optimize=args.optimize,
        cv_folds=args.cv_folds,
        n_jobs=args.n_jobs,
        text_encoder=args.text_encoder,
    )
    if (long_run := estimate.warning()) is not None:
        log.warning(long_run)  # said before training starts; not a problem with the data, so not in the warnings
    kind = "stratified" if ctx.stratified else "random"
    items = describe_items(len(ctx.groups), ctx.groups, args.group_column)
    return f"{len(ctx.train_idx)} train / {len(ctx.test_idx)} test rows ({kind}); {items}"


def build(ctx: RunContext, progress: Progress) -> str:
    from nexusml.model.builder import new_model

    ctx.model = new_model(ctx.args, ctx.feature_config)
    return f"{ctx.args.model_type} model, {len(ctx.feature_config.targets)} target(s)"


def optimize(ctx: RunContext, progress: Progress) -> str:
    from nexusml.model.builder import new_model
    from nexusml.model.search import search_hyperparameters

    X, Y = ctx.train_frames()
    backend, where, workers = ctx.cluster()
    result = search_hyperparameters(
        ctx.model,
        X,
        Y,
        cv_folds=ctx.args.cv_folds,
        n_jobs=ctx.args.n_jobs if backend is None else -1,
        backend=backend,
        groups=ctx.groups[ctx.train_idx],
        on_candidate=lambda done, total, target: progress(done / total, f"candidate {done}/{total} ({target})"),
        should_stop=lambda: ctx.cancel.cancelled,
    )
    result.where, result.workers = where, workers
    ctx.search = result
    ctx.model = new_model(ctx.args, ctx.feature_config, result.best_params)
    best = "; ".join(f"{t}: {p} (CV F1 {result.best_scores[t]:.3f})" for t, p in result.best_params.items())
    return f"{result.candidates} candidates, {result.fits} fits on {where}; best {best or 'n/a'}"


def encode(ctx: RunContext, progress: Progress) -> str:
    """Every distinct text of the usable rows through the sentence encoder, once: the fits read them back."""
    import time

    from nexusml.features.sentence_encoder import load_encoder, texts_of

    assert ctx.args.text_encoder is not None  # the stage runs only when one is given
    encoder = load_encoder(ctx.args.text_encoder)
    texts = texts_of(ctx.features.X[ctx.feature_config.text_feature])
    started = time.perf_counter()
    encoded = encoder.ensure(
        texts,
        progress=lambda done, total: progress(done / total, f"encoded {done:,} of {total:,} distinct texts"),
        should_stop=lambda: ctx.cancel.cancelled,
    )
    seconds = time.perf_counter() - started
    rate = f" in {seconds:.1f} s ({encoded / seconds:,.0f} texts/s)" if encoded and seconds > 0 else ""
    return f"{encoded:,} distinct texts of {len(texts):,} rows encoded by {ctx.args.text_encoder}{rate}"


def train(ctx: RunContext, progress: Progress) -> str:
    from sklearn.base import clone

    from nexusml.features.held_out import HeldOutFeatures

    X, Y = ctx.train_frames()
    held_out = ctx.test_frames()[0]
    estimator = clone(ctx.model)

    def transform_held_out() -> None:
        # The classifiers fit without the GIL: a second core transforms the held-out rows meanwhile.
        if len(held_out) <= HeldOutFeatures.MAX_ROWS:
            ctx.held_out_features = HeldOutFeatures(estimator.transform, held_out)

    # A run that stops before evaluate has the transform cancelled by run_training.
    ctx.fitted = estimator.fit(
        X,
        Y,
        on_target=lambda i, n, t: progress(i / n, f"fitted {t} ({i}/{n})"),
        should_stop=lambda: ctx.cancel.cancelled,
        on_transformer_fitted=transform_held_out,
        backend=ctx.cluster()[0],
    )
    return f"fitted {len(Y.columns)} target(s) on {len(X)} rows"


def evaluate(ctx: RunContext, progress: Progress) -> str:
    from nexusml.evaluation.assessment import assess
    from nexusml.evaluation.metrics import class_counts

    X, Y = ctx.test_frames()
    pending, ctx.held_out_features = ctx.held_out_features, None
    features = pending.result() if pending is not None else ctx.fitted.transform(X)
    # One scoring pass over the held-out rows gives the predictions evaluated here and the
    # decision scores that fit how sure the confidences are (one scale per margin classifier).
    held_out = ctx.fitted.score_held_out(X, Y, features)
    ctx.fitted.fit_confidence(held_out)
    # With the confidences calibrated: per-class figures, how many rows could be coded without a
    # person, and the misclassified rows.
    _, confidence, _ = ctx.fitted.predict_features(features)
    rows = ctx.features.source_rows[ctx.test_idx] + 2  # as a spreadsheet numbers them: the header is row 1
    text = X[ctx.feature_config.text_feature].to_numpy()
    ctx.report, ctx.metrics, ctx.errors = assess(
        ctx.fitted,
        features,
        Y,
        held_out.predictions,
        confidence,
        rows,
        text,
        ctx.args.auto_precision,
        ctx.groups[ctx.test_idx],
    )
    ctx.class_counts = class_counts(ctx.features.Y)
    return "; ".join(f"{t}: acc {m['accuracy']:.3f}, F1 {m['f1_macro']:.3f}" for t, m in ctx.metrics.items())


def refit(ctx: RunContext, progress: Progress) -> str:
    """Refit on all usable rows, unless the training split alone is large (then keep the evaluated model).

    Above ``REFIT_MAX_TRAIN_ROWS`` training rows the held-out share adds little
    to what the model learns, while a second fit would double the run (at 1M
    rows, minutes); the saved model is then the one the metrics describe.
    """
    from sklearn.base import clone

    from nexusml.model.factory import REFIT_MAX_TRAIN_ROWS, refits_on_all_rows
    from nexusml.model.trained import TrainedModel

    if not refits_on_all_rows(len(ctx.train_idx)):
        ctx.final = TrainedModel.from_training(ctx.fitted, ctx.feature_config)
        return (
            f"kept the evaluated model: its {len(ctx.train_idx)} training rows are over "
            f"{REFIT_MAX_TRAIN_ROWS}, where a refit on all rows would double the training time for little gain"
        )
    estimator = clone(ctx.model).fit(
        ctx.features.X,
        ctx.features.Y,
        on_target=lambda i, n, t: progress(i / n, f"refitted {t} ({i}/{n})"),
        should_stop=lambda: ctx.cancel.cancelled,
        on_features=lambda matrix: setattr(ctx, "all_features", matrix),  # the suspects stage reads them again
        backend=ctx.cluster()[0],
    )
    estimator.adopt_confidence_scales(ctx.fitted)  # the scales fitted in evaluate
    ctx.final = TrainedModel.from_training(estimator, ctx.feature_config)
    return f"refit on all {len(ctx.features.X)} usable rows"


def suspects(ctx: RunContext, progress: Progress) -> str:
    """The training rows whose label looks wrong (``evaluation.suspects``), judged by the model saved."""
    from nexusml.evaluation.suspects import AUTO_MAX_ROWS, find_suspects

    rows = len(ctx.features.X)
    matrix, ctx.all_features = ctx.all_features, None  # the refit's features: not held past this stage
    if ctx.args.suspects is False:
        return "not looked for (--no-suspects)"
    if ctx.args.suspects is None and rows > AUTO_MAX_ROWS:
        return f"not looked for: {rows:,} rows is over {AUTO_MAX_ROWS:,} (--suspects looks anyway)"
    X, Y = ctx.features.X, ctx.features.Y
    ctx.suspects, ctx.suspect_counts = find_suspects(
        ctx.final.estimator,
        X if matrix is None else matrix,
        Y,
        ctx.groups,
        ctx.features.source_rows + 2,  # as a spreadsheet numbers them, as in the errors file
        X[ctx.feature_config.text_feature].to_numpy(),
        ctx.args.random_state,
        transformed=matrix is not None,
        on_target=lambda done, total, target: progress(done / total, f"{target} judged"),
        should_stop=lambda: ctx.cancel.cancelled,
    )
    flagged = sum(c["flagged"] for c in ctx.suspect_counts.values())
    return f"{flagged} training row label(s) look wrong" if flagged else "no training label looks wrong"


def save(ctx: RunContext, progress: Progress) -> str:
    from nexusml.store.io import clean_leftovers
    from nexusml.store.layout import ERRORS_REPORT, SUSPECTS_REPORT, OutputLayout
    from nexusml.store.serializer import save_model
    from nexusml.store.tables import csv_text

    layout = OutputLayout(ctx.args.output_dir, ctx.args.model_name)
    left = sum(clean_leftovers(d) for d in (layout.root, layout.logs))
    if left:
        log.info("Removed %d leftover file(s) of interrupted runs from %s", left, ctx.args.output_dir)

    reports = {ERRORS_REPORT: csv_text(ctx.errors)} if ctx.errors is not None else {}
    if ctx.suspects is not None:
        reports[SUSPECTS_REPORT] = csv_text(ctx.suspects)
    ctx.saved = save_model(ctx.final, ctx.metadata(), ctx.args.output_dir, ctx.args.model_name, ctx.stamp, reports)
    return f"saved {ctx.saved.model_path}"


def visualize(ctx: RunContext, progress: Progress) -> str:
    from nexusml.charts.files import write_charts
    from nexusml.store.layout import OutputLayout

    folder = OutputLayout(ctx.args.output_dir, ctx.args.model_name).charts
    ctx.charts = write_charts(
        folder,
        ctx.saved_model().model_path.stem,
        ctx.metrics,
        ctx.class_counts,
        ctx.stage_seconds,
        errors=ctx.errors,
        report=ctx.report,
    )
    targets = len(ctx.metrics)
    return f"{len(ctx.charts) // 2} charts ({targets} target(s)) as .txt and .html in {folder}"


def sample_prediction(ctx: RunContext, progress: Progress) -> str:
    from nexusml.model.trained import sample_predictions

    ctx.sample = sample_predictions(ctx.final, ctx.frame)
    for item in ctx.sample:
        shown = ", ".join(f"{t}={item[t]}" for t in ctx.final.targets)
        log.info("  %r -> %s", item["text"][:60], shown)
    return f"predicted {len(ctx.sample)} example row(s)"


def plan(stages: Sequence[Stage], args: TrainingArguments) -> list[Stage]:
    """The stages a run with ``args`` runs, in order."""
    return [stage for stage in stages if stage.enabled(args)]


def training_stages() -> list[Stage]:
    """Every stage, in run order; ``check_cluster``, ``encode``, ``optimize`` and ``visualize`` run when asked for."""
    return [
        Stage(
            "check_cluster",
            "Check Dask cluster",
            check_cluster,
            lambda args: bool(args.dask_scheduler),
        ),
        Stage("load_data", "Load data", load_data),
        Stage("load_reference", "Load reference data", load_reference),
        Stage("validate", "Validate data", validate),
        Stage("features", "Engineer features", features),
        Stage("split", "Split train/test", split),
        Stage("build", "Build model", build),
        Stage("encode", "Encode text", encode, lambda args: args.text_encoder is not None),
        Stage("optimize", "Hyperparameter search", optimize, lambda args: args.optimize),
        Stage("train", "Train", train),
        Stage("evaluate", "Evaluate", evaluate),
        Stage("refit", "Refit on all rows", refit),
        Stage("suspects", "Suspect labels", suspects),
        Stage("save", "Save model", save),
        Stage("visualize", "Visualize", visualize, lambda args: args.visualize),
        Stage("sample_prediction", "Sample prediction", sample_prediction),
    ]
