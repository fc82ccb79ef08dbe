"""Cancellation shared between the run and whoever may stop it (a signal handler, the wizard)."""

from __future__ import annotations

import threading


class CancelToken:
    """Set once to ask a run to stop; the run checks it between stages and inside long steps."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = "cancelled"

    def cancel(self, reason: str = "cancelled") -> None:
        self.reason = reason
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()
