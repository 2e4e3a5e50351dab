"""``spark analyze``: mentions in the contract → Parquet datasets with sentiment, cascades and daily counts.

The steps, each the local path's own rule (see the modules named):

1. read and check every row (:mod:`viralscope.spark.read`; bad rows → ``rejected/``);
2. merge repeated ids and resolve dirty parent links (:mod:`viralscope.spark.links`);
3. score sentiment with ``sentiment.score`` in an iterator pandas UDF: the scorers are built once per Python
   worker (Spark reuses its workers), not once per batch;
4. measure every cascade (:mod:`viralscope.spark.cascades`);
5. write ``mentions/`` (partitioned by day, sorted by time within each file so DuckDB skips row groups),
   ``cascades/``, ``daily/``, ``rejected/``, ``conversions/`` (with ``--conversions``) and, last, ``meta/``:
   a reader that finds no ``meta/`` knows the job did not finish (it is removed when a run starts).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import sys
import time
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

import pandas as pd
from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.types import StructType

from viralscope import readers
from viralscope.core import settings as env
from viralscope.core.errors import InputError, Problem
from viralscope.spark import cascades as cascading
from viralscope.spark import links, read
from viralscope.store import SCHEMA_VERSION
from viralscope.tables import MENTION_EXPORT_COLUMNS

__all__ = ["DATASETS", "RunSummary", "analyze", "session"]

# PySpark 4.3 warns on every pandas UDF that it does not fully support pandas >= 3. The pandas calls the job
# makes inside UDFs are tested (tests/test_spark_*.py); the one trap found is handled in spark/frames.py.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)

#: The datasets a run writes under its output directory.
DATASETS = ("mentions", "cascades", "daily", "rejected", "conversions", "meta")
SENTIMENT_SCHEMA = "compound double, label string, lang string, scored boolean, model string"
#: What ``meta/`` holds besides the store's schema version: the run's summary and the pseudonym key.
RUN_KEY = "spark_run"
_MENTION_COLUMNS = [*MENTION_EXPORT_COLUMNS, "extra", "parent_resolved", "sentiment_scored", "sentiment_model",
                    "first_seen_at", "updated_at"]


def session(master: str | None = None, conf: dict[str, str] | None = None, app: str = "viralscope") -> SparkSession:
    """A Spark session set up for the job (UTC everywhere, Arrow on, Parquet times in microseconds).

    ``master`` None keeps what ``spark-submit`` set, or ``local[*]`` outside it. In local mode the Python
    workers are this interpreter: Spark would otherwise start ``python3`` from PATH, which lacks our packages.
    """
    builder = SparkSession.builder.appName(app)
    if master:
        builder = builder.master(master)
    # Under spark-submit (which starts this driver through a gateway it names) the cluster's settings decide.
    local = master.startswith("local") if master else env.value("PYSPARK_GATEWAY_PORT") is None
    if local:
        env.provide("PYSPARK_PYTHON", sys.executable)
    settings = {
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        "spark.sql.adaptive.enabled": "true",
        "spark.sql.adaptive.skewJoin.enabled": "true",
        **(conf or {}),
    }
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


@dataclass
class RunSummary:
    """What one run did; written to ``meta/`` and printed by the command."""

    input: str
    output: str
    format: str
    rows: int = 0
    rejected: int = 0
    mentions: int = 0
    duplicates: int = 0
    several_parents: int = 0
    links: dict = field(default_factory=dict)
    link_rounds: int = 0
    cascades: int = 0
    big_cascades: int = 0
    conversions: int = 0
    started_at: str = ""
    seconds: float = 0.0
    #: Seconds spent in each step (where a big input spends its time; see docs/scale.md).
    steps: dict = field(default_factory=dict)

    def line(self) -> str:
        parts = [f"{self.input}: {self.rows:,} rows → {self.mentions:,} mentions, {self.cascades:,} cascades "
                 f"in {self.output}"]
        if self.rejected:
            parts.append(f"{self.rejected:,} rows rejected (see rejected/)")
        if self.duplicates:
            parts.append(f"{self.duplicates:,} repeated rows merged")
        if self.several_parents:
            parts.append(f"{self.several_parents:,} with several parents (earliest kept)")
        if self.links:
            parts.append("links repaired: " + ", ".join(f"{flag} {count:,}" for flag, count in sorted(self.links.items())))
        if self.big_cascades:
            parts.append(f"{self.big_cascades:,} cascades measured on the distributed path")
        if self.conversions:
            parts.append(f"{self.conversions:,} days of conversions")
        return "; ".join(parts) + f"; {self.seconds:.1f} s"


# -- the steps -------------------------------------------------------------------------------------------------


def _files(spark: SparkSession, path: str) -> list[str]:
    """The files a path, directory or glob names (through Hadoop's file system: any supported URI)."""
    jvm = spark.sparkContext._jvm
    hpath = jvm.org.apache.hadoop.fs.Path(path)
    fs = hpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    statuses = fs.globStatus(hpath) or []
    out = []
    for status in statuses:
        if status.isDirectory():
            found = fs.listFiles(status.getPath(), True)
            while found.hasNext():
                out.append(found.next().getPath().toString())
        else:
            out.append(status.getPath().toString())
    return sorted(p for p in out if not p.rsplit("/", 1)[-1].startswith(("_", ".")))


def _numbered(df: DataFrame) -> DataFrame:
    """Each row with its file and its line (position from 1) in that file, however the file was split."""
    # Both scans split the files the same way, so a row gets the same counter in each.
    tagged = df.select(
        "*",
        F.regexp_replace(F.col("_metadata.file_path"), "^file:(//)?", "").alias("file"),
        F.col("_metadata.file_block_start").alias("_block"),
        F.monotonically_increasing_id().alias("_mid"),
    )
    blocks = tagged.groupBy("file", "_block").agg(F.count("*").alias("_n"), F.min("_mid").alias("_first"))
    before = F.sum("_n").over(Window.partitionBy("file").orderBy("_block").rowsBetween(Window.unboundedPreceding, -1))
    blocks = blocks.withColumn("_base", F.coalesce(before, F.lit(0)))
    numbered = tagged.join(F.broadcast(blocks.select("file", "_block", "_first", "_base")), ["file", "_block"])
    return numbered.withColumn("line", F.col("_base") + F.col("_mid") - F.col("_first") + 1).drop(
        "_block", "_mid", "_first", "_base")


def read_input(spark: SparkSession, path: str, fmt: str | None = None) -> tuple[DataFrame, str]:
    """Rows of the input in :data:`read.ROW_SCHEMA` (clean rows, and rejected ones with a reason)."""
    files = _files(spark, path)
    if not files:
        raise InputError(Problem(path, None, None, "no such file, directory or glob"))
    fmt = read.detect_format(path, fmt, files)
    schema = StructType.fromDDL(read.ROW_SCHEMA)
    if fmt == "jsonl":
        lines = _numbered(spark.read.option("lineSep", "\n").text(files))
        return lines.select("file", "line", "value").mapInPandas(read.jsonl_batches, schema), fmt
    if fmt == "csv":
        whole = spark.read.format("binaryFile").load(files).select(
            F.regexp_replace(F.col("path"), "^file:(//)?", "").alias("file"), "content")
        return whole.mapInPandas(read.csv_batches, schema), fmt
    rows = _numbered(spark.read.option("mergeSchema", "true").parquet(*files))
    return rows.mapInPandas(read.parquet_batches, schema), fmt


def _score(batches: Iterator[tuple[pd.Series, pd.Series]]) -> Iterator[pd.DataFrame]:
    """Sentiment of each batch with the project's scorer; the scorers are built before the first batch and
    kept for the life of the Python worker (``sentiment.batch`` caches them per process)."""
    from sentiment import score

    score(["warm-up"], workers=1)
    for text, lang in batches:
        hints = [None if v is None or v != v else v for v in lang.tolist()]
        result = score(text, lang=hints, workers=1)
        yield pd.DataFrame({
            "compound": result["compound"].to_numpy(dtype=float),
            "label": result["label"].to_numpy(dtype=object),
            "lang": result["lang"].to_numpy(dtype=object),
            "scored": result["scored"].to_numpy(dtype=bool),
            "model": result["model"].to_numpy(dtype=object),
        })


def _score_udf():
    from pyspark.sql.functions import pandas_udf

    return pandas_udf(_score, SENTIMENT_SCHEMA)


def _conversions(path: str) -> pd.DataFrame:
    """Daily business data checked by the local import's rules (a bad file stops the job before it starts)."""
    from viralscope import ingest

    raw, lines = readers.read_rows(path)
    return ingest.normalize_conversions(raw, str(path), lines)


def _hadoop_fs(spark: SparkSession, path: str):
    jvm = spark.sparkContext._jvm
    hpath = jvm.org.apache.hadoop.fs.Path(path)
    return hpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), hpath


