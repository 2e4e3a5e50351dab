"""Per-cascade metrics on Spark: ``diffusion.cascade_metrics`` over buckets of whole cascades, and a
distributed path for the cascades too big for one worker.

**Small cascades** (the vast majority) are hashed into buckets of whole cascades and each bucket is one
``applyInPandas`` call of :func:`diffusion.cascades.cascade_metrics`, the function ``export cascades`` runs:
the same numbers by construction, and a few dozen calls instead of one per cascade (a Python call per cascade
would cost more than the metrics).

**Big cascades** (more than ``big`` mentions, 200,000 by default) would put one cascade's every row in one
pandas frame on one worker: a viral post with a hundred million shares would run that worker out of memory.
They are measured with joins and aggregates instead, none of which holds a cascade in one place:

- size, depth, ``depth_counts``, ``max_breadth``, first and last time: aggregates over (cascade, depth);
- the times of the 10th/100th/1000th share and of half the shares: a row number over the cascade's shares by
  time (Spark's window operator sorts and spills to disk; it never holds the partition in memory);
- structural virality needs every subtree size s_v. They come from an Euler tour of the tree — walk down each
  edge and back up, children in id order — ranked by pointer jumping (about log2(2n) joins, whatever the
  shape: a chain of a million replies costs what a star does): the tour enters v, walks its subtree and
  leaves it, 2·s_v − 1 steps, so s_v = (r(down v) − r(up v) + 1) / 2 with r the steps left to the tour's end.
  W = Σ s_v (n − s_v) is summed as an exact decimal, then ν = 2W / (n(n − 1)) as the local code computes it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

from diffusion.cascades import CASCADE_COLUMNS, SHARE_MILESTONES, cascade_metrics
from viralscope.core.times import to_db
from viralscope.spark.frames import for_arrow

#: Cascades with more mentions than this take the distributed path.
BIG_CASCADE = 200_000
#: Big cascades at most this deep get their subtree sizes level by level (one join per level, O(n) in all);
#: deeper ones from an Euler tour (about log2(2n) joins over every member, whatever the depth).
LEVELS_MAX = 64
#: About this many mentions per ``applyInPandas`` call of the small cascades.
BUCKET_ROWS = 200_000

MEMBER_COLUMNS = ["source", "cascade_id", "id", "parent_resolved", "depth", "created_at", "author_id",
                  "author_name", "author_followers", "kind", "brand"]
SCHEMA = (
    "cascade_id string, source string, size long, depth long, max_breadth long, structural_virality double, "
    "depth_counts string, started_at timestamp_ntz, last_at timestamp_ntz, minutes_to_10 double, "
    "minutes_to_100 double, minutes_to_1000 double, speed_per_hour double, author_id string, author_name string, "
    "author_followers long, kind string, brand string, complete boolean"
)
_CASCADE = ["source", "cascade_id"]


def _bucket_metrics(group: pd.DataFrame) -> pd.DataFrame:
    """``cascade_metrics`` of one bucket of whole cascades, in :data:`SCHEMA`'s types."""
    out = cascade_metrics(group.drop(columns=["_bucket"]))
    for col in ("started_at", "last_at"):
        out[col] = to_db(out[col]).astype("datetime64[us]")
    return for_arrow(out[CASCADE_COLUMNS])


def cascade_table(members: DataFrame, *, big: int = BIG_CASCADE, bucket_rows: int = BUCKET_ROWS) -> tuple[DataFrame, int]:
    """One row per cascade in ``export cascades``' columns; and how many cascades took the distributed path.

    ``members`` has :data:`MEMBER_COLUMNS` (every mention with its resolved link, cascade and depth).
    """
    members = members.select(*MEMBER_COLUMNS)
    sizes = members.groupBy(*_CASCADE).agg(F.count("*").alias("_size")).localCheckpoint(eager=True)
    stats = sizes.agg(F.coalesce(F.sum(F.when(F.col("_size") <= big, F.col("_size"))), F.lit(0)).alias("small"),
                      F.count(F.when(F.col("_size") > big, 1)).alias("big")).first()
    buckets = max(1, int(np.ceil(int(stats["small"]) / bucket_rows)))
    small = (members.join(sizes.filter(F.col("_size") <= big), _CASCADE, "left_semi")
             .withColumn("_bucket", F.abs(F.hash(*_CASCADE)) % buckets))
    table = small.groupBy("_bucket").applyInPandas(_bucket_metrics, SCHEMA)
    n_big = int(stats["big"])
    if n_big:
        big_members = members.join(sizes.filter(F.col("_size") > big), _CASCADE, "left_semi")
        table = table.unionByName(big_cascades(big_members))
    return table, n_big


