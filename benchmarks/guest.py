"""A guest that comes and goes: a partner school's stream in the show, killed and started
again, through nginx on loopback.

The show (1280x720 at 25 fps, the guest's box beside the presenter, the show's sound) runs
on a still camera with no keyer, so that what is measured is the guest's part. The partner
(:class:`benchmarks.partner.Partner`: the real RTMP streamer, 640x360 at 25 fps with a
tone) publishes to nginx with each picture's number in bars along its top. For each
cycle the partner is killed (its encoder SIGKILLed: the link cut with no goodbye), left
down for a while and started again; the figures, from the programme's own frames:

- card: seconds from the kill to the first programme frame whose box shows the card;
- back: seconds from the partner's start again to the first frame with its pictures;
- delay: the picture's due time on the show's clock minus the moment the partner handed
  it to its encoder (read back from the bars; loopback: one clock for both), against the
  delay the window shows (:attr:`GuestStats.delay`, which cannot see the link's fixed part);
- the show: frames made against its ticks, and late ticks, while the guest came and went.

``python -m benchmarks.guest`` prints the figures; :func:`run` returns a markdown section.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.partner import COLOUR, Partner, stamped_number
from kaizen_studio.broadcast import MediaServer
from kaizen_studio.broadcast.server import free_port
from kaizen_studio.core.clock import Clock
from kaizen_studio.core.media import VideoFrame
from kaizen_studio.studio.backdrop import Backdrop
from kaizen_studio.studio.guest_look import BOXES, CARD, GuestLook
from kaizen_studio.studio.pipeline import Programme
from kaizen_studio.studio.scenes import Look
from kaizen_studio.studio.sound import ShowSound
from kaizen_studio.studio.sources import StillSource
from kaizen_studio.studio.sources.guest import GuestSource

SIZE, FPS = (1280, 720), 25
CARD_TARGET, BACK_TARGET = 2.0, 5.0


class Watch:
    """What each programme frame's box showed, and when (the programme's thread)."""

    def __init__(self) -> None:
        x, y, w, h = BOXES[GuestLook.BESIDE].pixels(SIZE)
        self.patch = (slice(y + h // 4, y + h // 2), slice(x + 8, x + w // 4))
        self.frames: list[tuple[float, str]] = []
        self.ticks: list[float] = []
        """each frame's tick on the show's clock"""

    def __call__(self, frame: VideoFrame) -> None:
        mean = frame.image[self.patch].reshape(-1, 3).mean(0)
        kind = (
            "guest"
            if np.abs(mean - COLOUR).max() < 40
            else "card"
            if np.abs(mean - CARD).max() < 40
            else "other"
        )
        self.frames.append((time.monotonic(), kind))
        self.ticks.append(frame.pts)

    def first(self, kind: str, since: float, timeout: float = 30.0) -> float:
        """Seconds from ``since`` to the first frame showing ``kind`` (nan: none)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for when, seen in list(self.frames):
                if when >= since and seen == kind:
                    return when - since
            time.sleep(0.02)
        return float("nan")


def delays(
    guest: GuestSource, partner: Partner, seconds: float, zero: float
) -> list[tuple[float, float]]:
    """(true delay, shown delay) in seconds, sampled every 0.2 s for ``seconds``; ``zero``
    is the monotonic time of the show clock's zero."""
    samples = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        frame = guest.read()
        if frame is not None:
            number = stamped_number(frame.image)
            sent = list(partner.sent)
            if 0 <= number < len(sent) and number >= len(sent) - 4 * FPS:
                samples.append((zero + frame.pts - sent[number], guest.stats().delay))
        time.sleep(0.2)
    return samples


def show_alone(url: str, seconds: float) -> tuple[int, int, int]:
    """The same show with no guest for ``seconds`` while the partner publishes to ``url``
    (its encoder busy on this machine as before): (frames made, ticks, late), the
    machine's own share of late and missing frames, to set the guest's against."""
    partner = Partner(url, size=(640, 360), fps=FPS, stamp=True)
    partner.start()
    clock = Clock()
    camera = np.full((SIZE[1], SIZE[0], 3), 90, np.uint8)
    programme = Programme(
        StillSource(camera, clock=clock),
        fps=FPS,
        keyer=None,
        size=SIZE,
        clock=clock,
        sound=ShowSound(clock=clock),
    )
    programme.show_look(Look(backdrop=Backdrop("#203040", SIZE, fit=True)))
    watch = Watch()
    programme.on_frame = watch
    programme.start()
    try:
        time.sleep(2.0)  # as the guest's run, counted from a steady show
        began, late = programme.stats().frames, programme.stats().late
        time.sleep(seconds)
        stats = programme.stats()
    finally:
        programme.close()
        partner.stop()
    ticks = watch.ticks[began : stats.frames]
    span = ticks[-1] - ticks[0] if ticks else 0.0
    return stats.frames - began, round(span * FPS) + 1, stats.late - late


