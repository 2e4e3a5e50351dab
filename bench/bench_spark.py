"""``spark analyze`` in ``local[2]`` against the local path (import + analyze + cascade metrics), same input.

    python -m bench spark                    # 1,000,000 mentions, 3 runs of each path
    BENCH_SPARK_SIZES=1000000,10000000 nice -n 19 python -m bench spark --repeat 3
                                             # adds one 10M run of each (the 1M figures repeated, the 10M once)
    BENCH_SPARK_SKEW_NODES=0 python -m bench spark    # without the one-cascade-of-a-million run

Figures: mentions per second and per core (``local[2]``: two cores; the local path scores on every core
too), mentions per CPU-second (the CPU time of every process of the run: on a shared machine, or under
``nice``, the wall clock measures the neighbours; CPU time measures the work), and the peak memory of each process of the Spark run — the JVM (driver and executor in local mode,
heap capped by ``spark.driver.memory``) and the largest Python worker — so that 1M and 10M can be compared:
bounded memory means these stay flat while the input grows tenfold. The input is synthetic JSON Lines
(``mentions``): a third of the mentions are reshares or replies of an earlier one of the same source, a
reshare repeats its original's text (as on the platforms), and cascades are heavy-tailed.
"""

from __future__ import annotations

import os
import resource
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.harness import Result, timed
from diffusion.virality import roots_and_depths

CORES = 2
WORDS = ("lumio lamp glow love hate broken shipping fast slow great awful surprise light strip app update bright "
         "warm cozy dead refund support waited weeks finally works perfect terrible happy sad 루미오 좋아요 별로 "
         "최고 최악 배송 느려요 예뻐요").split()


