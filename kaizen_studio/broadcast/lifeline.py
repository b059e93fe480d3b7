"""How a streaming process dies with the show and leaves Ctrl+C to it.

The streaming process (:mod:`stream_worker`) must never outlive the show, whatever ends the
show: on Linux the kernel sends it SIGKILL when the thread that started it ends
(``prctl(PR_SET_PDEATHSIG)``), and on any system it watches a pipe from the show and ends
when that pipe closes. It ignores Ctrl+C (a terminal sends it to the whole group): the
show stops it, sending what is queued.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
from typing import Any

PR_SET_PDEATHSIG = 1


def die_with_parent(lifeline: Any, parent: int) -> None:
    """End this process when the show's process (``parent``) ends, whatever ends it.

    On Linux the kernel kills this process when the thread that started it ends; on
    every system a thread watches ``lifeline`` (the read end of a pipe whose other end
    only the show holds) and ends the process when it closes. The socket closes with the
    process, so the server frees the stream's name at once.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the show ended before the line above
        os._exit(1)

    def watch() -> None:
        try:
            while True:
                lifeline.recv_bytes()
        except (EOFError, OSError):
            os._exit(1)  # the show is gone: nobody will read what this process sends

    threading.Thread(target=watch, name="lifeline", daemon=True).start()


def ignore_interrupts() -> None:
    """Ignore Ctrl+C here: a terminal sends it to the whole group, this process too, and
    the show's process stops the stream itself (sending what is queued). The show starts
    this process with SIGINT blocked (:func:`block_interrupts`), so one that came while it
    was starting is dropped here, not raised as KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():
        return  # only the main thread may set handlers (a test calling run_stream)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # also drops one pending while blocked
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def block_interrupts() -> None:
    """Block SIGINT on the calling thread (the show's stream monitor), so the processes it
    starts are born with it blocked until :func:`ignore_interrupts` ignores it. The show's
    own Ctrl+C handler runs on its main thread, which this does not touch."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
