"""The kidsmeet in the studio window: open a running order, pick a presenter at random,
start and end their talk, go to the break; the talk's timer on the panel, in the corner of
the autocue, and full screen on the presenters' monitor (a window on a screen of its own).

What the buttons do is :class:`studio.kidsmeet.meet.Kidsmeet`'s (no Qt there); this
panel only shows it. A problem is reported through ``problem`` in words, never raised.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QTimer, pyqtSignal
from PyQt6.QtGui import QAction, QCloseEvent, QGuiApplication, QPainter, QPaintEvent
from PyQt6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QLabel,
    QListWidget,
    QMenuBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kaizen_studio.core.clock import Clock
from kaizen_studio.core.errors import StudioError
from kaizen_studio.core.media import Image
from kaizen_studio.studio.app.video_view import to_qimage
from kaizen_studio.studio.kidsmeet.breaks import FolderPlaylist
from kaizen_studio.studio.kidsmeet.meet import Kidsmeet, MeetState, status_line
from kaizen_studio.studio.kidsmeet.order import read_order
from kaizen_studio.studio.kidsmeet.timer import (
    TimerColour,
    TimerReading,
    draw_badge,
    timer_picture,
)
from kaizen_studio.studio.pipeline import Programme

TICK_MS = 100
"""the timer's redraw (it flashes every half second past time)"""


class PresentersMonitor(QWidget):
    """The talk's timer filling a screen the presenters can see."""

    def __init__(self, meet: Callable[[], Kidsmeet | None]) -> None:
        super().__init__()
        self.meet = meet
        self.setWindowTitle("Kidsmeet: presenters' monitor")
        self.resize(640, 360)

    def picture(self) -> Image:
        """What the monitor shows now (BGR), at the window's size."""
        meet = self.meet()
        size = (max(64, self.width()), max(64, self.height()))
        if meet is None:
            idle = TimerReading(colour=TimerColour.IDLE, remaining=0.0, lit=True)
            return timer_picture(idle, size)
        return timer_picture(meet.timer.reading(), size)

    def paintEvent(self, event: QPaintEvent | None) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.drawImage(self.rect(), to_qimage(self.picture()))
        painter.end()


