"""The vodcast step after recording: trim the take's start and end on a strip of its
pictures, say the title and class, pick the thumbnail, and make the vodcast in a worker
with progress and a Cancel that leaves nothing half-written; "saved" only once the file is
there and plays back."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

import av
import cv2
from PyQt6.QtCore import QObject, Qt, pyqtSignal
from PyQt6.QtGui import QAction, QImage, QPixmap
from PyQt6.QtWidgets import (
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kaizen_studio.broadcast.mp4 import plays
from kaizen_studio.core.errors import StudioError
from kaizen_studio.core.media import Image
from kaizen_studio.studio.cards import Cards
from kaizen_studio.studio.playback import open_video
from kaizen_studio.studio.vodcast import make_vodcast

log = logging.getLogger(__name__)

STRIP_COUNT = 8
STRIP_HEIGHT = 72


class CancelledError(Exception):
    """The vodcast was cancelled from the dialog (raised from its progress callback, so
    the half-written file is removed)."""


def take_pictures(
    take: Path, *, count: int, height: int
) -> tuple[float, list[tuple[float, Image]]]:
    """The take's length in seconds and ``count`` small pictures across it with their
    times (BGR uint8, ``height`` rows)."""
    with open_video(take) as container:
        stream = container.streams.video[0]
        length = float(stream.duration * stream.time_base) if stream.duration else 0.0
        if length <= 0 and container.duration:
            length = container.duration / av.time_base
        found: list[tuple[float, Image]] = []
        for i in range(count):
            t = length * (i + 0.5) / count
            container.seek(round(t / float(stream.time_base)), stream=stream)
            frame = next(container.decode(stream), None)
            if frame is None:
                continue
            picture = frame.to_ndarray(format="bgr24")
            width = round(picture.shape[1] * height / picture.shape[0])
            found.append((t, cv2.resize(picture, (width, height), interpolation=cv2.INTER_AREA)))
    return length, found


def pixmap(picture: Image) -> QPixmap:
    rgb = cv2.cvtColor(picture, cv2.COLOR_BGR2RGB)
    height, width = rgb.shape[:2]
    return QPixmap.fromImage(
        QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()
    )


class _Signals(QObject):
    progress = pyqtSignal(int, int)
    finished = pyqtSignal(str)  # '' when written, else the problem in words


class VodcastDialog(QDialog):
    """Make a vodcast of ``take`` into ``output`` (an .mp4) for ``school``."""

    def __init__(self, take: Path, output: Path, *, school: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Make a vodcast")
        self.take, self.output = Path(take), Path(output)
        self._cancel = threading.Event()
        self._worker: threading.Thread | None = None
        self._signals = _Signals()
        self._signals.progress.connect(self._progressed)
        self._signals.finished.connect(self._finished)
        self.length, pictures = take_pictures(self.take, count=STRIP_COUNT, height=STRIP_HEIGHT)
        strip = QHBoxLayout()
        for t, picture in pictures:
            tile = QLabel()
            tile.setPixmap(pixmap(picture))
            tile.setToolTip(f"{t:.1f} s")
            column = QVBoxLayout()
            column.addWidget(tile)
            column.addWidget(QLabel(f"{t:.1f} s"), alignment=Qt.AlignmentFlag.AlignHCenter)
            strip.addLayout(column)
        self.start = self._seconds(0.0, "Where the vodcast starts in the take")
        self.end = self._seconds(self.length, "Where the vodcast ends in the take")
        self.thumbnail_at = self._seconds(self.length / 3, "The picture shown before it plays")
        self.school = QLineEdit(school)
        self.class_name = QLineEdit()
        self.class_name.setPlaceholderText("e.g. Class 4")
        self.title = QLineEdit()
        self.title.setPlaceholderText("e.g. What is a fraction?")
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.state = QLabel("")
        self.state.setWordWrap(True)
        self.make = QPushButton("Make vodcast")
        self.cancel = QPushButton("Cancel")
        self.cancel.setEnabled(False)
        form = QFormLayout()
        form.addRow("Start", self.start)
        form.addRow("End", self.end)
        form.addRow("Thumbnail at", self.thumbnail_at)
        form.addRow("Title", self.title)
        form.addRow("Class", self.class_name)
        form.addRow("School", self.school)
        buttons = QHBoxLayout()
        buttons.addWidget(self.make)
        buttons.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(strip)
        layout.addLayout(form)
        layout.addWidget(self.bar)
        layout.addWidget(self.state)
        layout.addLayout(buttons)
        self.make.clicked.connect(self.begin)
        self.cancel.clicked.connect(self._cancel.set)

    def _seconds(self, value: float, tip: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(0.0, max(self.length, 0.0))
        box.setDecimals(1)
        box.setSingleStep(0.5)
        box.setSuffix(" s")
        box.setValue(value)
        box.setToolTip(tip)
        return box

    def problem(self) -> str:
        """What stops the vodcast being made, in words ('' for nothing)."""
        if not self.title.text().strip():
            return "Give the vodcast a title"
        if not self.class_name.text().strip():
            return "Say which class made it"
        if self.end.value() <= self.start.value():
            return "The end must come after the start"
        if not self.start.value() <= self.thumbnail_at.value() <= self.end.value():
            return "Pick the thumbnail between the start and the end"
        return ""

    def begin(self) -> None:
        """Start making the vodcast in a worker (the window never waits)."""
        if (why := self.problem()) or self._worker is not None:
            self.state.setText(why)
            return
        cards = Cards(
            school=self.school.text().strip(),
            class_name=self.class_name.text().strip(),
            title=self.title.text().strip(),
        )
        start, end, at = self.start.value(), self.end.value(), self.thumbnail_at.value()
        self._cancel.clear()
        self.make.setEnabled(False)
        self.cancel.setEnabled(True)
        self.state.setText("Making the vodcast...")

        def progress(done: int, total: int) -> None:
            if self._cancel.is_set():
                raise CancelledError()
            self._signals.progress.emit(done, total)

        def work() -> None:
            try:
                make_vodcast(
                    self.take,
                    self.output,
                    cards=cards,
                    start=start,
                    end=end,
                    thumbnail_at=at,
                    progress=progress,
                )
            except CancelledError:
                self._signals.finished.emit("Cancelled: nothing was saved")
                return
            except (StudioError, OSError) as error:
                self._signals.finished.emit(f"The vodcast could not be made: {error}")
                return
            why = plays(self.output)
            self._signals.finished.emit(f"The vodcast does not play back: {why}" if why else "")

        self._worker = threading.Thread(target=work, name="vodcast", daemon=True)
        self._worker.start()

    def _progressed(self, done: int, total: int) -> None:
        self.bar.setValue(round(100 * done / max(total, 1)))

    def _finished(self, problem: str) -> None:
        self._worker = None
        self.make.setEnabled(True)
        self.cancel.setEnabled(False)
        if problem:
            self.state.setText(problem)
            self.bar.setValue(0)
        else:
            self.bar.setValue(100)
            self.state.setText(f"Saved: {self.output.name}")

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def closeEvent(self, event: object) -> None:  # noqa: N802 (Qt's name)
        self._cancel.set()  # closing cancels: the worker stops at its next picture
        super().closeEvent(event)  # type: ignore[arg-type]


def open_vodcast_step(owner: QWidget, recordings: Path) -> VodcastDialog | None:
    """Ask for a take (in ``recordings``, the newest first offered) and open the vodcast
    dialog on it, writing ``NAME-vodcast.mp4`` beside it; None when none was chosen."""
    takes = (
        sorted(recordings.glob("*.mp4"), key=lambda p: p.stat().st_mtime)
        if recordings.is_dir()
        else []
    )
    newest = str(takes[-1]) if takes else str(recordings)
    name, _ = QFileDialog.getOpenFileName(
        owner, "Make a vodcast of a take", newest, "Takes (*.mp4)"
    )
    if not name:
        return None
    take = Path(name)
    found = VodcastDialog(take, take.with_name(f"{take.stem}-vodcast.mp4"), school="", parent=owner)
    found.show()
    return found


def add_vodcast_step(
    menu: QMenu,
    owner: QWidget,
    guard: Callable[[str, Callable[[], object]], object],
    recordings: Callable[[], Path],
) -> QAction:
    """Put "Make a vodcast of a take..." in ``menu`` (before its last item, Quit), run
    through ``guard`` like every action of the window."""
    action = QAction("Make a vodcast of a take...", owner)
    action.triggered.connect(
        lambda: guard("Vodcast", lambda: open_vodcast_step(owner, Path(recordings())))
    )
    items = menu.actions()
    if items:
        menu.insertAction(items[-1], action)
    else:
        menu.addAction(action)
    return action
