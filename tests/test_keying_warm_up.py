"""The keyer's compiled passes are ready before a show's first picture."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_warm_up_compiles_into_an_empty_cache_and_later_loads_it(tmp_path: Path) -> None:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    command = [sys.executable, "-c", "from kaizen_studio.keying import warm_up; warm_up()"]

    def cached() -> dict[str, int]:
        return {str(p): p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}

    subprocess.run(command, env=env, check=True, timeout=120)
    first = cached()
    assert any(name.endswith(".nbi") for name in first), "nothing was cached"
    subprocess.run(command, env=env, check=True, timeout=120)
    assert cached() == first  # loaded, not compiled again
