"""What the studio application remembers between runs, in the platform's config folder.

A teacher sets things up once (the show file, where recordings go, the school's stream
address and key); the pupils' next session starts from there. The file is JSON, written
atomically and created readable by its owner only (0600: it holds the stream key); a
damaged or hand-edited file is never fatal: bad values fall back to their defaults and the
reason is kept in :attr:`AppSettings.problems` for the window to show.
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from kaizen_studio.broadcast.streamer import split_key
from kaizen_studio.keying import KeyerSettings
from kaizen_studio.studio.programme_look import Transition

APP_NAME = "kaizen-studio"


def config_dir() -> Path:
    """The platform's config folder for the studio (``KAIZEN_STUDIO_CONFIG`` overrides)."""
    override = os.environ.get("KAIZEN_STUDIO_CONFIG")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME))


def log_dir() -> Path:
    """Where the teacher's log file lives (beside the settings when overridden)."""
    override = os.environ.get("KAIZEN_STUDIO_CONFIG")
    return Path(override) / "logs" if override else Path(platformdirs.user_log_dir(APP_NAME))


def default_recordings() -> str:
    return str(Path(platformdirs.user_videos_dir()) / "Kaizen Studio")


@dataclass
class AppSettings:
    """The remembered settings (every field has a default; unknown keys are ignored)."""

    camera: str = "auto"
    """'auto' (the first camera, else the demo presenter), 'demo', or a camera index/name"""
    microphone: str = ""
    """'' for the test sound, 'default' or a device's index or name for a microphone"""
    show_file: str = ""
    """the last show file opened ('' for the built-in show)"""
    recordings: str = field(default_factory=default_recordings)
    backgrounds: str = ""
    """a folder of the school's own pictures and videos for the gallery"""
    stream_url: str = "rtmp://127.0.0.1:1935/live/show"
    """the school's stream address, without the key"""
    stream_key: str = ""
    """the school's stream key (a teacher's setting; never shown, kept in a 0600 file)"""
    script: str = ""
    """the last autocue script"""
    words_per_minute: float = 120.0
    remote_host: str = "0.0.0.0"
    remote_port: int = 8765
    keyer: dict[str, float] = field(default_factory=dict)
    transition: Transition = Transition.CUT
    """kept in the file as its word ('cut' or 'fade')"""
    backgrounds_added: list[str] = field(default_factory=list)
    """pictures and videos dropped into the gallery from elsewhere"""
    prompter_mirror: bool = False
    confidence: bool = True
    record_camera: bool = False
    checklist_done: bool = False
    problems: list[str] = field(default_factory=list, compare=False)
    """why values in the file were not used (not saved)"""

    @classmethod
    def load(cls, folder: Path | None = None) -> AppSettings:
        path = (folder or config_dir()) / "settings.json"
        settings = cls()
        if not path.is_file():
            return settings
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            settings.problems.append(f"{path}: could not be read ({error}); using defaults")
            return settings
        if not isinstance(data, dict):
            settings.problems.append(f"{path}: not a settings file; using defaults")
            return settings
        for item in dataclasses.fields(cls):
            if item.name == "problems" or item.name not in data:
                continue
            value, default = data[item.name], getattr(settings, item.name)
            if isinstance(default, Transition):
                try:
                    settings.transition = Transition.named(str(value))
                except ValueError as error:
                    settings.problems.append(f"{path}: {error}; using {default.value!r}")
            elif _same_kind(value, default):
                setattr(settings, item.name, float(value) if isinstance(default, float) else value)
            else:
                settings.problems.append(
                    f"{path}: {item.name} = {value!r} is not a {type(default).__name__}; "
                    f"using {default!r}"
                )
        url, key = split_key(settings.stream_url)
        if key:  # an address that held its key (older settings): the key is kept apart
            settings.stream_url, settings.stream_key = url, settings.stream_key or key
        return settings

    def save(self, folder: Path | None = None) -> Path:
        path = (folder or config_dir()) / "settings.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {k: v for k, v in dataclasses.asdict(self).items() if k != "problems"}
        data["transition"] = self.transition.value
        write_private(path, json.dumps(data, indent=2, ensure_ascii=False))
        return path


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, in a file created readable and writable by
    its owner only (0600 given to ``os.open``: there is no moment when others may read)."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)  # a stale one may have another mode
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, path)
    finally:
        if partial.exists():
            partial.unlink()


def _same_kind(value: Any, default: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, float):
        return isinstance(value, int | float)
    if isinstance(default, list):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if isinstance(default, dict):
        return isinstance(value, dict) and all(
            isinstance(k, str) and isinstance(v, int | float) and not isinstance(v, bool)
            for k, v in value.items()
        )
    return isinstance(value, type(default))


def settings_from(values: dict[str, float]) -> KeyerSettings:
    """Remembered keyer settings; values that no longer fit their range are left out."""
    good: dict[str, float] = {}
    for name, value in values.items():
        try:
            KeyerSettings().replace(**{name: value})
        except (TypeError, ValueError):
            continue
        good[name] = value
    return KeyerSettings().replace(**good)
