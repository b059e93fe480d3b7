"""``studio watch --screen URL``: this computer becomes one of the channel's screens.

Chromium is opened in kiosk mode on the screen's address (full screen, no address bar,
no "restore pages?" bubble), allowed to start sound by itself (the channel's page then
plays with sound without a tap), with a profile of its own kept in the studio's config
folder. It runs until Chromium is closed (Alt+F4) or Ctrl+C; a Raspberry Pi or PC that
should start as a screen runs the same command at login (see the README).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from kaizen_studio.core.errors import InputError, MissingToolError

log = logging.getLogger(__name__)

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL = "sudo apt install chromium (Raspberry Pi OS: chromium-browser)"


def check_screen_url(url: str) -> str:
    """``url`` if it is a channel screen's address; InputError naming the fix if not."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(
            f"--screen needs the screen page's web address, such as "
            f"http://SERVER:8080/channel/screen/?group=hall&name=hall-1, got {url!r}"
        )
    if not parts.path.rstrip("/").endswith("/channel/screen"):
        raise InputError(
            f"{url} is not a channel screen's address: it ends /channel/screen/?group=GROUP"
        )
    if not parse_qs(parts.query).get("group"):
        raise InputError(f"{url} names no screen group: add ?group=GROUP (e.g. ?group=hall)")
    return url


def find_browser() -> str:
    """The first Chromium-like browser installed; MissingToolError with the install line."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found is not None:
            return found
    raise MissingToolError(f"a screen needs Chromium, which is not installed: {INSTALL}")


def kiosk_command(url: str, *, browser: str, profile: Path) -> list[str]:
    """The command line that opens ``url`` as a kiosk screen (with ``--no-sandbox`` only
    when run as root, which Chromium refuses otherwise: run screens as an ordinary user)."""
    root = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return [
        browser,
        *root,
        "--kiosk",
        f"--app={url}",
        f"--user-data-dir={profile}",
        "--autoplay-policy=no-user-gesture-required",
        "--noerrdialogs",
        "--disable-infobars",
        "--disable-session-crashed-bubble",
        "--no-first-run",
        "--disable-translate",
        "--check-for-update-interval=31536000",
    ]


def run_screen(url: str, *, profile: Path) -> int:
    """Open ``url`` as a kiosk screen and wait until it is closed (Chromium's exit
    status); Ctrl+C closes it first."""
    command = kiosk_command(check_screen_url(url), browser=find_browser(), profile=profile)
    profile.mkdir(parents=True, exist_ok=True)
    log.info("screen: %s", " ".join(command))
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        raise
