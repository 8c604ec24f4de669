"""Benchmarks. Run from the repo root, e.g. ``python -m bench.bench_report``."""
