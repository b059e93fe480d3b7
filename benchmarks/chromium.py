"""Headless Chromium driven over its DevTools pipe, for the classroom page's test and
benchmark.

Debian's Chromium is started headless with a fresh profile and the flags this machine
needs (no sandbox, no GPU, no background networking), and driven over
``--remote-debugging-pipe`` (file descriptors 3 and 4, messages ending in a NUL byte): no
extra Python package. The page runs in real time, as in a classroom, so a live stream
plays as it would there; the caller waits for what it expects with a real deadline.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import time
from collections import deque
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from kaizen_studio.core.media import Image


class Chromium:
    """One headless Chromium with one page, ``width`` x ``height`` CSS pixels.

    ``autoplay`` starts it as a classroom kiosk is started (sound may play before anyone
    touches the page); False keeps the browser's own rule (sound waits for a tap).
    """

    def __init__(self, profile: Path, *, width: int, height: int, autoplay: bool = True) -> None:
        browser = shutil.which("chromium") or shutil.which("chromium-browser")
        if browser is None:
            raise FileNotFoundError("chromium is not installed: sudo apt install chromium")
        self.width, self.height = width, height
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--disable-sync",
            "--disable-component-update",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "--hide-scrollbars",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        if autoplay:
            flags.insert(-2, "--autoplay-policy=no-user-gesture-required")
        # bash (dash cannot name descriptors above 9) puts the pipe on 3 and 4, where
        # Chromium expects it
        redirect = f'exec "$0" "$@" 3<&{to_browser_r} 4>&{from_browser_w}'
        self.process = subprocess.Popen(
            ["bash", "-c", redirect, browser, *flags],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(to_browser_r, from_browser_w),
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.session = ""
        self._closed = False
        self.console: deque[str] = deque(maxlen=200)
        """The page's last console lines (``console.log`` and friends), oldest first."""

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command (to the page once attached) and wait for its answer; the
        events that arrive meanwhile are read, and console lines kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._read()
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"chromium refused {method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise ConnectionError("chromium closed its DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        answer: dict[str, Any] = json.loads(message)
        if answer.get("method") == "Runtime.consoleAPICalled":
            args = answer["params"].get("args", [])
            self.console.append(" ".join(str(a.get("value", a.get("type"))) for a in args))
        return answer

    def _wait_event(self, method: str, *, seconds: float) -> None:
        """Read messages until the event ``method`` arrives; TimeoutError after
        ``seconds``."""
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if (
                b"\0" not in self._buffer
                and not select.select([self._from_browser], [], [], max(0.0, left))[0]
            ):
                raise TimeoutError(f"chromium sent no {method} within {seconds:.0f} s")
            if self._read().get("method") == method:
                return

    def open(self, url: str, *, seconds: float = 15.0) -> None:
        """Open ``url`` in a new page, attached (its console lines are kept), and wait
        for it to load: until then the page may be changing renderer and refuse commands."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=self.width,
            height=self.height,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.call("Runtime.enable")
        self.call("Page.enable")
        self.call("Page.navigate", url=url)
        self._wait_event("Page.loadEventFired", seconds=seconds)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (None when it throws)."""
        answer = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in answer:
            return None
        return answer["result"].get("value")

    def wait_for(self, expression: str, value: Any, *, seconds: float) -> bool:
        """Poll ``expression`` every tenth of a second until it equals ``value`` (True) or
        ``seconds`` of real time have passed (False)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.evaluate(expression) == value:
                return True
            time.sleep(0.1)
        return False

    def click(self, x: float, y: float) -> None:
        """A left mouse click at (``x``, ``y``) CSS pixels, as a user's (it counts as a
        user's gesture, so it lets the page start sound)."""
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def screenshot(self, *, exact: bool = False) -> tuple[Image, float]:
        """The page as a BGR picture, and the monotonic time it was taken (the middle of
        the request); JPEG (fast) unless ``exact`` asks for PNG."""
        asked = time.monotonic()
        kind = "png" if exact else "jpeg"
        options: dict[str, Any] = {} if exact else {"quality": 90}
        data = self.call("Page.captureScreenshot", format=kind, **options)["data"]
        answered = time.monotonic()
        encoded = np.frombuffer(base64.b64decode(data), np.uint8)
        picture = cv2.imdecode(encoded, cv2.IMREAD_COLOR)
        if picture is None:
            raise ValueError(f"chromium sent a screenshot that is not a {kind.upper()}")
        return picture.astype(np.uint8), (asked + answered) / 2

    def close(self) -> None:
        """End Chromium (a second call does nothing)."""
        if self._closed:
            return
        self._closed = True
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
