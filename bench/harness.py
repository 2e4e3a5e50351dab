"""Timing helpers shared by the benchmark modules: repeat, report min/median/max, peak memory."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Result:
    """One benchmark figure measured ``len(values)`` times."""

    name: str
    values: list[float]
    unit: str
    target: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def summary(self) -> dict:
        v = sorted(self.values)
        return {"min": v[0], "median": statistics.median(v), "max": v[-1], "n": len(v)}

    def line(self) -> str:
        s = self.summary
        fmt = (lambda x: f"{x:,.3f}") if s["max"] < 100 else (lambda x: f"{x:,.0f}")
        text = f"{self.name}: min {fmt(s['min'])} / median {fmt(s['median'])} / max {fmt(s['max'])} {self.unit}"
        text += f" (n={s['n']})"
        if self.target:
            text += f"  [target {self.target}]"
        if self.note:
            text += f"  {self.note}"
        return text


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def repeat(fn: Callable[[], object], times: int) -> list[float]:
    """Seconds taken by ``fn`` on each of ``times`` runs."""
    return [timed(fn)[0] for _ in range(times)]


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
