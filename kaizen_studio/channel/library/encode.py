"""The FFmpeg commands that make the library's MP4s, and the one place that runs them.

Every item ends as H.264 (x264, yuv420p, high profile, a keyframe every 2 s) and AAC
(48 kHz stereo; silence when the upload has none, so every screen gets the same kind of
file), with the index at the front (``+faststart``) so a browser starts playing at once.
FFmpeg (Debian's package) runs at low priority and reports its progress on stdout.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

VIDEO = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "22", "-profile:v", "high",
         "-pix_fmt", "yuv420p", "-g", "50"]  # fmt: skip
AUDIO = ["-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2"]
FINISH = ["-movflags", "+faststart", "-f", "mp4"]
SILENCE = ["-f", "lavfi", "-i", "anullsrc=channel_layout=stereo:sample_rate=48000"]


class EncodeError(RuntimeError):
    """FFmpeg failed; the message has its last words."""


@dataclass(frozen=True)
class Encoding:
    """The finished MP4's size and length (seconds, for the progress)."""

    width: int
    height: int
    seconds: float
    fps: int = 25

    def from_file(self, source: Path, out: Path, *, has_sound: bool) -> list[str]:
        """A film or recording re-encoded (scaled to ``width`` x ``height``)."""
        command = [*_ffmpeg(), "-i", str(source)]
        if not has_sound:
            command += SILENCE
        command += ["-map", "0:v:0", "-map", "0:a:0" if has_sound else "1:a:0", "-shortest"]
        command += ["-vf", f"scale={self.width}:{self.height},setsar=1", "-r", str(self.fps)]
        return [*command, *VIDEO, *AUDIO, *FINISH, str(out)]

    def from_frames(self, out: Path, *, sound: Path | None) -> list[str]:
        """BGR frames written to FFmpeg's input, with ``sound`` (or silence)."""
        command = [*_ffmpeg(), "-f", "rawvideo", "-pix_fmt", "bgr24"]
        command += ["-s", f"{self.width}x{self.height}", "-r", str(self.fps), "-i", "pipe:0"]
        command += ["-i", str(sound)] if sound is not None else SILENCE
        command += ["-map", "0:v:0", "-map", "1:a:0", "-t", f"{self.seconds:.3f}"]
        return [*command, *VIDEO, *AUDIO, *FINISH, str(out)]


def _ffmpeg() -> list[str]:
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise EncodeError("FFmpeg is not installed: sudo apt install ffmpeg")
    return [ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-y", "-threads", "2",
            "-progress", "pipe:1", "-nostats"]  # fmt: skip


def run_ffmpeg(
    command: list[str],
    encoding: Encoding,
    progress: Callable[[int], None],
    *,
    frames: Iterable[npt.NDArray[np.uint8]] | None = None,
) -> None:
    """Run ``command``, feeding it ``frames`` if given, calling ``progress`` with 0-99 as
    FFmpeg reports how far it is; EncodeError with FFmpeg's last line if it fails."""
    if frames is not None:
        command = [c for c in command if c != "-nostdin"]
    with tempfile.TemporaryFile() as said:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE if frames is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=said,
            preexec_fn=lambda: os.nice(10),  # screens and pages first
        )
        feeder = None
        if frames is not None:
            feeder = threading.Thread(target=_feed, args=(process, frames), daemon=True)
            feeder.start()
        assert process.stdout is not None
        for raw in process.stdout:
            line = raw.decode("ascii", "replace").strip()
            if line.startswith("out_time_us=") and encoding.seconds > 0:
                try:
                    done = int(line.split("=", 1)[1]) / 1e6
                except ValueError:
                    continue  # "N/A" before the first frame
                progress(max(0, min(99, int(100 * done / encoding.seconds))))
        code = process.wait()
        if feeder is not None:
            feeder.join()
        said.seek(0)
        words = said.read().decode("utf-8", "replace").strip().splitlines()
    if code != 0:
        last = words[-1] if words else f"exit status {code}"
        raise EncodeError(f"FFmpeg could not convert it: {last}")
    if words:
        log.info("FFmpeg said while converting: %s", words[-1])


def _feed(process: subprocess.Popen[bytes], frames: Iterable[npt.NDArray[np.uint8]]) -> None:
    assert process.stdin is not None
    try:
        for frame in frames:
            process.stdin.write(frame.tobytes())
    except BrokenPipeError:
        log.info("FFmpeg stopped reading frames (it says why on its error output)")
    finally:
        with contextlib.suppress(BrokenPipeError):  # FFmpeg gone: nothing left to flush
            process.stdin.close()
