"""Ctrl-C and SIGTERM outside the sending loop: both stop the run the same way, remembered.

SIGTERM's default would end the process at once (exit 143, no report); here it raises
KeyboardInterrupt like Ctrl-C, so the run writes what it has and exits 130. While rows are
being sent the event loop's own handlers take over (see importer), and hand back after.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType, TracebackType
from typing import Any

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupts:
    """Installs the handlers for the length of a `with`; `received` says if one came."""

    def __init__(self) -> None:
        self.received: signal.Signals | None = None
        self._previous: dict[signal.Signals, Any] = {}

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.received = signal.Signals(signum)
        raise KeyboardInterrupt

    def __enter__(self) -> Interrupts:
        # Only the main thread may set handlers (the CLI's test runner calls from others).
        if threading.current_thread() is threading.main_thread():
            for sig in STOP_SIGNALS:
                self._previous[sig] = signal.signal(sig, self._on_signal)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)
