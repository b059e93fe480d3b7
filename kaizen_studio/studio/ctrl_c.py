"""Ctrl+C stops a command's Qt window cleanly: one line and exit status 130, no traceback.

While Qt's event loop runs, Python only sees a signal when some Python code runs; and a
``KeyboardInterrupt`` raised inside a Qt slot makes PyQt abort the process ("Aborted",
status 134). :func:`stop_on_ctrl_c` instead turns SIGINT into a call, on Qt's thread, of
the window's own close (which finishes its work: reader stopped, remote stopped), and a
light timer gives Python its chance to see the signal. The command then raises
``KeyboardInterrupt`` itself, after the loop has ended, and ``studio.cli`` says "stopped".
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator

WAKE_MS = 200
"""How often Qt's loop hands Python a turn to see a signal (a fifth of a second)."""


@contextlib.contextmanager
def stop_on_ctrl_c(close: Callable[[], None]) -> Iterator[threading.Event]:
    """Within the body (which runs Qt's loop), Ctrl+C calls ``close`` on Qt's thread and
    sets the event yielded, so the caller can tell a Ctrl+C from an ordinary close.

    The previous SIGINT handler is put back afterwards. Needs a ``QApplication``.
    """
    from PyQt6.QtCore import QTimer

    interrupted = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        interrupted.set()
        QTimer.singleShot(0, close)

    previous = signal.signal(signal.SIGINT, on_signal)
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(WAKE_MS)
    try:
        yield interrupted
    finally:
        wake.stop()
        signal.signal(signal.SIGINT, previous)
