"""Importing ``skops.io`` without building the default trust lists it never uses here.

On import, skops lists the types it trusts when a caller passes no list of its
own: every scikit-learn estimator (``sklearn.utils.all_estimators``, which
imports every scikit-learn module), every numpy and scipy ufunc (each found by
scanning all loaded modules: 400 ufuncs times 2,000 modules), and a few
gradient-boosting internals (importing all of ``sklearn.ensemble``).  That cost
0.5-1.5 s, 0.16 s and 0.05 s at the start of every prediction.  ``model_format``
checks every type a file names against its own list and always passes that list
to skops, so those defaults add nothing: the import below leaves them empty.
Empty defaults only trust less; a file skops builds is still checked node by
node against the list ``model_format`` passes.

Measured with scikit-learn already imported: ``import skops.io`` 1.4-2.3 s,
through :func:`skops_io` 0.11 s.  The two listing functions answer empty only
in the thread importing skops, and only while it does; any other caller meanwhile
gets the usual answer.  If a later skops version is laid out differently, the hooks find nothing to
replace and the import is simply slower.
"""

from __future__ import annotations

import importlib.abc
import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

TYPE_LISTS_MODULE = "skops.io._trusted_types"
HELPERS_MODULE = "skops.io._utils"
# Imported by the type-list module only for its gradient-boosting defaults, in a ``try`` that skips them when
# it is missing; a model that holds a forest imports it when it is built.
SKIPPED_PACKAGE = "sklearn.ensemble"


def _empty_in(thread: int, original: Callable[..., Any]) -> Callable[..., Any]:
    """``original``, except that it lists nothing when called from ``thread`` (the one importing skops): another
    thread calling it meanwhile gets its usual answer."""

    def listing(*args: Any, **kwargs: Any) -> Any:
        return [] if threading.get_ident() == thread else original(*args, **kwargs)

    return listing


class _EmptyTypeLists(importlib.abc.MetaPathFinder):
    """While skops is imported: just before its type-list module runs, make the helper that lists a module's
    ufuncs return none, and answer that :data:`SKIPPED_PACKAGE` is missing if it is not imported yet.

    Any other module, and any import another thread makes meanwhile, it leaves
    to the usual finders (returns ``None``); :meth:`restore` puts the helper back.
    """

    def __init__(self) -> None:
        self.replaced: tuple[ModuleType, Any] | None = None
        self.thread = threading.get_ident()  # the one importing skops

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None) -> None:
        if threading.get_ident() != self.thread:
            return None
        if fullname == SKIPPED_PACKAGE:
            raise ModuleNotFoundError(f"{SKIPPED_PACKAGE} is not imported while skops is", name=fullname)
        helpers = sys.modules.get(HELPERS_MODULE)
        if fullname == TYPE_LISTS_MODULE and helpers is not None and self.replaced is None:
            listed = getattr(helpers, "get_public_type_names", None)
            if listed is not None:
                self.replaced = (helpers, listed)
                helpers.get_public_type_names = _empty_in(self.thread, listed)  # type: ignore[attr-defined]
        return None

    def restore(self) -> None:
        if self.replaced is not None:
            helpers, listed = self.replaced
            helpers.get_public_type_names = listed  # type: ignore[attr-defined]
            self.replaced = None


def skops_io() -> Any:
    """``skops.io``, imported (once per process) with empty default trust lists."""
    if "skops.io" in sys.modules:
        return sys.modules["skops.io"]
    import sklearn.utils

    every_estimator = sklearn.utils.all_estimators
    finder = _EmptyTypeLists()
    sklearn.utils.all_estimators = _empty_in(finder.thread, every_estimator)
    sys.meta_path.insert(0, finder)
    try:
        import skops.io
    finally:
        sys.meta_path.remove(finder)
        finder.restore()
        sklearn.utils.all_estimators = every_estimator
    return skops.io
