"""Memory of the school channel's server during a 2 GB upload (issue 16: under 100 MB).

The channel runs as ``studio serve`` runs it (gunicorn behind nginx, SQLite) on loopback;
a teacher signs in and uploads a 2 GB file made on the fly (never on disk on the sending
side); the resident memory (VmRSS) of nginx and of gunicorn's master and worker is read
10 times a second from /proc, before, during and after the upload. The file is noise, so
the library refuses it once it has arrived (not a film): the conversion is not what is
measured. ``python -m benchmarks.channel_upload [--quick]`` prints the figures; :func:`run`
returns a markdown section.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from tests.channel_site import PASSWORD, multipart, raw_post, running_channel

TARGET_MB = 100.0
CHUNK = 1024 * 1024


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` in MB (0 if it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return 0.0


def children(pid: int) -> list[int]:
    try:
        return [int(n) for n in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


class Sampler:
    """Samples the named processes' memory every 100 ms in a thread; keeps each one's peak."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.peak = dict.fromkeys(pids, 0.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def now(self) -> dict[str, float]:
        return {name: rss_mb(pid) for name, pid in self.pids.items()}

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            for name, value in self.now().items():
                self.peak[name] = max(self.peak[name], value)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def noise(size: int) -> Iterator[bytes]:
    """``size`` bytes of noise, 1 MB at a time (one block reused: nothing accumulates)."""
    block = np.random.default_rng(16).integers(0, 256, CHUNK, dtype=np.uint8).tobytes()
    sent = 0
    while sent < size:
        piece = block[: min(CHUNK, size - sent)]
        sent += len(piece)
        yield piece


def measure(size: int) -> tuple[dict[str, float], dict[str, float], float, str]:
    """Upload ``size`` bytes; returns memory before, peak memory, seconds, the answer."""
    with (
        tempfile.TemporaryDirectory(prefix="kaizen-upload-") as folder,
        running_channel(Path(folder) / "server") as channel,
    ):
        channel.account("bench_teacher", "teacher")
        browser = channel.browser()
        browser.sign_in("bench_teacher", PASSWORD)
        assert channel.app.pid is not None and channel.nginx.pid is not None
        worker = children(channel.app.pid)
        pids = {"nginx": channel.nginx.pid, "gunicorn master": channel.app.pid}
        if worker:
            pids["gunicorn worker"] = worker[0]
        fields = {"title": "Two gigabytes", "csrfmiddlewaretoken": browser.token()}
        boundary, pieces = multipart(fields, "file", "big.mp4", noise(size))
        body = list(multipart(fields, "file", "big.mp4", iter(()))[1])  # everything but data
        length = sum(len(p) for p in body) + size
        cookies = "; ".join(f"{c.name}={c.value}" for c in browser.jar)
        headers = {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Accept": "application/json",
            "Cookie": cookies,
        }
        with Sampler(pids) as sampler:
            before = sampler.now()
            started = time.monotonic()
            status, text = raw_post(channel.base, "/channel/library/upload/", headers, pieces,
                                    length)  # fmt: skip
            seconds = time.monotonic() - started
            state = "uploaded"
            while state in ("uploaded", "converting") and time.monotonic() - started < 600:
                time.sleep(0.5)  # the converter looks at the file and refuses it
                states = json.loads(browser.get("/channel/library/states.json").text)
                state = states["items"][0]["state"]
        answer = f"{status} {text.strip()[:80]}; then {state}"
        return before, sampler.peak, seconds, answer


def run(*, quick: bool = False) -> str:
    size = (256 if quick else 2048) * CHUNK
    before, peak, seconds, answer = measure(size)
    rows = []
    worst = 0.0
    for name in before:
        growth = peak[name] - before[name]
        worst = max(worst, growth)
        rows.append(f"| {name} | {before[name]:.0f} MB | {peak[name]:.0f} MB | {growth:+.0f} MB |")
        print(f"{name}: {before[name]:.0f} MB before, {peak[name]:.0f} MB at most ({growth:+.0f})")
    rate = size / CHUNK / seconds
    print(f"uploaded {size / CHUNK:.0f} MB in {seconds:.1f} s ({rate:.0f} MB/s): {answer}")
    verdict = "PASS" if worst < TARGET_MB else "FAIL"
    return "\n".join(
        [
            "## A 2 GB upload to the school channel: the server's memory",
            "",
            f"One {size / CHUNK:.0f} MB upload (noise made on the fly) by a signed-in teacher "
            "through nginx to gunicorn (Django's temporary-file upload handler), on loopback; "
            "resident memory sampled every 100 ms.",
            "",
            "| process | before | at most during the upload | growth |",
            "|---|---|---|---|",
            *rows,
            "",
            f"Sent in {seconds:.1f} s ({rate:.0f} MB/s); the server answered {answer}.",
            "",
            f"- {verdict}: every process grew by under {TARGET_MB:.0f} MB (largest "
            f"{worst:+.0f} MB)",
        ]
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="256 MB instead of 2 GB")
    print(run(quick=parser.parse_args().quick))