def big_cascades(members: DataFrame) -> DataFrame:
    """:data:`SCHEMA` rows for cascades measured with joins and aggregates (see the module docstring)."""
    members = members.localCheckpoint(eager=True)
    levels = members.groupBy(*_CASCADE, "depth").agg(F.count("*").alias("k"))
    shape = levels.groupBy(*_CASCADE).agg(
        F.sum("k").alias("size"),
        F.max("depth").cast("long").alias("depth"),
        F.max("k").alias("max_breadth"),
        F.concat(F.lit("{"), F.array_join(F.transform(
            F.sort_array(F.filter(F.collect_list(F.struct("depth", "k")), lambda x: x["depth"] > 0)),
            lambda x: F.concat(F.lit('"'), x["depth"].cast("string"), F.lit('": '), x["k"].cast("string"))), ", "),
            F.lit("}")).alias("depth_counts"),
    )
    times = members.groupBy(*_CASCADE).agg(F.min("created_at").alias("started_at"), F.max("created_at").alias("last_at"))
    roots = members.filter(F.col("id") == F.col("cascade_id")).select(
        *_CASCADE, "author_id", "author_name", "author_followers", "kind", "brand")
    out = (shape.join(times, _CASCADE).join(roots, _CASCADE, "left")
           .join(_share_times(members, shape), _CASCADE, "left")
           .join(_wiener(members, int(levels.agg(F.max("depth")).first()[0])), _CASCADE, "left"))
    n = F.col("size").cast("double")
    nu = F.lit(2.0) * F.col("_w").cast("double") / (n * (n - F.lit(1.0)))
    start_us = F.unix_micros(F.col("started_at").cast("timestamp"))

    def minutes(col):
        return (F.unix_micros(F.col(col).cast("timestamp")) - start_us).cast("double") / F.lit(60_000_000.0)

    half = F.floor(F.col("size") / 2)  # ⌈(n − 1) / 2⌉ shares
    t_half = F.greatest(minutes("_t_half"), F.lit(1.0))
    return out.select(
        "cascade_id", "source", F.col("size").cast("long").alias("size"), "depth", F.col("max_breadth").cast("long"),
        F.when(F.col("size") >= 2, nu).alias("structural_virality"), "depth_counts", "started_at", "last_at",
        *[minutes(f"_t_{k}").alias(f"minutes_to_{k}") for k in SHARE_MILESTONES],
        F.when(F.col("size") >= 2, half.cast("double") / t_half * F.lit(60.0)).alias("speed_per_hour"),
        "author_id", "author_name", F.col("author_followers").cast("long"), "kind", "brand",
        F.lit(True).alias("complete"),
    )


def _share_times(members: DataFrame, shape: DataFrame) -> DataFrame:
    """Time of the 10th, 100th, 1000th share and of share ⌈(n − 1)/2⌉ of each cascade (null when it has fewer)."""
    shares = members.filter(F.col("depth") > 0).select(*_CASCADE, "created_at")
    ranked = shares.withColumn("_k", F.row_number().over(Window.partitionBy(*_CASCADE).orderBy("created_at")))
    wanted = ranked.join(shape.select(*_CASCADE, F.floor(F.col("size") / 2).alias("_half")), _CASCADE)
    picks = [F.max(F.when(F.col("_k") == k, F.col("created_at"))).alias(f"_t_{k}") for k in SHARE_MILESTONES]
    picks.append(F.max(F.when(F.col("_k") == F.col("_half"), F.col("created_at"))).alias("_t_half"))
    return wanted.filter((F.col("_k") <= max(SHARE_MILESTONES)) | (F.col("_k") == F.col("_half"))).groupBy(*_CASCADE).agg(*picks)