def _old_pseudonym_key(spark: SparkSession, output: str) -> str | None:
    """The pseudonym key of an earlier run into ``output``: kept, so pseudonyms stay the same across runs."""
    fs, meta = _hadoop_fs(spark, f"{output.rstrip('/')}/meta")
    if not fs.exists(meta):
        return None
    rows = spark.read.parquet(f"{output.rstrip('/')}/meta").filter(F.col("key") == "pseudonym_key").collect()
    return json.loads(rows[0]["value"]) if rows else None


def analyze(
    spark: SparkSession,
    input: str,
    output: str,
    *,
    fmt: str | None = None,
    conversions: str | None = None,
    big_cascade: int = cascading.BIG_CASCADE,
    bucket_rows: int = cascading.BUCKET_ROWS,
) -> RunSummary:
    """Run the whole analysis of ``input`` into Parquet datasets under ``output`` (replacing an earlier run)."""
    started = time.perf_counter()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    business = _conversions(conversions) if conversions else None
    out = output.rstrip("/")
    key = _old_pseudonym_key(spark, out) or secrets.token_hex(32)
    fs, meta_path = _hadoop_fs(spark, f"{out}/meta")
    fs.delete(meta_path, True)  # no meta/ until this run has written everything else

    clock = [time.perf_counter()]

    def step(name: str) -> None:
        clock.append(time.perf_counter())
        summary.steps[name] = round(clock[-1] - clock[-2], 1)

    rows, fmt = read_input(spark, input, fmt)
    rows = rows.persist(StorageLevel.MEMORY_AND_DISK)
    summary = RunSummary(input=input, output=output, format=fmt, started_at=now.isoformat() + "Z")
    rejected = rows.filter(F.col("reason").isNotNull()).select("file", "line", "reason", "raw")
    rejected.orderBy("file", "line").write.mode("overwrite").parquet(f"{out}/rejected")
    summary.rejected = spark.read.parquet(f"{out}/rejected").count()
    step("read and check")

    clean = rows.filter(F.col("reason").isNull()).drop("reason", "raw")
    mentions, merged = links.dedupe(clean)
    summary.rows, summary.duplicates, summary.several_parents = (
        merged.rows + summary.rejected, merged.duplicates, merged.several_parents)
    step("merge repeated ids")
    resolved, summary.link_rounds = links.resolve_links(mentions)
    resolved = resolved.localCheckpoint(eager=True)
    step("resolve links")
    scored = mentions.withColumn("_s", _score_udf()(F.col("text"), F.col("lang")))
    full = scored.join(resolved, ["source", "id"]).select(
        *[c for c in mentions.columns if c not in ("file", "line", "lang")],
        F.coalesce(F.col("lang"), F.col("_s.lang")).alias("lang"),
        F.col("_s.compound").alias("sentiment_compound"), F.col("_s.label").alias("sentiment_label"),
        F.col("_s.scored").alias("sentiment_scored"), F.col("_s.model").alias("sentiment_model"),
        "parent_resolved", "cascade_id", "depth", "link_flag",
        F.lit(now).cast("timestamp_ntz").alias("first_seen_at"), F.lit(now).cast("timestamp_ntz").alias("updated_at"),
    ).persist(StorageLevel.MEMORY_AND_DISK)
    rows.unpersist()

    (full.select(*_MENTION_COLUMNS, F.to_date("created_at").alias("day"))
     .repartition("day").sortWithinPartitions("created_at", "source", "id")
     .write.mode("overwrite").partitionBy("day").parquet(f"{out}/mentions"))
    counts = full.agg(F.count("*").alias("n"), *[
        F.count(F.when(F.col("link_flag") == flag, 1)).alias(flag) for flag in ("self_loop", "missing_parent", "cycle_broken")
    ]).first()
    summary.mentions = int(counts["n"])
    summary.links = {flag: int(counts[flag]) for flag in ("self_loop", "missing_parent", "cycle_broken") if counts[flag]}
    step("score sentiment, write mentions")

    table, summary.big_cascades = cascading.cascade_table(full, big=big_cascade, bucket_rows=bucket_rows)
    table.write.mode("overwrite").parquet(f"{out}/cascades")
    summary.cascades = spark.read.parquet(f"{out}/cascades").count()
    step("cascade metrics")

    daily = full.groupBy(F.to_date("created_at").alias("day"), "brand", "source", "lang", "sentiment_label").agg(
        F.count("*").alias("mentions"))
    daily.orderBy("day", "brand", "source", "lang", "sentiment_label").write.mode("overwrite").parquet(f"{out}/daily")
    full.unpersist()
    step("daily counts")

    fs_conv, conv_path = _hadoop_fs(spark, f"{out}/conversions")
    if business is not None:
        summary.conversions = len(business)
        # One row a day: plain Python values, typed here (no pandas dtype reaches Spark).
        def value(v, kind):
            return None if pd.isna(v) else kind(v)

        days = [(pd.Timestamp(r.date).date(), value(r.sessions, int), value(r.conversions, int), value(r.revenue, float),
                 value(r.spend, float), value(r.new_customers, int)) for r in business.itertuples(index=False)]
        spark.createDataFrame(days, "date date, sessions long, conversions long, revenue double, spend double, "
                                    "new_customers long").coalesce(1).write.mode("overwrite").parquet(f"{out}/conversions")
    else:
        fs_conv.delete(conv_path, True)

    summary.seconds = time.perf_counter() - started
    meta = [("schema_version", str(SCHEMA_VERSION)), ("pseudonym_key", json.dumps(key)),
            (RUN_KEY, json.dumps(asdict(summary)))]
    spark.createDataFrame(meta, "key string, value string").coalesce(1).write.mode("overwrite").parquet(f"{out}/meta")
    return summary

