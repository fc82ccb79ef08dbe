"""Headless training (``nexusml-train --headless``): one run with console logging and signal handling, its
summary on stdout, and one line on stderr when it fails or is stopped."""

from __future__ import annotations

import logging
import signal
import sys
from typing import TYPE_CHECKING, Any

from nexusml.options.arguments import TrainingArguments
from nexusml.options.precedence import resolve_arguments
from nexusml.options.training_args import PROG, ArgumentError

if TYPE_CHECKING:
    from nexusml.pipeline.result import TrainingResult

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
MAX_WARNINGS_SHOWN = 10


class Interrupted(KeyboardInterrupt):
    """Raised in the main thread by SIGINT/SIGTERM; carries the exit code."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.exit_code = 128 + signum


def console_handler(level: str) -> logging.Handler:
    """Records at ``level`` on stderr, minus the failure line the program prints itself at the end."""
    from nexusml.pipeline.logs import FINAL_LINE

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(message)s", "%H:%M:%S"))
    handler.setLevel(getattr(logging, level))
    handler.addFilter(lambda record: not getattr(record, FINAL_LINE, False))
    return handler


def format_result(result: TrainingResult) -> str:
    from nexusml.evaluation.report import metrics_table, report_lines

    lines = [
        f"Model saved: {result.model_path}",
        f"Metadata:    {result.metadata_path}",
        f"Latest:      {result.latest_model_path}",
        f"Rows used: {result.rows_used} ({result.n_train} train / {result.n_test} held out)",
    ]
    split = (result.metadata or {}).get("split") or {}
    if split.get("items", result.rows_used) < result.rows_used:
        how = f"by '{split['grouped_by']}'" if split.get("grouped_by") != "text" else "rows with the same text"
        lines.append(
            f"Items: {split['items']:,} ({how}; {split['test_items']:,} held out, each item's rows on one side)"
        )
    lines += [
        "",
        *metrics_table(result.metrics),
    ]
    lines += report_lines(result.metrics)
    if result.errors_path:
        lines += ["", f"Misclassified held-out rows: {result.errors_path}"]
    lines += suspects_lines(result)
    if result.search:
        lines.append("")
        lines.append(f"Hyperparameter search ({result.search['where']}):")
        for target, params in result.search["best_params"].items():
            lines.append(f"  {target}: {params} (CV macro-F1 {result.search['cv_f1_macro'][target]:.4f})")
    if result.charts:
        lines.append(f"Charts: {result.charts[0].parent}")
    if result.log_path:
        lines.append(f"Log: {result.log_path}")
    if result.warnings:
        lines += ["", f"{len(result.warnings)} warning(s):", *(f"  {w}" for w in result.warnings[:MAX_WARNINGS_SHOWN])]
        if len(result.warnings) > MAX_WARNINGS_SHOWN:
            lines.append(f"  ... and {len(result.warnings) - MAX_WARNINGS_SHOWN} more in the metadata")
    return "\n".join(lines)


def suspects_lines(result: TrainingResult) -> list[str]:
    """The summary's line on the training rows whose label looks wrong."""
    if result.suspect_counts is None:
        return []
    flagged = sum(c["flagged"] for c in result.suspect_counts.values())
    if not flagged:
        judged = max((c["judged"] for c in result.suspect_counts.values()), default=0)
        return [f"No training row's label looks wrong ({judged:,} rows judged by out-of-fold predictions)"]
    where = result.suspects_path.name if result.suspects_path is not None else "the metadata"
    latest = where.replace(result.model_path.stem, result.latest_model_path.stem)
    why = "fitted without them, the model gives another class"
    return [f"{flagged:,} training row(s) look mislabelled ({why}): see {latest}"]


def run_headless(args: TrainingArguments) -> int:
    """Run with console logging and signal handling; returns the exit code."""
    from nexusml.pipeline import CancelToken, TrainingCancelled, TrainingError, run_training
    from nexusml.pipeline.logs import routed_logs

    log = logging.getLogger("nexusml.run")
    # A log record that cannot be written (a full disk) must not print a traceback block per record;
    # the run's own error line says what went wrong.
    logging.raiseExceptions = False
    cancel = CancelToken()

    received: list[int] = []

    def interrupt(signum: int, frame: Any) -> None:
        # Also a cancel request: the exception lands in whatever Python code runs at that moment, and
        # one raised inside a finalizer (which the garbage collector may run in the middle of pandas'
        # work) is dropped; the run then stops at its next check of the token.
        received.append(signum)
        cancel.cancel("interrupted", 128 + signum)
        raise Interrupted(signum)

    def unraisable(info: Any) -> None:
        if not isinstance(info.exc_value, Interrupted):  # a dropped interrupt: the token stops the run
            default_unraisable(info)

    default_unraisable = sys.unraisablehook
    sys.unraisablehook = unraisable
    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with routed_logs(console_handler(args.log_level)):
            try:
                result = run_training(args, cancel=cancel)
            except Exception as exc:
                if not isinstance(exc, TrainingError):  # outside any stage (e.g. the output directory)
                    log.debug("Unexpected error", exc_info=True)
                raise
    except TrainingError as exc:
        if received and not isinstance(exc, TrainingCancelled):
            # The signal's exception was turned into another one by compiled code it went through (numpy's
            # buffer protocol reports it as a ValueError): the run was still stopped by the signal.
            latest = exc.latest_model
            exc = TrainingCancelled(
                exc.stage, f"interrupted during stage '{exc.stage}'", 128 + received[0], exc.saved_model
            )
            exc.latest_model = latest
        if isinstance(exc, TrainingCancelled):
            print(f"{PROG}: stopped: {exc.message}; {exc.outcome}", file=sys.stderr)
            return exc.exit_code
        print(f"{PROG}: error: stage '{exc.stage}' failed: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except Interrupted as exc:
        print(f"{PROG}: stopped ({exc}); no model was saved", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:
        from nexusml.pipeline.failures import describe_error

        print(f"{PROG}: error: {describe_error(exc)}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
        sys.unraisablehook = default_unraisable
    try:
        print(format_result(result), flush=True)
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stdout = None
    return EXIT_OK


def headless_main(given: dict[str, Any], parser: Any) -> int:
    if given.get("predict"):
        parser.error(
            "--predict opens the wizard's Predict screen, which needs a terminal; "
            "to code a file headless use nexusml-predict --model MODEL --input FILE --output OUT"
        )
    try:
        args = resolve_arguments(given)
    except ArgumentError as exc:
        parser.error(str(exc))
    from nexusml.features.columns import check_columns

    problem = check_columns(args)  # from the file's first rows: a wrong column stops here, before any loading
    if problem is not None:
        parser.error(str(problem))
    return run_headless(args)
