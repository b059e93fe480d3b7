"""Loudness of a vodcast's sound: brought to the podcast norm by FFmpeg's own ``loudnorm``
filter and measured by its ``ebur128`` filter (EBU R128 / ITU-R BS.1770), through PyAV's
filter graphs."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

TARGET_LUFS = -16.0
"""Integrated loudness of a vodcast: the podcast norm (Apple, Spotify, AES TD1004)."""

TRUE_PEAK_DBTP = -1.5
"""The highest true peak the loudness filter lets through."""

LOUDNESS_TOLERANCE_LU = 1.0
"""How far the finished file's measured loudness may be from the target and be 'on it'."""

SAMPLE_RATE = 48000
"""The sound's sample rate in a vodcast."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Loudness:
    """Integrated loudness (LUFS) and highest true peak (dBTP) of a piece of sound."""

    integrated: float
    true_peak: float


class Leveller:
    """The take's sound from ``start`` to ``end`` through FFmpeg's ``loudnorm`` (to the
    target loudness, true peaks limited), as blocks of 48 kHz stereo float32."""

    def __init__(self) -> None:
        self.graph: av.filter.Graph | None = None
        self.resampler = av.AudioResampler(format="fltp", layout="stereo", rate=SAMPLE_RATE)
        self.fed = 0

    def push(self, frame: av.AudioFrame, start: float, end: float) -> Iterator[np.ndarray]:
        for part in self.resampler.resample(frame):
            t = float(part.pts * part.time_base) if part.pts is not None else self.fed
            samples = part.to_ndarray().T  # samples x 2
            first = max(0, math.ceil((start - t) * SAMPLE_RATE))
            last = min(samples.shape[0], math.floor((end - t) * SAMPLE_RATE))
            if last > first:
                yield from self._filter(samples[first:last])

    def finish(self) -> Iterator[np.ndarray]:
        if self.graph is None:
            return
        self.graph.push(None)
        yield from self._pull()

    def _filter(self, samples: np.ndarray) -> Iterator[np.ndarray]:
        if self.graph is None:
            self.graph = loudnorm_graph()
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(samples.T, dtype=np.float32), format="fltp", layout="stereo"
        )
        frame.sample_rate, frame.time_base = SAMPLE_RATE, Fraction(1, SAMPLE_RATE)
        frame.pts = self.fed
        self.fed += samples.shape[0]
        self.graph.push(frame)
        yield from self._pull()

    def _pull(self) -> Iterator[np.ndarray]:
        assert self.graph is not None
        while True:
            try:
                out = self.graph.pull()
            except (av.BlockingIOError, av.EOFError):
                return
            assert isinstance(out, av.AudioFrame)
            yield out.to_ndarray().T.astype(np.float32)


def loudnorm_graph() -> av.filter.Graph:
    graph = av.filter.Graph()
    source = graph.add_abuffer(
        format="fltp", sample_rate=SAMPLE_RATE, layout="stereo", time_base=Fraction(1, SAMPLE_RATE)
    )
    chain = [
        source,
        graph.add("loudnorm", f"I={TARGET_LUFS}:TP={TRUE_PEAK_DBTP}:LRA=11"),
        graph.add("aresample", str(SAMPLE_RATE)),
        graph.add("aformat", "sample_fmts=fltp:channel_layouts=stereo"),
        graph.add("abuffersink"),
    ]
    for a, b in itertools.pairwise(chain):
        a.link_to(b)
    graph.configure()
    return graph


def measure_loudness(path: str | Path) -> Loudness | None:
    """The integrated loudness and true peak of the sound of file ``path``, measured by
    FFmpeg's ``ebur128`` filter; None when it has no sound or only silence."""
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        graph = av.filter.Graph()
        resampler = av.AudioResampler(format="fltp", layout="stereo", rate=SAMPLE_RATE)
        source = graph.add_abuffer(
            format="fltp",
            sample_rate=SAMPLE_RATE,
            layout="stereo",
            time_base=Fraction(1, SAMPLE_RATE),
        )
        meter = graph.add("ebur128", "metadata=1:peak=true")
        sink = graph.add("abuffersink")
        source.link_to(meter)
        meter.link_to(sink)
        graph.configure()
        last: dict[str, str] = {}
        for frame in container.decode(stream):
            for part in resampler.resample(frame):
                graph.push(part)
                last = _drain(graph) or last
        graph.push(None)
        last = _drain(graph) or last
    integrated = float(last.get("lavfi.r128.I", "-inf"))
    if not math.isfinite(integrated) or integrated < -69:
        return None
    return Loudness(
        integrated=integrated, true_peak=_db(float(last.get("lavfi.r128.true_peak", "0")))
    )


def _drain(graph: av.filter.Graph) -> dict[str, str]:
    latest: dict[str, str] = {}
    while True:
        try:
            frame = graph.pull()
        except (av.BlockingIOError, av.EOFError):
            return latest
        latest = dict(frame.metadata) or latest


def _db(linear: float) -> float:
    return 20 * math.log10(linear) if linear > 0 else -math.inf