def write_mentions(path: Path, n: int, seed: int = 3, chunk: int = 1_000_000) -> None:
    """``n`` synthetic mentions in JSON Lines at ``path`` (see the module docstring)."""
    rng = np.random.default_rng(seed)
    # Heavy-tailed cascades: a share picks an earlier mention, mostly a recent one, sometimes far back.
    share = rng.random(n) < 0.35
    index = np.arange(n)
    back = np.minimum(index, (rng.pareto(1.2, n) * 20).astype(np.int64) + 1)
    parent = np.where(share & (index > 0), index - back, -1)
    root, depth, _ = roots_and_depths(parent)
    pool_size = max(1000, n // 3)
    words = np.array(WORDS, dtype=object)
    pool = np.array([" ".join(words[rng.integers(0, len(words), 9)]) for _ in range(pool_size)], dtype=object)
    sources = np.array(["x", "reddit", "bluesky"], dtype=object)
    brands = np.array(["Lumio", "Kandela", "Novalux"], dtype=object)
    seconds = np.sort(rng.integers(0, 90 * 86400, n))
    start = pd.Timestamp("2026-01-05", tz="UTC")
    with path.open("w", encoding="utf-8") as fh:
        for lo in range(0, n, chunk):
            hi = min(n, lo + chunk)
            at = index[lo:hi]
            frame = pd.DataFrame({
                "id": [f"m{i}" for i in at],
                "source": sources[root[at] % 3],
                "created_at": (start + pd.to_timedelta(seconds[lo:hi], unit="s")).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "text": pool[(root[at] * 2654435761) % pool_size],
                "author_id": [f"u{u}" for u in rng.integers(0, max(n // 20, 1), hi - lo)],
                "parent_id": [f"m{p}" if p >= 0 else None for p in parent[lo:hi]],
                "kind": np.where(parent[lo:hi] >= 0, "share", "post"),
                "likes": rng.poisson(3, hi - lo),
                "brand": brands[root[at] % 3],
            })
            fh.write(frame.to_json(orient="records", lines=True, force_ascii=False))
    del depth


class PeakMemory:
    """Samples the resident memory of a process tree every half second; keeps each process's peak, and its
    CPU seconds (user + system) at the last sample (``cpu_seconds``: the whole tree's)."""

    def __init__(self, pid: int):
        self.pid, self.peaks, self.cpu, self._stop = pid, {}, {}, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._tick = os.sysconf("SC_CLK_TCK")

    def __enter__(self):
        self._sample()
        self._start = dict(self.cpu)  # the CPU the tree had used before the measured call
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu.values()) - sum(self._start.get(pid, 0.0) for pid in self.cpu)

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(entry))
        out, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            todo.extend(children.get(pid, []))
        return out

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self._sample()

    def _sample(self) -> None:
        for pid in self._tree():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                name = Path(f"/proc/{pid}/comm").read_text().strip()
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            rss = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            key = (pid, name)
            self.peaks[key] = max(self.peaks.get(key, 0), rss / 1024)
            self.cpu[pid] = (int(fields[11]) + int(fields[12])) / self._tick  # utime + stime

    def largest(self, name: str) -> float:
        return max((mb for (_, comm), mb in self.peaks.items() if comm.startswith(name)), default=0.0)


def _own_cpu() -> float:
    """CPU seconds of this process and of its children that have ended."""
    own, ended = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + ended.ru_utime + ended.ru_stime


def spark_run(path: Path, out: Path) -> tuple[float, float, float, int, float]:
    """Seconds, JVM peak MB, largest Python worker peak MB, mentions written, and CPU seconds (the JVM, its
    Python workers and the driver) for one ``spark analyze`` (the seconds of each step are printed: where a
    bigger input will spend its time)."""
    from viralscope.spark import job

    spark = job.session(f"local[{CORES}]", {
        "spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false", "spark.driver.memory": "3g",
        "spark.sql.shuffle.partitions": "16",
    })
    spark.sparkContext.setLogLevel("ERROR")
    jvm = spark.sparkContext._gateway.proc.pid
    try:
        driver = _own_cpu()
        with PeakMemory(jvm) as memory:
            seconds, summary = timed(lambda: job.analyze(spark, str(path), str(out)))
        driver = _own_cpu() - driver
    finally:
        spark.stop()
    _say(f"steps: {summary.steps}")
    return seconds, memory.largest("java"), memory.largest("python"), summary.mentions, memory.cpu_seconds + driver


def local_run(path: Path, db: Path) -> tuple[float, dict]:
    """Seconds of the local path on the same file: import, analyze, and the cascade metrics of every cascade
    (``parts`` has each, and ``cpu``: the CPU seconds of this process and its ended children)."""
    from diffusion.cascades import cascade_metrics
    from viralscope import ingest, pipeline
    from viralscope.store import Store

    store = Store(db)
    parts, cpu = {}, _own_cpu()
    parts["import"], _ = timed(lambda: ingest.import_file(store, path))
    parts["analyze"], _ = timed(lambda: pipeline.analyze(store))
    parts["cascades"], _ = timed(lambda: cascade_metrics(store.mentions(
        ["id", "source", "created_at", "parent_id", "parent_resolved", "cascade_id", "depth"])))
    seconds = sum(parts.values())
    parts["cpu"] = _own_cpu() - cpu
    return seconds, parts


def skew_run(n: int) -> tuple[float, float, float]:
    """Seconds, JVM and largest Python worker peak MB for one cascade of ``n`` mentions (distributed path)."""
    from tests.test_spark_skew import heavy_cascade
    from viralscope.spark import cascades, job, links

    spark = job.session(f"local[{CORES}]", {
        "spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false", "spark.driver.memory": "3g",
        "spark.sql.shuffle.partitions": "16",
    })
    spark.sparkContext.setLogLevel("ERROR")
    frame = heavy_cascade(n)
    schema = ("source string, id string, parent_id string, created_at timestamp_ntz, author_id string, "
              "author_name string, author_followers long, kind string, brand string")
    try:
        mentions = spark.createDataFrame(frame.astype({"author_followers": "Int64"}), schema).localCheckpoint(eager=True)
        with PeakMemory(spark.sparkContext._gateway.proc.pid) as memory:
            def measure():
                resolved, _ = links.resolve_links(mentions)
                table, big = cascades.cascade_table(mentions.join(resolved, ["source", "id"]))
                assert big == 1
                return table.collect()

            seconds, _ = timed(measure)
    finally:
        spark.stop()
    return seconds, memory.largest("java"), memory.largest("python")


def _say(text: str) -> None:
    print("    " + text, flush=True)


def run(args) -> list[Result]:
    sizes = [int(s) for s in os.environ.get("BENCH_SPARK_SIZES", "1000000").split(",")]
    if args.quick:
        sizes = [50_000]
    results = []
    for n in sizes:
        repeats = 1 if args.quick or n > 1_000_000 else args.repeat
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "mentions.jsonl"
            started = time.perf_counter()
            write_mentions(path, n)
            note = f"input {path.stat().st_size / 1e9:.2f} GB written in {time.perf_counter() - started:.0f} s"
            rates, jvm, workers, cpu = [], [], [], []
            for i in range(repeats):
                seconds, java_mb, python_mb, written, cpu_s = spark_run(path, Path(tmp) / f"out{i}")
                assert written == n
                _say(f"spark {n:,}: {seconds:.0f} s, {cpu_s:.0f} CPU s, JVM {java_mb:.0f} MB, Python worker {python_mb:.0f} MB")
                rates.append(n / seconds)
                jvm.append(java_mb)
                workers.append(python_mb)
                cpu.append(n / cpu_s)
            results.append(Result(f"spark analyze {n:,} mentions, local[{CORES}]", rates, "mentions/s", note=note))
            results.append(Result(f"  per core ({n:,})", [r / CORES for r in rates], "mentions/s per core"))
            results.append(Result(f"  per CPU-second ({n:,})", cpu, "mentions per CPU-s"))
            results.append(Result(f"  JVM peak memory ({n:,}; driver = executor in local mode, heap 3g)", jvm, "MB"))
            results.append(Result(f"  largest Python worker peak memory ({n:,})", workers, "MB"))
            local, split = [], []
            for i in range(repeats):
                seconds, parts = local_run(path, Path(tmp) / f"local{i}.duckdb")
                _say(f"local {n:,}: {seconds:.0f} s {parts}")
                local.append(n / seconds)
                split.append(parts)
            detail = "; ".join(f"{k} {np.median([p[k] for p in split]):.0f} s" for k in split[0])
            results.append(Result(f"local path (import + analyze + cascade metrics) {n:,} mentions", local,
                                  "mentions/s", note=detail))
            results.append(Result(f"  local per core ({n:,})", [r / CORES for r in local], "mentions/s per core"))
            results.append(Result(f"  local per CPU-second ({n:,})", [n / p["cpu"] for p in split], "mentions per CPU-s"))
    nodes = 20_000 if args.quick else int(os.environ.get("BENCH_SPARK_SKEW_NODES", "1000000"))
    if nodes:
        seconds, java_mb, python_mb = skew_run(nodes)
        note = f"JVM peak {java_mb:.0f} MB, largest Python worker peak {python_mb:.0f} MB"
        results.append(Result(f"one cascade of {nodes:,} mentions, links + metrics on the distributed path", [seconds],
                              "s", note=note))
    return results
