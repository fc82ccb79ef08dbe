"""Cancellation shared between the run and whoever may stop it (a signal handler, the wizard)."""

from __future__ import annotations

import threading


class CancelToken:
    """Set once to ask a run to stop; the run checks it between stages and inside long steps."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = "cancelled"
        self.exit_code = 130

    def cancel(self, reason: str = "cancelled", exit_code: int = 130) -> None:
        """Ask the run to stop; ``exit_code`` is what the command line exits with (143 for SIGTERM)."""
        self.reason = reason
        self.exit_code = exit_code
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()
