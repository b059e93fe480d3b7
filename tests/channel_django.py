"""Django for one running channel, started once and kept: the tests' accounts and database
questions go to it, instead of a ``manage.py`` process (Python and Django started anew,
seconds on a busy machine) for each.

It runs exactly what ``manage`` would (the same management commands, the same
``shell -c`` code) with the channel's environment and umask, in a process of its own: the
channel's settings are read once per process, and each test file's channel has its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from typing import Any

from kaizen_studio.channel.site.process import PRIVATE, Channel
from kaizen_studio.core.errors import InputError

_SERVE = r"""
import contextlib, io, json, sys, traceback
import django
django.setup()
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import close_old_connections
requests, answers = sys.stdin, sys.stdout
for line in requests:
    job = json.loads(line)
    said = io.StringIO()
    answer = {}
    try:
        sys.stdin = io.StringIO(job["stdin"])
        close_old_connections()
        with contextlib.redirect_stdout(said):
            if job["code"] is not None:
                exec(job["code"], {"__name__": "__main__"})
            else:
                call_command(*job["command"], stdout=said)
    except CommandError as error:
        answer["error"] = str(error)
    except Exception:
        answer["error"] = traceback.format_exc().strip().splitlines()[-1]
    finally:
        sys.stdin = requests
    answer["out"] = said.getvalue()
    answers.write(json.dumps(answer) + "\n")
    answers.flush()
"""


class ChannelDjango:
    """One Django process for ``channel``, started at the first question; ``close`` ends
    it (before the channel's database goes)."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self._process: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()

    def _started(self) -> subprocess.Popen[str]:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-c", _SERVE],
                env=self.channel.environment(),
                cwd=self.channel.folder,
                umask=PRIVATE,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        return self._process

    def _ask(self, job: dict[str, Any]) -> str:
        with self._lock:
            process = self._started()
            assert process.stdin is not None and process.stdout is not None
            process.stdin.write(json.dumps(job) + "\n")
            process.stdin.flush()
            line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"the channel's Django process ended (exit {process.wait()})")
        answer = json.loads(line)
        if "error" in answer:
            raise InputError(answer["error"])
        return str(answer["out"])

    def manage(self, *arguments: str, stdin: str = "") -> str:
        """What ``manage(channel, *arguments, stdin=stdin)`` says, from this process."""
        return self._ask({"command": list(arguments), "code": None, "stdin": stdin})

    def shell(self, code: str) -> str:
        """What ``manage.py shell --no-imports -c code`` prints."""
        return self._ask({"command": [], "code": code, "stdin": ""})

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
