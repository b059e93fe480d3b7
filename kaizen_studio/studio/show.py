"""Show files: the scenes of a show, written by a teacher in TOML.

::

    title = "School News"
    fps = 25
    size = "1280x720"
    guest = { url = "rtmp://HOST:1935/live/guest-hawes", name = "Hawes Side" }

    [[scene]]
    name = "Newsroom"
    background = "newsroom"        # built-in, a picture or video file, or "#RRGGBB"
    keyer = { spill = 0.8 }        # names from kaizen_studio.keying.KEYER_SETTINGS
    presenter = { x = 0.5, scale = 1.0 }   # across 0..1 (centre), size 0.3..2
    lower_third = { name = "Zoë", role = "Year 5 reporter" }
    ticker = "headlines.txt"       # a text, RSS or Atom file or URL, or a list of headlines
    live_badge = true
    clock = true
    guest = "beside"               # the guest: "full", "beside", "behind" or "off"

A mistake (an unknown key, a missing picture, a bad colour, a wrong type, a value out of
range, values nested deeper than a show has, a file over :data:`MAX_SHOW_BYTES`) is
refused in one line with the file, the line and the problem, before anything starts.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaizen_studio.core.errors import InputError, MissingFileError
from kaizen_studio.keying import KeyerSettings
from kaizen_studio.studio.backgrounds import BUILT_IN
from kaizen_studio.studio.guest_look import GuestLook
from kaizen_studio.studio.imageio import read_colour
from kaizen_studio.studio.overlays import is_feed_address
from kaizen_studio.studio.show_nesting import MAX_NESTING, deep_line, deepest, shown
from kaizen_studio.studio.sources.guest import check_guest

TOP_KEYS = {"title", "fps", "size", "scene", "guest"}
SCENE_KEYS = {
    "name",
    "background",
    "keyer",
    "presenter",
    "lower_third",
    "ticker",
    "logo",
    "live_badge",
    "clock",
    "guest",
}
LOWER_THIRD_KEYS = {"name", "role"}
PRESENTER_KEYS = {"x", "scale"}
VIDEO_SUFFIXES = {".mp4", ".mov", ".mkv", ".webm", ".avi", ".m4v"}

MAX_SHOW_BYTES = 1_000_000
"""The largest show file read (a show of a hundred scenes is about 20 KB)."""
MAX_CAPTION = 100
"""The longest lower-third name or role, in characters (a line across the screen)."""
MAX_HEADLINES = 200
MAX_HEADLINE = 200
"""A ticker given as a list in the show file: at most this many headlines, each at most
this many characters."""


@dataclass(frozen=True, kw_only=True)
class Placement:
    """Where the presenter stands: ``x`` across the picture (0..1, their centre), ``scale``
    of their size (1: as the camera sees them)."""

    x: float = 0.5
    scale: float = 1.0


@dataclass(frozen=True)
class Scene:
    name: str
    background: str
    """a built-in name, a picture or video path (absolute), or '#RRGGBB'"""
    keyer: KeyerSettings = field(default_factory=KeyerSettings)
    presenter: Placement = field(default_factory=Placement)
    lower_third: tuple[str, str] | None = None
    ticker: tuple[str, ...] | str | None = None
    logo: str | None = None
    live_badge: bool = False
    clock: bool = False
    guest: str | None = None
    """where the guest goes (a :class:`GuestLook` value); None: as the command line says"""


@dataclass(frozen=True, kw_only=True)
class Show:
    title: str
    fps: int
    size: tuple[int, int]
    scenes: tuple[Scene, ...]
    guest: tuple[str, str] | None = None
    """the partner school in the show: (stream address, school's name)"""


class ShowFile:
    """Reads one show file, and words every mistake with the file and the line."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise MissingFileError(f"{self.path}: no such show file")
        if self.path.stat().st_size > MAX_SHOW_BYTES:
            raise InputError(
                f"{self.path}: is {self.path.stat().st_size:,} bytes; a show file is at most "
                f"{MAX_SHOW_BYTES:,} bytes: is it the right file?"
            )
        try:
            self.text = self.path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            raise InputError(f"{self.path}: is not a text file saved as UTF-8") from error
        line = deep_line(self.text)
        too_deep = InputError(
            f"{self.path}{f', line {line}' if line else ''}: lists or tables are nested too "
            "deep; a show has scenes, and in a scene tables { ... } or lists [ ... ] of plain "
            "values only"
        )
        try:
            self.data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as error:
            raise InputError(f"{self.path}: {error}") from error
        except RecursionError:  # Python's TOML reader nests by calling itself
            raise too_deep from None
        if deepest(self.data) > MAX_NESTING:
            raise too_deep
        self.lines = self.text.splitlines()

    def line_of(self, key: str, scene: int | None = None) -> int:
        """The line where ``key`` is set (at the top, or in scene number ``scene``),
        1-based; 0 when it cannot be found."""
        where: int | None = None  # None: the top of the file
        scenes = -1
        for number, raw in enumerate(self.lines, start=1):
            line = raw.strip()
            if line.startswith("[[scene]]"):
                scenes += 1
                where = scenes
            elif line.startswith("["):
                where = -1  # some other table
            elif where == scene and "=" in line and line.split("=", 1)[0].strip() == key:
                return number
        return 0

    def fail(self, problem: str, key: str, scene: int | None = None) -> InputError:
        line = self.line_of(key, scene)
        where = f"{self.path}, line {line}" if line else str(self.path)
        return InputError(f"{where}: {problem}")

    def read(self) -> Show:
        data = self.data
        for key in data:
            if key not in TOP_KEYS:
                raise self.fail(f"unknown setting {key!r}; a show has {sorted(TOP_KEYS)}", key)
        title = self._typed(data.get("title", self.path.stem), str, "title")
        fps = self._typed(data.get("fps", 25), int, "fps")
        if fps not in (25, 30, 60):
            raise self.fail(f"fps must be 25, 30 or 60, not {fps}", "fps")
        size = self._size(data.get("size", "1280x720"))
        raw_scenes = data.get("scene", [])
        if not isinstance(raw_scenes, list) or not raw_scenes:
            raise InputError(f"{self.path}: a show needs at least one [[scene]]")
        for raw in raw_scenes:
            if not isinstance(raw, dict):
                raise self.fail(
                    f"scene must be written as [[scene]] tables, one for each scene, "
                    f"not {shown(raw)} in a list",
                    "scene",
                )
        scenes = tuple(self._scene(i, raw) for i, raw in enumerate(raw_scenes))
        return Show(
            title=title, fps=fps, size=size, scenes=scenes, guest=self._guest(data.get("guest"))
        )

    def _guest(self, value: Any) -> tuple[str, str] | None:
        if value is None:
            return None
        table = self._typed(value, dict, "guest")
        if set(table) != {"url", "name"}:
            raise self.fail('guest is written { url = "rtmp://...", name = "School" }', "guest")
        try:
            check_guest(str(table["url"]), str(table["name"]))
        except InputError as error:
            words = str(error).replace("--guest-name", "name").replace("--guest", "url")
            raise self.fail(words, "guest") from None
        return str(table["url"]), str(table["name"]).strip()

    def _typed(self, value: Any, kind: type, key: str, scene: int | None = None) -> Any:
        if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
            names = {
                str: "text in quotes",
                int: "a whole number",
                bool: "true or false",
                float: "a number",
                dict: "a table { ... }",
            }
            raise self.fail(
                f"{key} must be {names.get(kind, kind.__name__)}, not {shown(value)}", key, scene
            )
        return value

    def _size(self, value: Any) -> tuple[int, int]:
        text = self._typed(value, str, "size")
        try:
            w, h = (int(v) for v in text.lower().split("x"))
        except ValueError:
            raise self.fail(f'size must be like "1280x720", not {text!r}', "size") from None
        if not (64 <= w <= 3840 and 64 <= h <= 2160 and w % 2 == 0 and h % 2 == 0):
            raise self.fail(f"size {text} must be even and at most 3840x2160", "size")
        return w, h

    def _scene(self, index: int, raw: Any) -> Scene:
        for key in raw:
            if key not in SCENE_KEYS:
                raise self.fail(
                    f"unknown scene setting {shown(key)}; a scene has "
                    f"{', '.join(sorted(SCENE_KEYS))}",
                    key,
                    index,
                )
        name = self._typed(raw.get("name", f"Scene {index + 1}"), str, "name", index)
        background = self._background(raw.get("background", "newsroom"), index)
        keyer = KeyerSettings()
        if "keyer" in raw:
            table = self._typed(raw["keyer"], dict, "keyer", index)
            try:
                keyer = KeyerSettings.from_mapping(table)
            except (TypeError, ValueError) as error:
                raise self.fail(str(error), "keyer", index) from error
        presenter = Placement()
        if "presenter" in raw:
            table = self._typed(raw["presenter"], dict, "presenter", index)
            unknown = set(table) - PRESENTER_KEYS
            if unknown:
                raise self.fail(
                    f"presenter has x and scale, not {shown(sorted(unknown))}", "presenter", index
                )
            x, scale = table.get("x", 0.5), table.get("scale", 1.0)
            if not _is_number(x) or not 0 <= x <= 1:
                raise self.fail(
                    f"presenter x must be a number from 0 to 1, not {shown(x)}", "presenter", index
                )
            if not _is_number(scale) or not 0.3 <= scale <= 2:
                raise self.fail(
                    f"presenter scale must be a number from 0.3 to 2, not {shown(scale)}",
                    "presenter",
                    index,
                )
            presenter = Placement(x=float(x), scale=float(scale))
        lower = None
        if "lower_third" in raw:
            table = self._typed(raw["lower_third"], dict, "lower_third", index)
            unknown = set(table) - LOWER_THIRD_KEYS
            if unknown:
                raise self.fail(
                    f"lower_third has name and role, not {shown(sorted(unknown))}",
                    "lower_third",
                    index,
                )
            if not isinstance(table.get("name"), str) or not table["name"].strip():
                raise self.fail('lower_third needs a name = "..."', "lower_third", index)
            role = table.get("role", "")
            if not isinstance(role, str):
                raise self.fail(
                    f"lower_third role must be text in quotes, not {shown(role)}",
                    "lower_third",
                    index,
                )
            for part, text in (("name", table["name"]), ("role", role)):
                if len(text) > MAX_CAPTION:
                    raise self.fail(
                        f"lower_third {part} is {len(text)} characters; at most {MAX_CAPTION} "
                        "fit across the screen",
                        "lower_third",
                        index,
                    )
            lower = (table["name"], role)
        ticker: tuple[str, ...] | str | None = None
        if "ticker" in raw:
            value = raw["ticker"]
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                longest = max((len(v) for v in value), default=0)
                if len(value) > MAX_HEADLINES or longest > MAX_HEADLINE:
                    raise self.fail(
                        f"ticker has {len(value)} headlines, the longest {longest} characters; "
                        f"give at most {MAX_HEADLINES}, each at most {MAX_HEADLINE} characters",
                        "ticker",
                        index,
                    )
                ticker = tuple(value)
            else:
                text = self._typed(value, str, "ticker", index)
                ticker = text if is_feed_address(text) else str(self._file(text, "ticker", index))
        logo = None
        if "logo" in raw:
            logo = str(self._file(self._typed(raw["logo"], str, "logo", index), "logo", index))
        return Scene(
            name=name,
            background=background,
            keyer=keyer,
            presenter=presenter,
            lower_third=lower,
            ticker=ticker,
            logo=logo,
            live_badge=self._typed(raw.get("live_badge", False), bool, "live_badge", index),
            clock=self._typed(raw.get("clock", False), bool, "clock", index),
            guest=self._guest_look(raw.get("guest"), index),
        )

    def _guest_look(self, value: Any, index: int) -> str | None:
        if value is None:
            return None
        text = self._typed(value, str, "guest", index)
        try:
            return GuestLook.named(text).value
        except ValueError as error:
            raise self.fail(str(error), "guest", index) from None

    def _background(self, value: Any, index: int) -> str:
        text = self._typed(value, str, "background", index)
        if text.lower() in BUILT_IN:
            return text.lower()
        if text.startswith("#"):
            try:
                read_colour(text)
            except InputError:
                raise self.fail(
                    f"background colour {text!r} is not #RRGGBB", "background", index
                ) from None
            return text
        path = self._file(text, "background", index)
        return str(path)

    def _file(self, text: str, key: str, index: int) -> Path:
        path = Path(text)
        if not path.is_absolute():
            path = self.path.parent / path
        if not path.is_file():
            built_in = ", ".join(BUILT_IN) if key == "background" else ""
            extra = f" (or one of the built-in backgrounds: {built_in})" if built_in else ""
            raise self.fail(
                f"{key} file {text!r} not found next to the show file{extra}", key, index
            )
        return path


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def read_show(path: str | Path) -> Show:
    """The show in ``path``, checked (see the module's docstring)."""
    return ShowFile(path).read()


def starter_show() -> Show:
    """The show the studio opens with until a teacher writes one: a newsroom, the weather
    with the presenter to one side, a beach, outer space and a roller coaster."""
    return Show(
        title="Kaizen Studio",
        fps=25,
        size=(1280, 720),
        scenes=(
            Scene(name="Newsroom", background="newsroom", live_badge=True, clock=True),
            Scene(name="Weather", background="weather map", presenter=Placement(x=0.72, scale=0.9)),
            Scene(name="Beach", background="beach"),
            Scene(name="Outer space", background="outer space"),
            Scene(name="Roller coaster", background="roller coaster"),
            Scene(name="Playground", background="playground"),
        ),
    )
