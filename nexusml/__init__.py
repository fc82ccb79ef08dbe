"""NexusML: train multi-target equipment-classification models.

Public API (imported lazily, so ``import nexusml`` is instant):

- ``run_training(args, on_event=None, cancel=None)``: train, evaluate and save.
- ``parse_args(argv)``: validated ``TrainingArguments`` from a command line.
- ``load_model(path, trust=False)``: a saved model, checked against its sha256.
- ``TrainedModel``: what ``load_model`` returns (``predict``, ``assess``).
- ``CancelToken``: stops a ``run_training`` from another thread.
"""

from __future__ import annotations

from typing import Any

__version__ = "2.1.0"

_LAZY = {
    "run_training": ("nexusml.pipeline.runner", "run_training"),
    "CancelToken": ("nexusml.pipeline.cancel", "CancelToken"),
    "TrainingArguments": ("nexusml.options.arguments", "TrainingArguments"),
    "parse_args": ("nexusml.options.parser", "parse_args"),
    "load_model": ("nexusml.store.load", "load_model"),
    "TrainedModel": ("nexusml.model.trained", "TrainedModel"),
}

__all__ = ["__version__", *_LAZY]


def __dir__() -> list[str]:
    return sorted(__all__)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'nexusml' has no attribute {name!r}")
