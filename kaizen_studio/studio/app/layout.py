"""The studio window's widgets and where they sit: the programme with the scenes, RECORD
and GO LIVE on the left; the camera and the side tabs (the green screen key, backgrounds,
captions, the autocue) on the right; the message bar above and the status strip below.
All of it fits a 1366x768 laptop's screen less its taskbar. What the widgets do is
:class:`studio.app.window.StudioWindow`'s.
"""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kaizen_studio.core.media import Image, VideoFrame
from kaizen_studio.keying import KeyerSettings
from kaizen_studio.studio.app.autocue_panel import AutocuePanel
from kaizen_studio.studio.app.gallery import Gallery
from kaizen_studio.studio.app.key_panel import KeyPanel
from kaizen_studio.studio.app.on_air import OnAirPanel, StatusStrip
from kaizen_studio.studio.app.scenes_panel import CaptionsPanel, ScenesPanel
from kaizen_studio.studio.app.video_view import VideoView, to_qimage
from kaizen_studio.studio.app_settings import AppSettings
from kaizen_studio.studio.show import Show

RIGHT_COLUMN = 460
"""the camera and side tabs' width (pixels): all five tabs' names show"""


class StudioLayout(QMainWindow):
    """The window's widgets for ``show``, set as ``settings`` and ``keyer`` say."""

    def __init__(self, show: Show, settings: AppSettings, keyer: KeyerSettings) -> None:
        super().__init__()
        self.setWindowTitle(f"Kaizen Studio: {show.title}")
        self.shown_index = -1
        """the number of the programme picture shown (each is drawn once)"""
        self.message = QLabel("Welcome! The show is getting ready...")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("padding: 6px; background: #eef3fb;")
        self.programme_view = VideoView("Programme: what goes out")
        self.programme_view.setToolTip("The programme: what is recorded and sent out")
        self.camera_view = VideoView("Camera")
        self.camera_view.setToolTip("The camera as it is, before the key")
        self.camera_view.setMinimumSize(320, 180)
        self.key_panel = KeyPanel()
        self.key_panel.show_settings(keyer)
        self.scenes = ScenesPanel(show)
        self.scenes.set_transition(settings.transition)
        self.on_air = OnAirPanel(settings.stream_url, key_set=bool(settings.stream_key))
        self.gallery = Gallery()
        self.backgrounds_folder = QPushButton("Choose the school's backgrounds folder...")
        self.captions = CaptionsPanel()
        self.autocue = AutocuePanel(
            remote_host=settings.remote_host, remote_port=settings.remote_port
        )
        self.autocue.speed.setValue(round(settings.words_per_minute))
        self.autocue.mirror.setChecked(settings.prompter_mirror)
        self.autocue.confidence.setChecked(settings.confidence)
        self.on_air.camera_too.setChecked(settings.record_camera)
        self.status_strip = StatusStrip()
        backgrounds = QWidget()
        column = QVBoxLayout(backgrounds)
        column.addWidget(self.gallery)
        column.addWidget(self.backgrounds_folder)
        key_scroll = QScrollArea()
        key_scroll.setWidget(self.key_panel)
        key_scroll.setWidgetResizable(True)
        self.tabs = QTabWidget()
        self.tabs.addTab(key_scroll, "Green screen")
        self.tabs.addTab(backgrounds, "Backgrounds")
        self.tabs.addTab(self.captions, "Captions")
        self.tabs.addTab(self.autocue, "Autocue")
        # Two columns (the programme and its buttons; the camera and the tabs) with the
        # strip below: all of it fits a 1366x768 laptop's screen less its taskbar.
        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(self.programme_view, 1)
        left_column.addWidget(self.scenes)
        left_column.addWidget(self.on_air)
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(self.camera_view, 2)
        right_column.addWidget(self.tabs, 3)
        right.setMinimumWidth(RIGHT_COLUMN)
        middle = QSplitter(Qt.Orientation.Horizontal)
        middle.addWidget(left)
        middle.addWidget(right)
        middle.setStretchFactor(0, 3)
        middle.setStretchFactor(1, 2)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.message)
        layout.addWidget(middle, 1)
        layout.addWidget(self.status_strip)
        self.setCentralWidget(central)

    def show_pictures(
        self, programme: VideoFrame | None, camera: Image | None, inset: Image | None
    ) -> None:
        """Draw a new ``programme`` picture (each once) with the autocue's ``inset`` over
        it, and ``camera`` (the camera's picture or the matte; None: keep the last)."""
        self.programme_view.inset = None if inset is None else to_qimage(inset)
        if programme is not None and programme.index != self.shown_index:
            self.shown_index = programme.index
            self.programme_view.set_picture(programme.image)
        elif inset is not None:
            self.programme_view.update()
        if camera is not None:
            self.camera_view.set_picture(camera)

    def show_side_tab(self, panel: QWidget, title: str) -> None:
        """Show ``panel`` as the first side tab (added if it is not there yet)."""
        if self.tabs.indexOf(panel) < 0:
            self.tabs.insertTab(0, panel, title)
        self.tabs.setCurrentWidget(panel)

    def close_side_tab(self, panel: QWidget) -> None:
        self.tabs.removeTab(self.tabs.indexOf(panel))
        panel.deleteLater()

    def replace_scenes(self, show: Show) -> ScenesPanel:
        """Put ``show``'s scene buttons where the old ones were (same cut or fade)."""
        scenes = ScenesPanel(show)
        scenes.set_transition(self.scenes.transition)
        layout = self.scenes.parentWidget().layout()  # type: ignore[union-attr]
        assert layout is not None
        layout.replaceWidget(self.scenes, scenes)
        self.scenes.deleteLater()
        self.scenes = scenes
        self.setWindowTitle(f"Kaizen Studio: {show.title}")
        return scenes