def _wiener(members: DataFrame, depth: int) -> DataFrame:
    """W = Σ_{v ≠ root} s_v (n − s_v) per cascade; ``depth`` is the deepest big cascade's depth."""
    sizes = _sizes_by_level(members, depth) if depth <= LEVELS_MAX else _sizes_by_tour(members)
    n = members.groupBy(*_CASCADE).agg(F.count("*").alias("_n"))
    return sizes.join(n, _CASCADE).groupBy(*_CASCADE).agg(
        F.sum((F.col("s") * (F.col("_n") - F.col("s"))).cast("decimal(38,0)")).alias("_w"))


def _sizes_by_level(members: DataFrame, depth: int) -> DataFrame:
    """Subtree sizes of non-root members, deepest level first: one join per level, each over that level only."""
    nodes = members.filter(F.col("depth") > 0).select(*_CASCADE, "id", "parent_resolved", "depth").localCheckpoint(eager=True)
    done = None
    below = None  # (source, cascade_id, id, s) of the level under the current one
    for level in range(depth, 0, -1):
        here = nodes.filter(F.col("depth") == level).select(*_CASCADE, "id", "parent_resolved")
        if below is not None:
            sums = below.groupBy(*_CASCADE, F.col("parent_resolved").alias("id")).agg(F.sum("s").alias("_below"))
            here = here.join(sums, [*_CASCADE, "id"], "left")
        else:
            here = here.withColumn("_below", F.lit(None).cast("long"))
        below = here.select(*_CASCADE, "id", "parent_resolved",
                            (F.coalesce(F.col("_below"), F.lit(0)) + 1).alias("s")).localCheckpoint(eager=True)
        part = below.select(*_CASCADE, "s")
        done = part if done is None else done.unionByName(part)
    return done if done is not None else members.select(*_CASCADE, F.lit(0).cast("long").alias("s")).limit(0)


def _sizes_by_tour(members: DataFrame) -> DataFrame:
    """Subtree sizes of non-root members from an Euler tour ranked by pointer jumping (any depth)."""
    # Dense integer keys: every join below is on one long, not on (source, cascade, id) strings.
    nodes = members.select(*_CASCADE, "id", "parent_resolved", "depth",
                           F.monotonically_increasing_id().alias("v")).localCheckpoint(eager=True)
    parents = nodes.select(*_CASCADE, F.col("id").alias("parent_resolved"), F.col("v").alias("p"),
                           F.col("depth").alias("_pdepth"))
    edges = nodes.filter(F.col("depth") > 0).join(parents, [*_CASCADE, "parent_resolved"]).select(*_CASCADE, "v", "p", "_pdepth")
    # Children in any fixed order will do (here their keys): subtree sizes do not depend on it.
    first_child = edges.groupBy("p").agg(F.min("v").alias("_first")).withColumnRenamed("p", "v")
    tour = (edges.withColumn("_next", F.lead("v").over(Window.partitionBy("p").orderBy("v")))
            .join(first_child, "v", "left"))
    # Step 2v walks down into v, step 2v + 1 back up out of it; a null successor ends the tour.
    down = tour.select("v", (F.col("v") * 2).alias("k"),
                       F.coalesce(F.col("_first") * 2, F.col("v") * 2 + 1).alias("nxt"))
    up = tour.select("v", (F.col("v") * 2 + 1).alias("k"),
                     F.when(F.col("_next").isNotNull(), F.col("_next") * 2)
                     .when(F.col("_pdepth") > 0, F.col("p") * 2 + 1).alias("nxt"))
    steps = down.unionByName(up).withColumn("r", F.lit(1).cast("long")).localCheckpoint(eager=True)
    # List ranking by pointer jumping: r counts the steps from this one up to (not including) ``nxt``.
    while not steps.filter(F.col("nxt").isNotNull()).isEmpty():
        target = steps.select(F.col("k").alias("nxt"), F.col("nxt").alias("_nxt"), F.col("r").alias("_r"))
        steps = (steps.join(target, "nxt", "left")
                 .select("v", "k", F.when(F.col("_r").isNotNull(), F.col("_nxt")).alias("nxt"),
                         (F.col("r") + F.coalesce(F.col("_r"), F.lit(0))).alias("r"))
                 .localCheckpoint(eager=True))
    sizes = steps.groupBy("v").agg(
        ((F.max(F.when(F.col("k") % 2 == 0, F.col("r"))) - F.max(F.when(F.col("k") % 2 == 1, F.col("r"))) + 1) / 2)
        .cast("long").alias("s"))
    return sizes.join(nodes.select("v", *_CASCADE), "v").select(*_CASCADE, "s")
