"""``python -m benchmarks.truth2``."""

from benchmarks.truth2 import main

main()
