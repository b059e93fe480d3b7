"""The show ``studio live`` runs: headless, reporting its figures, ending properly.

:func:`run_show` starts the camera (or a video file, or the demo presenter, drawn first),
the programme with its sound, guest and outputs (the recording and the stream share one
encoder; the clean camera and the virtual camera are outputs of their own), says the
figures on stderr every 5 s (and runs a kidsmeet's typed commands), and when the show ends
finishes every recording, then says how each went. Its exit status: 0, 2 when the server
refused the stream or another show holds its name, 1 when a recording did not finish.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from kaizen_studio.broadcast import (
    BroadcastOutput,
    OutputState,
    OutputStats,
    Recorder,
    SafeVirtualCamera,
)
from kaizen_studio.core.clock import Clock
from kaizen_studio.core.errors import DeviceError
from kaizen_studio.core.media import SourceState
from kaizen_studio.keying import Keyer
from kaizen_studio.studio.backdrop import VIDEO_SUFFIXES
from kaizen_studio.studio.guest_look import GuestLook
from kaizen_studio.studio.kidsmeet.meet import Kidsmeet, status_line
from kaizen_studio.studio.kidsmeet.typed import HELP, TypedCommands
from kaizen_studio.studio.pipeline import Programme
from kaizen_studio.studio.scenes import look_for
from kaizen_studio.studio.show import Scene, Show
from kaizen_studio.studio.show_record import start_show
from kaizen_studio.studio.sound import ShowSound
from kaizen_studio.studio.sources import CameraSource, DemoPresenterSource, VideoFileSource
from kaizen_studio.studio.sources.guest import GuestSource

FIRST_PICTURE_WAIT = 60.0
"""Seconds the show may take to make its first picture (the presenter drawn, the keyer
compiled) before --seconds starts counting anyway."""


def guest_from(args: argparse.Namespace, show: Show, clock: Clock) -> GuestSource | None:
    """The guest the command line (or else the show file) names; InputError if its
    address is wrong."""
    if args.guest:
        name = args.guest_name or "our guest"
        return GuestSource(args.guest, name=name, size=show.size, clock=clock)
    if show.guest is not None:
        return GuestSource(show.guest[0], name=show.guest[1], size=show.size, clock=clock)
    return None


def guest_line(guest: GuestSource) -> str:
    """The guest's state and figures in one line."""
    seen = guest.stats()
    return (
        f"guest {guest.name}: {seen.state.value}, {seen.frames} pictures, {seen.delay:.1f} s "
        f"delay, lost {seen.losses} times"
    )


def report_stream(stats: OutputStats) -> None:
    print(f"live: stream: {stats.message}", file=sys.stderr)


