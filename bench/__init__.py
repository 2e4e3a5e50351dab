"""Benchmarks (``make bench``): each ``bench/bench_*.py`` module defines ``run(args) -> list[Result]``."""
