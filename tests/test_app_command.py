"""`studio` with no command opens the window (offscreen here), writes the teacher's log,
remembers its settings, and closes properly on a shutdown signal."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.conditions import BOUND, wait_until


def test_studio_with_no_command_opens_the_window_and_closes_on_sigterm(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.json").write_text(
        json.dumps(
            {
                "camera": "demo",
                "recordings": str(tmp_path / "recordings"),
                "checklist_done": True,
                "remote_host": "127.0.0.1",
                "show_file": str(tmp_path / "missing.toml"),
            }
        ),
        "utf-8",
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KAIZEN_STUDIO_CONFIG": str(config)}
    process = subprocess.Popen(
        [sys.executable, "-m", "kaizen_studio"], env=env, stderr=subprocess.PIPE, text=True
    )
    log = config / "logs" / "studio.log"
    try:

        def on() -> bool:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            return "The show is on" in (log.read_text("utf-8") if log.exists() else "")

        wait_until(on, timeout=2 * BOUND, what="the show to start", every=0.2)
        text = log.read_text("utf-8")
        assert "missing.toml: no such show file; using the starter show" in text
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=BOUND) == 0
    finally:
        process.kill()
        process.wait()
    assert "studio closed" in log.read_text("utf-8")
    saved = json.loads((config / "settings.json").read_text("utf-8"))
    assert saved["camera"] == "demo" and saved["checklist_done"] is True
    assert saved["show_file"] == ""  # the missing show is not tried again next time
    assert saved["transition"] == "cut" and "keyer" in saved  # written by the studio