class KidsmeetPanel(QWidget):
    """The kidsmeet's controls for the show ``programme()`` on ``clock`` at ``size``."""

    problem = pyqtSignal(str)

    def __init__(
        self,
        programme: Callable[[], Programme | None],
        *,
        clock: Clock,
        size: tuple[int, int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.programme, self.clock, self.show_size = programme, clock, size
        self.meet: Kidsmeet | None = None
        self.monitor: PresentersMonitor | None = None
        self.open_button = QPushButton("Open a running order...")
        self.order_label = QLabel("No running order yet (a .toml or .csv file)")
        self.order_label.setWordWrap(True)
        self.talks = QListWidget()
        self.talks.setToolTip("Choose a talk to start it yourself, or pick one at random")
        self.pick_button = QPushButton("Pick a presenter")
        self.start_button = QPushButton("Start talk")
        self.end_button = QPushButton("End talk")
        self.break_button = QPushButton("Break")
        self.breaks_button = QPushButton("Recorded presentations folder...")
        self.monitor_button = QPushButton("Presenters' monitor")
        self.timer_label = QLabel("--:--")
        self.timer_label.setStyleSheet(_timer_style(TimerColour.IDLE, lit=True))
        self.state_label = QLabel("")
        self.state_label.setWordWrap(True)
        buttons = QGridLayout()
        for i, button in enumerate(
            (self.pick_button, self.start_button, self.end_button, self.break_button)
        ):
            buttons.addWidget(button, i // 2, i % 2)
        column = QVBoxLayout(self)
        for widget in (self.open_button, self.order_label, self.talks):
            column.addWidget(widget)
        column.addLayout(buttons)
        for widget in (self.timer_label, self.state_label, self.breaks_button, self.monitor_button):
            column.addWidget(widget)
        self.open_button.clicked.connect(self._choose_order)
        self.pick_button.clicked.connect(lambda: self._do(self.pick))
        self.start_button.clicked.connect(lambda: self._do(self.start_talk))
        self.end_button.clicked.connect(lambda: self._do(self.end_talk))
        self.break_button.clicked.connect(lambda: self._do(self.start_break))
        self.breaks_button.clicked.connect(self._choose_breaks)
        self.monitor_button.clicked.connect(lambda: self._do(self.open_monitor))
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(TICK_MS)
        self.refresh()

    # -- what the buttons do ---------------------------------------------------------
    def load(self, path: str) -> bool:
        """Run the kidsmeet in ``path``; a mistake in it is reported, never raised."""
        try:
            order = read_order(path)
            meet = Kidsmeet(order, self.programme, clock=self.clock, size=self.show_size)
        except StudioError as error:
            self.problem.emit(f"The running order could not be used: {error}")
            return False
        if self.meet is not None:
            self.meet.close()
        self.meet = meet
        self.order_label.setText(
            f"{order.title}: {len(order.talks)} talks of {order.minutes:g} minutes"
        )
        self.refresh()
        return True

    def use_breaks(self, folder: str) -> bool:
        """Play the recorded presentations in ``folder`` in the breaks."""
        try:
            playlist = FolderPlaylist(folder)
        except StudioError as error:
            self.problem.emit(str(error))
            return False
        if self.meet is not None:
            self.meet.playlist = playlist
        self.breaks_button.setText(f"Breaks: {Path(folder).name} ({len(playlist.videos)} videos)")
        return True

    def pick(self) -> str:
        talk = self._need().pick()
        return f"Picked {talk.name} (Year {talk.year}, {talk.school}): press Start talk"

    def start_talk(self) -> str:
        meet = self._need()
        chosen = self.talks.selectedIndexes()  # a talk chosen in the list, else the one picked
        talk = meet.start_talk(chosen[0].row() if chosen else None)
        self.talks.clearSelection()
        return f"{talk.name} is on: {talk.title}"

    def end_talk(self) -> str:
        self._need().end_talk()
        return "The talk is over"

    def start_break(self) -> str:
        return self._need().start_break()

    def open_monitor(self) -> str:
        """The presenters' monitor, full screen on the last screen (a window if only one)."""
        if self.monitor is None:
            self.monitor = PresentersMonitor(lambda: self.meet)
        screens = QGuiApplication.screens()
        if len(screens) > 1:
            self.monitor.setGeometry(screens[-1].geometry())
            self.monitor.showFullScreen()
        else:
            self.monitor.show()
        return "The presenters' monitor is open"

    def decorate(self, frame: Image, now: float) -> None:
        """The talk's timer in the corner of the autocue's ``frame`` (during a talk)."""
        meet = self.meet
        if meet is not None and meet.timer.running:
            draw_badge(frame, meet.timer.reading())

    # -- showing it --------------------------------------------------------------------
    def refresh(self) -> None:
        meet = self.meet
        for button in (self.pick_button, self.start_button, self.end_button, self.break_button):
            button.setEnabled(meet is not None)
        if meet is None:
            return
        status = meet.status()
        reading = status.timer
        self.timer_label.setText(reading.text)
        self.timer_label.setStyleSheet(_timer_style(reading.colour, lit=reading.lit))
        self.state_label.setText(status_line(status).removeprefix("kidsmeet: "))
        self.end_button.setEnabled(status.state is MeetState.TALK)
        self.pick_button.setEnabled(status.left > 0)
        rows = [
            f"{'✓ ' if i in meet.on else ''}{i + 1}. {t.name} (Year {t.year}, {t.school}): "
            f"{t.title}"
            for i, t in enumerate(meet.order.talks)
        ]
        if [self.talks.item(i).text() for i in range(self.talks.count())] != rows:  # type: ignore[union-attr]
            self.talks.clear()
            self.talks.addItems(rows)
        if self.monitor is not None and self.monitor.isVisible():
            self.monitor.update()

    def _need(self) -> Kidsmeet:
        if self.meet is None:
            raise StudioError("open a running order first (Open a running order...)")
        return self.meet

    def _do(self, action: Callable[[], str]) -> None:
        try:
            said = action()
        except StudioError as error:
            self.problem.emit(str(error))
        else:
            self.problem.emit(said)
        self.refresh()

    def _choose_order(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Open a running order", "", "Running orders (*.toml *.csv)"
        )
        if name:
            self.load(name)

    def _choose_breaks(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "The recorded presentations")
        if folder:
            self.use_breaks(folder)

    def shut(self) -> None:
        """Close the monitor and take the meet off the show."""
        self._timer.stop()
        if self.monitor is not None:
            self.monitor.close()
        if self.meet is not None:
            self.meet.close()

    def closeEvent(self, event: QCloseEvent | None) -> None:  # noqa: N802
        self.shut()
        super().closeEvent(event)


def _timer_style(colour: TimerColour, *, lit: bool) -> str:
    b, g, r = colour.bgr if lit else (20, 20, 20)
    return (
        f"background: rgb({r},{g},{b}); color: white; font-size: 32px; font-weight: bold; "
        "padding: 6px; qproperty-alignment: AlignCenter;"
    )


def add_kidsmeet_menu(bar: QMenuBar, owner: QWidget, open_panel: Callable[[], object]) -> None:
    """A Kidsmeet menu in ``bar`` whose item opens the panel (``open_panel``)."""
    menu = bar.addMenu("&Kidsmeet")
    assert menu is not None
    action = QAction("Kidsmeet: running order, timer, pick a presenter", owner)
    action.triggered.connect(lambda: open_panel())
    menu.addAction(action)