def run_show(
    args: argparse.Namespace,
    show: Show,
    scene: Scene,
    stream: str | None,
    finished: threading.Event,
) -> int:
    """Run ``show`` from ``scene`` as ``args`` say, sending to ``stream`` (the address with
    its key) if given, until ``finished`` is set or ``--seconds`` have passed; the exit
    status (see the module's docstring)."""
    clock = Clock()
    guest = guest_from(args, show, clock)
    source: DemoPresenterSource | CameraSource | VideoFileSource
    if Path(args.camera).suffix.lower() in VIDEO_SUFFIXES:
        source = VideoFileSource(args.camera, clock=clock)
    elif args.camera == "demo":
        presenter = DemoPresenterSource(size=show.size, fps=show.fps, clock=clock)
        presenter.start()
        while not presenter.ready:  # draw the presenter's loop before going live
            print(
                f"live: drawing the demo presenter {presenter.drawn}/{presenter.loop_frames}",
                file=sys.stderr,
            )
            if presenter.stats().state is SourceState.FAILED:
                presenter.close()
                raise DeviceError(presenter.stats().message)
            if finished.wait(1.0):
                presenter.close()
                print("live: stopped before the show began", file=sys.stderr)
                return 0
        source = presenter
    else:
        source = CameraSource(args.camera, clock=clock)
    sound = ShowSound(clock=clock, microphone=args.microphone)
    programme = Programme(
        source, fps=show.fps, keyer=Keyer(), size=show.size, clock=clock, sound=sound
    )
    programme.set_guest(guest)
    guest_look = GuestLook.named(args.guest_look) if guest is not None else GuestLook.OFF
    on_air = threading.Event()  # the server has the stream: the LIVE badge shows
    programme.show_look(
        look_for(scene, show.size, now=clock.now(), guest=guest_look, on_air=on_air.is_set)
    )
    camera_recorder = None
    broadcast = None  # recording and streaming share one encoder

    def stream_status(stats: OutputStats) -> None:
        report_stream(stats)
        if stats.state is OutputState.ON_AIR:
            on_air.set()
        else:
            on_air.clear()
        if stats.state.final and stats.state is not OutputState.STOPPED:
            finished.set()  # refused, the name taken: the show stops and says why

    if args.record or stream:
        broadcast = BroadcastOutput(
            record=args.record,
            stream=stream,
            width=show.size[0],
            height=show.size[1],
            fps=show.fps,
            on_status=stream_status if stream else None,
        )
        programme.add_output(broadcast)
    if args.record_camera:
        width, height = source.size
        camera_recorder = Recorder(args.record_camera, width=width, height=height, fps=show.fps)
        programme.add_output(camera_recorder, feed="camera")
    camera = None
    if args.virtual_camera:
        camera = SafeVirtualCamera(show.size[0], show.size[1], show.fps)
        programme.add_output(camera, mode="latest")
    print(
        f"live: {show.title}, scene '{scene.name}', {show.size[0]}x{show.size[1]} at "
        f"{show.fps} fps; Ctrl+C to stop",
        file=sys.stderr,
    )
    record = start_show(show.title, f"studio live, scene {scene.name}")
    typed = None
    if args.order is not None:
        meet = Kidsmeet(
            args.order, lambda: programme, clock=clock, playlist=args.playlist, size=show.size
        )
        typed = TypedCommands(meet, sys.stdin, sys.stdout)
        typed.start()
        print(f"live: kidsmeet {args.order.title}, {len(args.order.talks)} talks; {HELP}")
    try:
        programme.start()
        waited = clock.now()  # --seconds counts from the first picture made, however busy
        while programme.stats().frames == 0 and clock.now() - waited < FIRST_PICTURE_WAIT:
            if finished.wait(0.05):
                break
        started = clock.now()
        print(f"live: sound: {sound.status}", file=sys.stderr)
        every = 5.0 if args.seconds is None else min(5.0, args.seconds)
        reported = clock.now()
        while not finished.wait(every if typed is None else 0.1):
            if typed is not None:
                typed.poll()
                if clock.now() - reported < every:
                    continue
                reported = clock.now()
                print(status_line(typed.meet.status()), file=sys.stderr)
            stats = programme.stats()
            print(
                f"live: {stats.frames} frames, {stats.late} late, CPU {stats.cpu:.0%}, "
                f"sound {sound.level_db:.0f} dBFS; {stats.timings}; {stats.message}"
                + (f"; {stats.stepped}" if stats.stepped else ""),
                file=sys.stderr,
            )
            if guest is not None:
                print(f"live: {guest_line(guest)}", file=sys.stderr)
            if args.seconds is not None and clock.now() - started >= args.seconds:
                break
    finally:
        heard = sound.status
        programme.close()
        record.stop(programme, [broadcast, camera_recorder])
    stats = programme.stats()
    print(f"live: sound: {heard}", file=sys.stderr)
    print(
        f"live: ended after {stats.frames} frames ({stats.late} late); {stats.timings}; "
        f"{stats.message}",
        file=sys.stderr,
    )
    code = 0
    if broadcast is not None and stream:
        sent = broadcast.stream_stats()
        print(
            f"live: stream: {sent.frames_sent} frames sent, {sent.frames_dropped} dropped, "
            f"{sent.reconnects} reconnects",
            file=sys.stderr,
        )
        if sent.state in (OutputState.REFUSED, OutputState.NAME_TAKEN):
            print(f"live: {sent.message}", file=sys.stderr)
            code = 2
    if camera is not None and camera.error:
        print(f"live: virtual camera: {camera.error}", file=sys.stderr)
    recordings = [broadcast.recording_stats() if broadcast and args.record else None]
    recordings.append(camera_recorder.stats() if camera_recorder else None)
    for rec in recordings:
        if rec is not None:
            print(
                f"live: {rec.message} ({rec.frames_sent} frames, {rec.frames_dropped} dropped)",
                file=sys.stderr,
            )
            code = code or (0 if rec.state is OutputState.STOPPED else 1)
    return code
