"""The autocue panel's voice switch, on a machine with or without a microphone."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtWidgets import QApplication

from kaizen_studio.studio.app.autocue_panel import AutocuePanel
from tests.conditions import wait_until


def test_the_switch_needs_a_prompter_and_says_so(qapp: QApplication) -> None:
    panel = AutocuePanel(remote_host="127.0.0.1", remote_port=0)
    said: list[str] = []
    panel.problem.connect(said.append)
    panel.voice.setChecked(True)
    assert said == ["Open the prompter first, then switch on Follow my voice"]
    assert not panel.voice.isChecked()


def test_the_switch_starts_in_a_worker_and_says_plainly_what_is_missing(
    qapp: QApplication, tmp_path: Path
) -> None:
    script = tmp_path / "news.txt"
    script.write_text("SAM: Good morning and welcome to the school news.\n", encoding="utf-8")
    panel = AutocuePanel(remote_host="127.0.0.1", remote_port=0)
    said: list[str] = []
    panel.problem.connect(said.append)
    assert panel.load(str(script))
    panel.open_prompter()
    panel.voice.setChecked(True)  # returns at once: the recogniser loads in a worker

    def settled() -> bool:
        QApplication.processEvents()
        return not panel.voice.starting

    wait_until(settled, timeout=120, what="the voice switch to settle")
    prompter = panel.prompter
    assert prompter is not None
    if said:  # this machine has no microphone (or no recogniser): said, and off again
        assert said[0].startswith("Voice-following cannot start: ") and len(said) == 1
        assert not panel.voice.isChecked() and prompter.voice is None
    else:  # a microphone: the prompter follows, and the switch stops it
        assert prompter.voice is not None and prompter.voice.active
        panel.voice.setChecked(False)
        assert prompter.voice is None
    panel.shut()