def measure(cycles: int, outage: float) -> dict[str, object]:
    rows: list[tuple[float, float, float]] = []
    pairs: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        server = MediaServer(
            Path(folder) / "server", key="bench", rtmp_port=free_port(), http_port=free_port()
        )
        server.start()
        clock = Clock()
        zero = time.monotonic() - clock.now()
        url = f"rtmp://127.0.0.1:{server.rtmp_port}/live/guest"
        camera = np.full((SIZE[1], SIZE[0], 3), 90, np.uint8)
        programme = Programme(
            StillSource(camera, clock=clock),
            fps=FPS,
            keyer=None,
            size=SIZE,
            clock=clock,
            sound=ShowSound(clock=clock),
        )
        guest = GuestSource(url, name="Hawes Side", size=SIZE, clock=clock)
        programme.set_guest(guest)
        programme.show_look(
            Look(backdrop=Backdrop("#203040", SIZE, fit=True), guest=GuestLook.BESIDE)
        )
        watch = Watch()
        programme.on_frame = watch
        partner = Partner(f"{url}?key=bench", size=(640, 360), fps=FPS, stamp=True)
        try:
            programme.start()
            partner.start()
            watch.first("guest", time.monotonic(), timeout=60.0)
            began, late = programme.stats().frames, programme.stats().late
            for cycle in range(cycles):
                pairs += delays(guest, partner, 3.0, zero)
                killed = time.monotonic()
                partner.kill()
                card = watch.first("card", killed)
                time.sleep(max(0.0, killed + outage - time.monotonic()))
                partner = Partner(f"{url}?key=bench", size=(640, 360), fps=FPS, stamp=True)
                restarted = time.monotonic()
                partner.start()
                while not partner.on_air and time.monotonic() - restarted < 60.0:
                    time.sleep(0.02)
                up = time.monotonic()
                back = watch.first("guest", restarted)
                rows.append((card, back, back - (up - restarted)))
                print(
                    f"cycle {cycle + 1}: card after {card:.2f} s, back {back:.2f} s after the "
                    f"restart, {back - (up - restarted):.2f} s after its stream was up"
                )
            stats = programme.stats()
            ticks = watch.ticks[began:]
            made = stats.frames - began
            guest_stats = guest.stats()
            stage_ms = programme.compositor.timings["guest"].mean
        finally:
            partner.stop()
            programme.close()
        span = ticks[-1] - ticks[0] if ticks else 0.0
        try:
            alone = show_alone(f"{url}?key=bench", span)
        finally:
            server.stop()
    print(
        f"the show alone for {span:.0f} s: {alone[0]} frames over {alone[1]} ticks, {alone[2]} late"
    )
    return {
        "alone": alone,
        "stage_ms": stage_ms,
        "rows": rows,
        "pairs": pairs,
        "made": made,
        "late": stats.late - late,
        "expected": round(span * FPS) + 1,
        "losses": guest_stats.losses,
        "joins": guest_stats.joins,
    }


def section(result: dict[str, object], cycles: int, outage: float) -> str:
    rows = result["rows"]
    pairs = result["pairs"]
    assert isinstance(rows, list) and isinstance(pairs, list)
    cards = np.array([r[0] for r in rows])
    backs = np.array([r[1] for r in rows])
    ups = np.array([r[2] for r in rows])
    true = np.array([p[0] for p in pairs]) if pairs else np.array([np.nan])
    shown = np.array([p[1] for p in pairs]) if pairs else np.array([np.nan])
    lines = [
        "## A guest that comes and goes (RTMP through nginx on loopback)",
        "",
        f"The show 1280x720 at {FPS} fps with the guest's box beside the presenter; the "
        f"partner (640x360 at {FPS} fps, the real RTMP streamer) killed {cycles} times, "
        f"down for {outage:g} s each time, then started again. `python -m benchmarks.guest`",
        "",
        "| cycle | card shown after kill (s) | back after restart (s) | back after its "
        "stream was up (s) |",
        "|---|---|---|---|",
    ]
    lines += [f"| {i + 1} | {c:.2f} | {b:.2f} | {u:.2f} |" for i, (c, b, u) in enumerate(rows)]
    lines += [
        "",
        f"- card: worst {np.nanmax(cards):.2f} s (target {CARD_TARGET:g} s); back: worst "
        f"{np.nanmax(backs):.2f} s from the partner's restart (its encoder starting "
        f"included), {np.nanmax(ups):.2f} s from its stream being up again (target "
        f"{BACK_TARGET:g} s)",
        f"- the guest's delay, partner's encoder to due on our show (loopback, one clock): "
        f"median {np.nanmedian(true):.2f} s, worst {np.nanmax(true):.2f} s; the delay the "
        f"window showed meanwhile: median {np.nanmedian(shown):.2f} s (it sees the hold "
        "and how much later than the quickest pictures arrive, not the link's own time)",
        f"- the show: {result['made']} frames made over {result['expected']} ticks, "
        f"{result['late']} late, while the guest was lost {result['losses']} times and "
        f"joined {result['joins']} times (the guest's stage: {result['stage_ms']:.1f} ms a "
        "frame, over the last second)",
        "- the same show with no guest, for as long, just after (the partner publishing as "
        "before): {} frames made over {} ticks, {} late: the machine's own share".format(
            *result["alone"]  # type: ignore[misc]
        ),
    ]
    return "\n".join(lines) + "\n"


def run(*, quick: bool = False) -> str:
    cycles, outage = (2, 2.0) if quick else (5, 3.0)
    return section(measure(cycles, outage), cycles, outage)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    print(run(quick=parser.parse_args().quick))
