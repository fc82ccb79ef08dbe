"""``run_training``: the one function the command line and the wizard both call."""

from __future__ import annotations

import logging

from nexusml.options.arguments import TrainingArguments
from nexusml.pipeline.cancel import CancelToken
from nexusml.pipeline.events import EventSink, RunFinished, fan_out
from nexusml.pipeline.logs import log_event, run_log_file
from nexusml.pipeline.result import TrainingCancelled, TrainingResult

log = logging.getLogger("nexusml.run")


def run_training(
    args: TrainingArguments,
    on_event: EventSink | None = None,
    cancel: CancelToken | None = None,
) -> TrainingResult:
    """Train, evaluate and save a model as ``args`` says.

    Runs the stage list with the orchestrator or, with ``args.legacy``, the
    legacy sequential runner: the same stages, so the same results.  Events go
    to ``on_event`` (and to the ``nexusml.run`` logger).  ``cancel`` stops the
    run between stages and inside the search and the per-target fits.

    Returns the :class:`TrainingResult`; raises ``TrainingError`` (with the failing
    stage and a one-line cause) or ``TrainingCancelled``.  A failed or cancelled
    run leaves no model file behind.
    """
    from nexusml.pipeline.context import RunContext
    from nexusml.pipeline.orchestrator import Orchestrator, Runner
    from nexusml.pipeline.sequential import SequentialRunner
    from nexusml.pipeline.stages import training_stages
    from nexusml.store.serializer import timestamp

    cancel = CancelToken() if cancel is None else cancel
    emit = fan_out(log_event, on_event)
    runner: Runner = SequentialRunner() if args.legacy else Orchestrator()
    stamp = timestamp()
    with run_log_file(args, stamp) as log_path:
        ctx = RunContext(args=args, cancel=cancel, stamp=stamp, log_path=log_path)
        try:
            runner.run(training_stages(), ctx, emit)
        finally:
            if ctx.held_out_features is not None:  # the run stopped during train or before evaluate
                ctx.held_out_features.cancel()
            ctx.resources.close()
        try:
            result = ctx.result()
            emit(RunFinished(result))
        except KeyboardInterrupt as exc:  # ctrl+c or SIGTERM after the last stage: the model is saved
            stopped = TrainingCancelled(
                ctx.current_stage,
                f"interrupted after stage '{ctx.current_stage}'",
                getattr(exc, "exit_code", 130),
                ctx.saved.model_path if ctx.saved is not None else None,
            )
            stopped.latest_model = ctx.saved.latest_model_path if ctx.saved is not None else None
            raise stopped from exc
    return result
