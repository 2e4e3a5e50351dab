"""What the Spark tests share: one local Spark session, and a small demo world analysed both ways.

The session is made once per test run (starting Spark takes seconds). Tests skip with the reason when
``pyspark`` is not installed (``pip install -e '.[spark]'``, which ``make test`` does) or Java is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

from viralscope import ingest, pipeline, tables
from viralscope.store import Store

DEMO = {"scale": 3000, "days": 56, "seed": 7}
#: Cascades above this size go to the distributed path in the demo run, so both paths are compared.
DEMO_BIG_CASCADE = 40
WINDOW = "2026-01-26..2026-02-09"
#: Why the Spark tests skip where pyspark is missing.
NO_PYSPARK = "pyspark is not installed (pip install -e '.[spark]'; make test installs it)"


def _skip_reason() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return NO_PYSPARK
    # Spark's launcher runs $JAVA_HOME/bin/java when JAVA_HOME is set, else java from PATH.
    java_home = os.environ.get("JAVA_HOME")
    java = Path(java_home, "bin", "java").exists() if java_home else shutil.which("java") is not None
    if not java:
        where = f"JAVA_HOME={java_home} has no bin/java" if java_home else "no java on PATH and JAVA_HOME unset"
        return f"Java is not installed (Spark needs Java 17 or later; {where})"
    return None


@pytest.fixture(scope="session")
def spark():
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    from viralscope.spark import job

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = job.session("local[2]", {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": "4",
        "spark.default.parallelism": "2",
    })
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def toml(config: dict) -> str:
    """The demo world's saved configuration as a TOML file (strings in JSON syntax are valid TOML strings)."""

    def value(v):
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return json.dumps(v, ensure_ascii=False) if isinstance(v, str) else repr(v).lower() if isinstance(v, bool) else repr(v)

    def table(d: dict) -> list[str]:
        return [f"{json.dumps(k)} = {value(v)}" for k, v in d.items() if not isinstance(v, dict)]

    lines = []
    for key, item in config.items():
        if isinstance(item, list) and item and isinstance(item[0], dict):
            for entry in item:
                lines += [f"[[{key}]]", *table(entry)]
        elif isinstance(item, dict):
            lines += [f"[{key}]", *table(item)]
            for sub, inner in item.items():
                if isinstance(inner, dict):
                    lines += [f"[{key}.{sub}]", *table(inner)]
        else:
            lines.insert(0, f"{key} = {value(item)}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def demo(tmp_path_factory, spark):
    """A demo store analysed locally, its export in JSON Lines, and ``spark analyze`` of that export.

    Returns a dict: ``store``, ``jsonl``, ``config`` (TOML path), ``conversions`` (CSV path), ``output``
    (the Spark output directory) and ``summary`` (the run's :class:`~viralscope.spark.job.RunSummary`).
    """
    from viralscope.demo.install import install
    from viralscope.demo.world import build_world
    from viralscope.spark import job

    root = tmp_path_factory.mktemp("spark-demo")
    store = Store(root / "demo.duckdb")
    install(store, build_world(**DEMO))
    pipeline.analyze(store)
    jsonl = root / "mentions.jsonl"
    from viralscope.export import write_table

    write_table(tables.mentions(store), "jsonl", jsonl)
    config = root / "viralscope.toml"
    config.write_text(toml(store.get_meta("config")), encoding="utf-8")
    conversions = root / "conversions.csv"
    business = store.conversions()
    business["date"] = pd.to_datetime(business["date"]).dt.strftime("%Y-%m-%d")
    business.to_csv(conversions, index=False)
    output = root / "spark-out"
    summary = job.analyze(spark, str(jsonl), str(output), conversions=str(conversions), big_cascade=DEMO_BIG_CASCADE)
    return {"store": store, "jsonl": jsonl, "config": config, "conversions": conversions, "output": output,
            "summary": summary}


def local_import(path: Path, root: Path) -> Store:
    """The local path on the same file: import into a fresh store (the reference the Spark run must equal)."""
    store = Store(root / "local.duckdb")
    ingest.import_file(store, path)
    return store
