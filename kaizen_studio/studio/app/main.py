"""Starting the studio application: settings, the log file, the show, the window.

Unexpected errors anywhere in the window are caught by :func:`sys.excepthook`, written to
the teacher's log file and shown in the window's message bar; the show goes on.
"""

from __future__ import annotations

import logging
import logging.handlers
import signal
import sys
import threading
from pathlib import Path
from types import TracebackType

from kaizen_studio.core.errors import StudioError
from kaizen_studio.studio.app_settings import AppSettings, config_dir, log_dir, settings_from
from kaizen_studio.studio.control import StudioControl
from kaizen_studio.studio.show import Show, read_show, starter_show
from kaizen_studio.studio.show_record import start_log

log = logging.getLogger("studio")


def open_show(settings: AppSettings, wanted: str | None) -> tuple[Show, str]:
    """The show file asked for (or the last one), else the starter show; and a problem to
    tell the user when a file could not be used."""
    path = wanted or settings.show_file
    if not path:
        return starter_show(), ""
    try:
        show = read_show(path)
    except StudioError as error:
        settings.show_file = ""  # asked once; the teacher opens another with --show
        return starter_show(), f"{error}; using the starter show"
    settings.show_file = str(Path(path).resolve())
    return show, ""


def run_app(*, camera: str | None = None, show_file: str | None = None) -> int:
    """Open the studio window and run until it is closed."""
    from PyQt6.QtCore import QTimer
    from PyQt6.QtWidgets import QApplication

    from kaizen_studio.studio.app.screen import place_on_screen
    from kaizen_studio.studio.app.window import StudioWindow

    folder = config_dir()
    log_path = start_log(log_dir()) or log_dir() / "studio.log"
    settings = AppSettings.load(folder)
    show, problem = open_show(settings, show_file)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Kaizen Studio")
    control = StudioControl(
        show,
        camera=camera or settings.camera,
        recordings=Path(settings.recordings),
        stream_url=settings.stream_url,
        microphone=settings.microphone or None,
        keyer_settings=settings_from(settings.keyer),
    )
    window = StudioWindow(control, settings, save=lambda s: s.save(folder))

    def caught(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        log.error("unexpected error", exc_info=(kind, error, tb))
        window.say(f"Something went wrong ({error}); the show goes on. Details: {log_path}")

    def caught_in_thread(args: threading.ExceptHookArgs) -> None:
        log.error(
            "unexpected error in %s",
            args.thread.name if args.thread else "a thread",
            exc_info=(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback),
        )

    previous = sys.excepthook
    sys.excepthook = caught
    threading.excepthook = caught_in_thread  # worker threads' errors reach the log too
    for text in [*settings.problems, problem]:
        if text:
            window.say(text)
    log.info("studio started: %s, camera %s", show.title, control.camera_choice)
    place_on_screen(window)  # a 1366x768 laptop shows all of it
    window.show()
    # Ctrl+C or a shutdown closes the window properly (a recording is finished, not lost);
    # the timer lets Python see the signal while Qt's loop runs.
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: QTimer.singleShot(0, window.close))
        # Restart system calls the signal interrupts: Qt's X connection (xcb) takes an
        # interrupted read as a broken connection and quits without closing the window.
        signal.siginterrupt(number, False)
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(200)
    try:
        app.exec()
    finally:
        sys.excepthook = previous
    log.info("studio closed")
    return 0
