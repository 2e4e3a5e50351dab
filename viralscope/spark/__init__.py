"""The same analysis on Apache Spark, for inputs one DuckDB file outgrows (``viralscope spark analyze``).

The job reads mentions in the contract and writes Parquet datasets (``mentions/``, ``cascades/``, ``daily/``,
``rejected/``, ``conversions/``, ``meta/``) that the faces read through DuckDB (:mod:`viralscope.store.parquet`).
Its numbers equal the local path's by construction: every rule is the project's own function run inside a
pandas UDF (``contract.normalize``, ``sentiment.score``, ``diffusion.cascade_metrics``), and where a rule
has to be restated for a distributed engine (duplicate ids, dirty parent links, the cascades too big for one
worker) tests hold it to the local function on hand-built dirty cases and on the demo world.

- :mod:`viralscope.spark.job` — :func:`~viralscope.spark.job.analyze` (needs ``pyspark``: ``viralscope[spark]``)
- :mod:`viralscope.store.parquet` — a read-only store over a job's output (DuckDB only; no Spark needed)

``python -m viralscope.spark analyze --input PATH --output DIR`` is the entry point for ``spark-submit``.
"""
