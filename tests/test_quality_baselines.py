"""The quality benchmark's competitors and its verdicts, on tiny scenes."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from benchmarks import baselines, metrics, quality
from benchmarks.scenes import SCENES, new_background
from kaizen_studio.core.errors import MissingFileError
from kaizen_studio.studio.synthetic import SceneFrame, SceneSpec, render_scene

SIZE = (160, 96)
needs_ffmpeg = pytest.mark.skipif(
    shutil.which("ffmpeg") is None, reason="ffmpeg is not installed (Debian package ffmpeg)"
)


def scene(**changes: object) -> SceneFrame:
    return render_scene(SceneSpec(**changes), size=SIZE)  # type: ignore[arg-type]


def far_from_edges(alpha: np.ndarray, value: float) -> np.ndarray:
    """Pixels whose 5x5 neighbourhood all has the true alpha ``value``."""
    mask = (alpha == value).astype(np.uint8)
    return cv2.erode(mask, np.ones((5, 5), np.uint8)).astype(bool)


@needs_ffmpeg
def test_ffmpeg_alphas_follow_similarity() -> None:
    frame = scene()
    key = tuple(float(c) for c in np.median(frame.screen[frame.alpha == 0], axis=0))
    tight, loose = baselines.ffmpeg_alphas(frame.image, key, [(0.01, 0.0), (0.6, 0.0)])
    assert tight.shape == loose.shape == frame.alpha.shape
    assert loose.sum() < tight.sum()  # a wider similarity keys more away


@needs_ffmpeg
def test_tuned_ffmpeg_keys_a_tiny_scene_well() -> None:
    frame = scene(spill=0.5)
    background = new_background(SIZE)
    truth = frame.composite_on(background)
    key = tuple(float(c) for c in np.median(frame.screen[frame.alpha == 0], axis=0))
    keyed = baselines.tuned_ffmpeg(
        frame.image,
        background,
        truth_alpha=frame.alpha,
        truth_composite=truth,
        key=key,
        screen="green",
    )
    assert keyed.alpha.shape == frame.alpha.shape and keyed.composite.shape == frame.image.shape
    assert keyed.alpha[far_from_edges(frame.alpha, 0.0)].max() < 0.05
    assert keyed.alpha[far_from_edges(frame.alpha, 1.0)].min() > 0.95
    assert metrics.psnr(keyed.composite, truth) > 30
    assert "similarity" in keyed.note and "blend" in keyed.note


def test_hsv_tutorial_keys_the_screen_and_the_green_jumper() -> None:
    background = new_background(SIZE)
    plain = scene()
    keyed = baselines.hsv_tutorial(plain.image, background, screen="green")
    assert set(np.unique(keyed.alpha)) <= {0.0, 1.0}  # a hard cut
    assert keyed.alpha[far_from_edges(plain.alpha, 0.0)].max() == 0.0
    assert keyed.alpha[far_from_edges(plain.alpha, 1.0)].mean() > 0.99
    np.testing.assert_array_equal(keyed.composite[keyed.alpha == 0], background[keyed.alpha == 0])
    green = scene(jumper="bottle_green")
    wrong = baselines.hsv_tutorial(green.image, background, screen="green")
    assert metrics.clothing_loss(wrong.alpha, green.green_clothing).share_keyed > 0.9
    blue = scene(screen="blue")
    keyed = baselines.hsv_tutorial(blue.image, background, screen="blue")
    assert keyed.alpha[far_from_edges(blue.alpha, 0.0)].max() == 0.0


def test_our_keyer_through_the_harness() -> None:
    frame = scene()
    background = new_background(SIZE)
    keyed = baselines.ours(frame.image, background)
    assert keyed.alpha.dtype == np.float32 and keyed.alpha.shape == frame.alpha.shape
    assert keyed.alpha.min() >= 0.0 and keyed.alpha.max() <= 1.0
    assert keyed.composite.dtype == np.uint8 and keyed.composite.shape == frame.image.shape
    assert metrics.sad(keyed.alpha, frame.alpha) < 0.1 * metrics.sad(1 - frame.alpha, frame.alpha)


def scores(sad: float, psnr: float, green: float = 0.0) -> metrics.Scores:
    clothing = metrics.ClothingLoss(green, green, 100 if green else 0)
    return metrics.Scores(sad, 0.0, 0.0, psnr, clothing, metrics.ErrorByRegion(0, 0, sad, 0))


def test_targets_report_failures_and_passes() -> None:
    rows = [
        quality.Row("a", "ours", scores(1.0, 40.0, green=0.01), ""),
        quality.Row("a", "ffmpeg (tuned)", scores(3.0, 35.0), ""),
        quality.Row("b", "ours", scores(1.0, 30.0, green=0.05), ""),
        quality.Row("b", "ffmpeg (tuned)", scores(2.0, 31.0), ""),
    ]
    verdicts = {label: (verdict, detail) for label, verdict, detail in quality.targets(rows)}
    sad, psnr, mean, green = (verdicts[k] for k in verdicts)
    assert sad[0] == "PASS"
    assert psnr == ("FAIL", "lost on: b")
    assert mean[0] == "PASS" and "40%" in mean[1]
    assert green[0] == "FAIL" and "(b)" in green[1]
    rows[0] = quality.Row("a", "ours", scores(9.0, 40.0), "")
    again = [verdict for _, verdict, _ in quality.targets(rows)]
    assert again[:3] == ["FAIL", "FAIL", "FAIL"]
    refused = [quality.Row("a", "ours", None, "refused"), rows[1]]
    assert any(
        v == "FAIL" and "keys every scene" in label for label, v, _ in quality.targets(refused)
    )


@needs_ffmpeg
def test_quality_run_end_to_end_on_one_tiny_scene(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(quality, "SCENES", SCENES[-1:])  # the scene with everything
    section = quality.run(size=(128, 72), dump=tmp_path)
    assert section.startswith("## Quality")
    assert "| classroom, green jumper | ours |" in section
    assert "| classroom, green jumper | ours + plate |" in section
    assert "| classroom, green jumper | ffmpeg (tuned) |" in section
    assert "| classroom, green jumper | hsv tutorial |" in section
    assert section.count("PASS") + section.count("FAIL") >= 4
    error = cv2.imread(str(tmp_path / "classroom-green-jumper_error-ours.png"))
    assert error is not None and error.shape == (72, 128, 3)
    assert (tmp_path / "classroom-green-jumper_alpha-ours-plate.png").is_file()
    assert len(list(tmp_path.glob("*.png"))) == 15  # camera, 2 truths, 3 per keyer
    assert not list(tmp_path.glob(".*"))  # no partial files left behind


def test_quality_dump_folder_must_exist(tmp_path: Path) -> None:
    with pytest.raises(MissingFileError, match="does not exist"):
        quality.run(size=(64, 36), dump=tmp_path / "missing")
