"""The autocue in the studio window: open a script, put the prompter on the screen chosen
(mirrored for beam-splitter glass), start and pause, set the speed, let a classmate drive
it from a tablet, and see a confidence copy of it over the preview."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QGuiApplication
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from kaizen_studio.autocue.prompter import Prompter
from kaizen_studio.autocue.remote import RemoteServer
from kaizen_studio.autocue.render import Look, Mirror, PrompterRenderer, confidence_renderer
from kaizen_studio.autocue.script import Script, load_script
from kaizen_studio.autocue.window import PrompterWindow
from kaizen_studio.core.media import Image
from kaizen_studio.studio.app.voice_switch import VoiceSwitch


def reachable_address(host: str, port: int) -> str:
    """The remote's address as a tablet on the school network would type it."""
    if host in ("0.0.0.0", ""):
        host = lan_address()
    return f"http://{host}:{port}/"


def lan_address() -> str:
    """This computer's address on the school network: the one the system would send from
    (a UDP socket's connect sends nothing); the host name when there is no network."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            address = str(probe.getsockname()[0])
        except OSError:
            return socket.gethostname()
    return socket.gethostname() if address.startswith("0.") else address


class AutocuePanel(QWidget):
    """Controls for the prompter; ``problem`` reports what went wrong in words."""

    problem = pyqtSignal(str)
    script_opened = pyqtSignal(str)

    def __init__(self, *, remote_host: str, remote_port: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.remote_host, self.remote_port = remote_host, remote_port
        self.decorate: Callable[[Image, float], None] | None = None
        """draws on the prompter's frames (a kidsmeet's timer), if set"""
        self.script: Script | None = None
        self.prompter: Prompter | None = None
        self.windows: list[PrompterWindow] = []
        self.remote: RemoteServer | None = None
        self._confidence: PrompterRenderer | None = None
        self.script_label = QLabel("No script yet")
        self.open_script = QPushButton("Open script...")
        self.open_script.setToolTip("Choose the words to read: a .txt or .md file")
        self.screen_choice = QComboBox()
        self.screen_choice.setToolTip("The screen the presenter reads from")
        self.list_screens()
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):  # a projector plugged in later is offered too
            app.screenAdded.connect(lambda _: self.list_screens())
            app.screenRemoved.connect(lambda _: self.list_screens())
        self.mirror = QCheckBox("Mirror (for prompter glass)")
        self.mirror.setToolTip("Flip the words so they read the right way round in the glass")
        self.show_prompter = QPushButton("Open prompter")
        self.start_pause = QPushButton("Start / pause")
        self.start_pause.setToolTip("Start the words scrolling, or stop them")
        self.speed = QSpinBox()
        self.speed.setRange(40, 300)
        self.speed.setSingleStep(10)
        self.speed.setSuffix(" words a minute")
        self.speed.setValue(120)
        self.remote_box = QCheckBox("Tablet remote")
        self.remote_box.setToolTip("Let a classmate scroll the words from a tablet or phone")
        self.remote_label = QLabel("")
        self.remote_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.voice = VoiceSwitch(lambda: self.prompter, self._now)
        self.voice.problem.connect(self.problem)
        self.confidence = QCheckBox("Show the words over the preview")
        self.confidence.setChecked(True)
        form = QFormLayout(self)
        row = QHBoxLayout()
        row.addWidget(self.open_script)
        row.addWidget(self.script_label, 1)
        form.addRow(row)
        form.addRow("Screen", self.screen_choice)
        form.addRow(self.mirror)
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_prompter)
        buttons.addWidget(self.start_pause)
        form.addRow(buttons)
        form.addRow("Speed", self.speed)
        form.addRow(self.voice)
        form.addRow(self.remote_box, self.remote_label)
        form.addRow(self.confidence)
        self.open_script.clicked.connect(self._choose)
        self.show_prompter.clicked.connect(self.open_prompter)
        self.start_pause.clicked.connect(lambda: self.command("toggle"))
        self.speed.valueChanged.connect(self._speed_changed)
        self.remote_box.toggled.connect(self.set_remote)

    def list_screens(self) -> None:
        chosen = self.screen_choice.currentIndex()
        self.screen_choice.clear()
        for i, screen in enumerate(QGuiApplication.screens()):
            size = screen.geometry()
            self.screen_choice.addItem(f"Screen {i + 1} ({size.width()}x{size.height()})", i)
        self.screen_choice.setCurrentIndex(min(max(chosen, 0), self.screen_choice.count() - 1))

    def _choose(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open a script", "", "Scripts (*.txt *.md)")
        if name:
            self.load(name)

    def load(self, path: str) -> bool:
        """Read the script at ``path``; a problem is reported, never raised."""
        try:
            self.script = load_script(path)
        except (OSError, ValueError) as error:
            self.problem.emit(f"The script could not be opened: {error}")
            return False
        minutes = self.script.reading_seconds(words_per_minute=self.speed.value()) / 60
        self.script_label.setText(
            f"{Path(path).name}: {self.script.words} words, ~{minutes:.1f} min"
        )
        self.script_opened.emit(path)
        self._confidence = confidence_renderer(self.script)
        self.prompter = None
        return True

    def open_prompter(self) -> None:
        if self.script is None:
            self.problem.emit("Open a script first (the Open script... button)")
            return
        screens = QGuiApplication.screens()
        screen = screens[min(max(self.screen_choice.currentIndex(), 0), len(screens) - 1)]
        size = screen.geometry()
        look = Look(mirror=Mirror.HORIZONTAL if self.mirror.isChecked() else Mirror.NONE)
        self.prompter = Prompter(
            self.script,
            width=size.width(),
            height=size.height(),
            words_per_minute=self.speed.value(),
            look=look,
        )
        self.close_prompter()
        window = PrompterWindow(self.prompter, remote=self.remote, decorate=self.decorate)
        window.show_on(screen, full_screen=len(screens) > 1)
        self.windows = [window]

    def close_prompter(self) -> None:
        for window in self.windows:
            window.close()
        self.windows = []

    def command(self, name: str) -> None:
        if self.prompter is None:
            self.problem.emit("Open the prompter first")
            return
        self.prompter.apply(name, self._now())
        for window in self.windows:
            window.update()

    def _now(self) -> float:
        return self.windows[0].now() if self.windows else 0.0

    def _speed_changed(self, value: int) -> None:
        if self.prompter is not None:
            from kaizen_studio.autocue.scroll import lines_per_second

            layout = self.prompter.renderer.layout
            self.prompter.words_per_minute = float(value)
            self.prompter.model.set_speed(
                self._now(), lines_per_second(value, words_per_line=layout.words_per_line)
            )

    def set_remote(self, on: bool) -> None:
        if not on:
            if self.remote is not None:
                self.remote.stop()
            self.remote = None
            self.remote_label.setText("")
            for window in self.windows:
                window.remote = None
            return
        try:
            remote = RemoteServer(self.remote_host, self.remote_port)
            remote.start()
        except OSError as error:
            self.problem.emit(f"The tablet remote could not start: {error}")
            self.remote_box.setChecked(False)
            return
        self.remote = remote
        host, port = remote.address
        self.remote_label.setText(f"{reachable_address(host, port)}  code {remote.code}")
        if self.windows:
            self.windows[0].remote = remote

    def confidence_picture(self) -> Image | None:
        """The small copy of the words for the preview (never the programme), in step
        with the prompter."""
        if not self.confidence.isChecked() or self._confidence is None:
            return None
        position = 0.0
        if self.prompter is not None:
            model = self.prompter.model
            share = model.position(self._now()) / max(model.total_lines, 1.0)
            position = share * len(self._confidence.layout.lines)
        return self._confidence.render(position)

    def shut(self) -> None:
        self.voice.setChecked(False)
        self.close_prompter()
        self.set_remote(False)
