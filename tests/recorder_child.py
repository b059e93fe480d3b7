"""Run by the recorder tests in a child process: record numbered frames until told to stop
(or killed), optionally with a file-size limit standing in for a full disk."""

from __future__ import annotations

import json
import resource
import signal
import sys
import time

import numpy as np

from kaizen_studio.broadcast.recorder import Recorder
from kaizen_studio.core.media import AudioBlock, VideoFrame


def main() -> None:
    path, seconds, limit = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    if limit:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    recorder = Recorder(path, width=320, height=240, fps=25)
    recorder.start()
    rng = np.random.default_rng(0)
    started = time.monotonic()
    i = 0
    while time.monotonic() - started < seconds:
        picture = rng.integers(0, 255, (240, 320, 3), np.uint8)  # noise: large packets
        recorder.send(VideoFrame(picture, i / 25, i))
        recorder.send_audio(AudioBlock(np.zeros((1920, 2), np.float32), 48000, i / 25))
        i += 1
        print(i, flush=True)
        time.sleep(max(0.0, started + i / 25 - time.monotonic()))  # the show's pace
    recorder.stop()
    stats = recorder.stats()
    print(
        json.dumps({"state": stats.state, "message": stats.message, "sent": stats.frames_sent}),
        flush=True,
    )


if __name__ == "__main__":
    main()
