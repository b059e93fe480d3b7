"""Speed and quality benchmarks; ``python -m benchmarks`` runs them and writes RESULTS.md."""
