"""``viralscope spark analyze``: the analysis on Apache Spark (``pip install 'viralscope[spark]'``)."""

from __future__ import annotations

import click

from viralscope.cli import App, main
from viralscope.core.errors import ViralscopeError

# Sizes the job starts from; the library owns them (viralscope.spark.cascades), repeated here so that
# ``--help`` does not have to import pyspark.
_BIG_CASCADE = 200_000


def _conf(_ctx, _param, values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, setting = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{value!r} is not KEY=VALUE")
        out[key.strip()] = setting.strip()
    return out


@main.group("spark")
def spark_group() -> None:
    """The same analysis on Apache Spark, for more mentions than one machine holds (Parquet out)."""


@spark_group.command("analyze")
@click.option("--input", "source", required=True, metavar="PATH",
              help="Mentions in the contract: a file, directory or glob, local or any Hadoop URI (s3a://, hdfs://, …).")
@click.option("--output", required=True, metavar="DIR", help="Where the Parquet datasets go (an earlier run is replaced).")
@click.option("--master", metavar="URL", help="Spark master (default: spark-submit's, else local[*]).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), help="Default: from the file names.")
@click.option("--conversions", metavar="FILE", help="Daily business data (as for import-conversions), kept in conversions/.")
@click.option("--conf", "conf", multiple=True, callback=_conf, metavar="KEY=VALUE",
              help="A Spark setting, e.g. spark.sql.shuffle.partitions=400 (repeatable).")
@click.option("--big-cascade", type=click.IntRange(min=2), default=_BIG_CASCADE, show_default=True,
              help="Cascades with more mentions are measured with joins instead of on one worker.")
@click.pass_obj
def analyze(app: App, source: str, output: str, master: str | None, fmt: str | None, conversions: str | None,
            conf: dict[str, str], big_cascade: int) -> None:
    """Score, link and measure the mentions of PATH on Spark; write Parquet under DIR.

    Read the output with the other commands and the dashboard: viralscope --db DIR metrics …
    """
    try:
        from pyspark.sql import SparkSession

        from viralscope.spark import job
    except ImportError as exc:
        raise ViralscopeError(f"Spark is not installed ({exc.name}): pip install 'viralscope[spark]'") from None
    ours = SparkSession.getActiveSession() is None  # a notebook's (or a test's) session is left running
    try:
        spark = job.session(master, conf)
    except Exception as exc:  # Java missing, a bad master URL: Spark's own errors are long
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ViralscopeError(f"cannot start Spark (Java 17+ on PATH or JAVA_HOME?): {first}") from None
    try:
        summary = job.analyze(spark, source, output, fmt=fmt, conversions=conversions, big_cascade=big_cascade)
    finally:
        if ours:
            spark.stop()
    click.echo(summary.line())
