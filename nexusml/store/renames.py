"""Where the classes a saved model names live now.

A model file names each object's class by module and name.  Files saved by
NexusML 2.0 name the modules of ``nexusml/core/`` (before the library was
grouped by job), and the oldest ones name a few classes in the model module
they later left.  Loading reads those names through this table, so an old
``.skops`` file, pickle or joblib file builds the same objects as a new one.
Add a line here whenever a class a model holds moves.
"""

from __future__ import annotations

import importlib
import pickle
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

# Module of release 2.0 -> its module now.
MOVED_MODULES: dict[str, str] = {
    "nexusml.core.components.predictor": "nexusml.model.trained",
    "nexusml.core.components.model": "nexusml.model.classifier",
    "nexusml.core.components.model_factory": "nexusml.model.factory",
    "nexusml.core.components.scoring": "nexusml.model.scoring",
    "nexusml.core.components.calibration": "nexusml.model.calibration",
    "nexusml.core.components.decoding": "nexusml.model.decoding",
    "nexusml.core.components.shared_targets": "nexusml.model.shared_targets",
    "nexusml.core.components.transformers": "nexusml.features.transformers",
    "nexusml.core.components.text_features": "nexusml.features.text_features",
    "nexusml.core.components.numeric_inputs": "nexusml.features.numeric_inputs",
    "nexusml.core.components.ranges": "nexusml.features.ranges",
    "nexusml.core.components.model_format": "nexusml.store.model_format",
    "nexusml.core.components.tree_packing": "nexusml.store.tree_packing",
}

# Classes that left the module they were saved in (full old name -> full name now).
MOVED_CLASSES: dict[str, str] = {
    "nexusml.core.components.model.NumericBins": "nexusml.features.transformers.NumericBins",
    "nexusml.core.components.model.RangeClipper": "nexusml.features.transformers.RangeClipper",
    "nexusml.core.components.model.RelabeledClassifier": "nexusml.model.shared_targets.RelabeledClassifier",
    "nexusml.core.components.model.ConstantClassifier": "nexusml.model.factory.ConstantClassifier",
}


def current_name(module: str, name: str) -> tuple[str, str]:
    """``(module, name)`` of the class a file names as ``module.name``, where it lives now."""
    moved = MOVED_CLASSES.get(f"{module}.{name}")
    if moved is not None:
        new_module, _, new_name = moved.rpartition(".")
        return new_module, new_name
    return MOVED_MODULES.get(module, module), name


def renamed_type(full_name: str) -> str:
    """A ``module.Class`` name as :func:`current_name` reads it (the full name now)."""
    module, _, name = full_name.rpartition(".")
    new_module, new_name = current_name(module, name)
    return f"{new_module}.{new_name}"


def rename_schema(node: Any) -> int:
    """Rewrite, in place, every ``__module__``/``__class__`` pair of a skops schema that names an old place.

    Returns how many nodes were rewritten.
    """
    changed = 0
    stack = [node]
    while stack:  # iterative: a deeply nested file cannot exhaust the stack
        item = stack.pop()
        if isinstance(item, dict):
            module, name = item.get("__module__"), item.get("__class__")
            if isinstance(module, str) and isinstance(name, str):
                new = current_name(module, name)
                if new != (module, name):
                    item["__module__"], item["__class__"] = new
                    changed += 1
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return changed


class RenamingUnpickler(pickle.Unpickler):
    """Reads the classes a pickle of an earlier release names where they live now."""

    def find_class(self, module: str, name: str) -> Any:
        return super().find_class(*current_name(module, name))


def find_renamed(module: str, name: str) -> Any:
    """The class a pickle names as ``module.name``, imported from where it lives now."""
    new_module, new_name = current_name(module, name)
    return getattr(importlib.import_module(new_module), new_name)


class _OldModule(ModuleType):
    """Stands in for a module of an earlier release while a joblib file is read: its classes resolve to their
    places now."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return find_renamed(self.__name__, name)


@contextmanager
def old_modules() -> Iterator[None]:
    """While a joblib file is read (joblib has no hook for its unpickler's class lookup), the old module names
    import as stand-ins; they are removed again afterwards."""
    names = {m.rpartition(".")[0] for m in MOVED_CLASSES} | set(MOVED_MODULES)
    parents = {".".join(n.split(".")[:i]) for n in names for i in range(2, n.count(".") + 1)}
    added = [n for n in sorted(names | parents) if n not in sys.modules]
    for name in added:
        sys.modules[name] = _OldModule(name) if name in names else ModuleType(name)
    try:
        yield
    finally:
        for name in added:
            sys.modules.pop(name, None)
