"""Autocue rendering speed at 1920x1080: laying out the strip once, then each frame.

``python -m benchmarks.autocue_render`` prints the figures; :func:`run` returns a markdown
section for RESULTS.md. A frame must cost well under 16 ms for 60 fps on the prompter.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from kaizen_studio.autocue.render import Look, Mirror, PrompterRenderer
from kaizen_studio.autocue.script import Script, load_script, parse_script

SOAP = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "autocue" / "soap.md"


def _script(repeats: int) -> Script:
    text = SOAP.read_text(encoding="utf-8") if SOAP.is_file() else "SARAH: Hello there.\n"
    return parse_script("\n\n".join([text] * repeats), source=str(SOAP))


def _ms_per_call(call: Callable[[int], object], count: int) -> float:
    call(0)  # warm the caches
    start = time.perf_counter()
    for index in range(count):
        call(index)
    return (time.perf_counter() - start) * 1000 / count


def run(*, quick: bool = False) -> str:
    """Measure and print; return a markdown section."""
    script = _script(4 if quick else 10)
    frames = 60 if quick else 300
    start = time.perf_counter()
    renderer = PrompterRenderer(script, width=1920, height=1080, look=Look(text_size=96))
    layout_ms = (time.perf_counter() - start) * 1000
    lines = len(renderer.layout.lines)
    step = lines / frames
    rows: list[tuple[str, float]] = []
    rows.append(("plain", _ms_per_call(lambda i: renderer.render(i * step), frames)))
    renderer.set_look(Look(text_size=96, mirror=Mirror.HORIZONTAL))
    rows.append(("mirrored", _ms_per_call(lambda i: renderer.render(i * step), frames)))
    renderer.set_look(Look(text_size=96, mirror=Mirror.BOTH))
    rows.append(("mirrored both ways", _ms_per_call(lambda i: renderer.render(i * step), frames)))
    rows.append(
        ("during the 3-2-1", _ms_per_call(lambda i: renderer.render(0.0, countdown=3), frames))
    )
    loaded = load_script(SOAP) if SOAP.is_file() else script
    print(f"layout of {lines} lines at 1920 wide, text 96 px: {layout_ms:.0f} ms", flush=True)
    for name, ms in rows:
        print(f"frame 1920x1080 {name}: {ms:.2f} ms", flush=True)
    table = "\n".join(f"| {name} | {ms:.2f} |" for name, ms in rows)
    return (
        "## Autocue rendering (1920x1080)\n\n"
        f"Script: the soap fixture ({loaded.words} words) repeated, {lines} laid-out lines at "
        f"96 px. Laying out and drawing the strip (once per text size, width or theme): "
        f"{layout_ms:.0f} ms. Each frame is a crop of the strip plus the reading line "
        f"({frames} frames each):\n\n| frame | ms per frame |\n|---|---|\n{table}\n"
    )


if __name__ == "__main__":
    run()
