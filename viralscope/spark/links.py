"""Duplicate ids and dirty parent links on Spark, by the rules of ``ingest`` and ``viralscope.core.links``.

Rules (the local ones, restated for a distributed engine; ``tests/test_spark_links.py`` holds them to the
local functions on hand-built dirty cases):

- **The same (source, id) twice in one input** keeps the first copy's content, each engagement count's last
  non-empty value, and the parent ``viralscope.core.links.choose_parents`` picks: a listed parent beats none, a
  parent whose time is known beats one whose is not, then the earliest parent, then the one listed first.
  All files of one input are one input, in the order of their paths and then of their lines.
- **Self-loops** are dropped (flag ``self_loop``); a **parent not among the mentions** of the same source
  makes its child a root (``missing_parent``); in each **cycle** the member with the earliest
  ``created_at`` (then the smallest id) loses its link (``cycle_broken``).

Roots and depths come from pointer jumping, one join per round: each round every node's pointer jumps to its
pointer's pointer, so d levels take about log2(d) rounds. Cycles are found during the same rounds with no
walk and no collect. Each node also carries the smallest (created_at, id) key among the nodes its pointer
skipped over (positions 1 … 2^k up its chain); a node whose own key comes back as that minimum has seen itself
again, so it lies on a cycle whose smallest member it is — exactly the member the local rule unlinks. Cycles
are disjoint in a graph where each node has one parent, so breaking them in any round gives the local
result; the nodes still waiting start over from their (now clean) parent links. The state is checkpointed
every round so the plan stays one join deep.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

COUNTS = ["likes", "shares", "replies", "author_followers"]
_KEY = ["source", "id"]


@dataclass
class DedupeCounts:
    rows: int
    duplicates: int
    several_parents: int


def dedupe(rows: DataFrame) -> tuple[DataFrame, DedupeCounts]:
    """One row per (source, id) from clean rows with ``file`` and ``line``; and what was merged.

    Without repeated ids (the usual input) the rows are returned as they are: the merge needs a sort of every
    row with its text, the costliest step of a run when it has nothing to do.
    """
    copies = rows.groupBy(*_KEY).agg(F.count("*").alias("_copies")).localCheckpoint(eager=True)
    seen = copies.agg(F.coalesce(F.sum("_copies"), F.lit(0)).alias("rows"),
                      F.count(F.when(F.col("_copies") > 1, 1)).alias("repeated")).first()
    total = int(seen["rows"])
    if not seen["repeated"]:
        return rows, DedupeCounts(rows=total, duplicates=0, several_parents=0)
    rows = rows.withColumn("_order", F.struct("file", "line"))
    first = (rows.withColumn("_rank", F.row_number().over(Window.partitionBy(*_KEY).orderBy("_order")))
             .filter("_rank = 1").drop("_rank"))
    repeated_keys = copies.filter("_copies > 1").select(*_KEY)
    dupes = rows.join(repeated_keys, _KEY, "left_semi")
    # Last non-empty count of each column (pandas' GroupBy.last skips missing values).
    last = dupes.groupBy(*_KEY).agg(
        *[F.max_by(c, F.when(F.col(c).isNotNull(), F.col("_order"))).alias(f"_last_{c}") for c in COUNTS]
    )
    chosen = _choose_parents(dupes, first)
    merged = (first.join(last, _KEY, "left").join(chosen, _KEY, "left")
              .withColumn("parent_id", F.when(F.col("_chosen").isNotNull(), F.col("_parent")).otherwise(F.col("parent_id"))))
    for c in COUNTS:
        merged = merged.withColumn(c, F.when(F.col("_chosen").isNotNull(), F.col(f"_last_{c}")).otherwise(F.col(c)))
    out = merged.drop(*[f"_last_{c}" for c in COUNTS], "_parent", "_chosen", "_order").localCheckpoint(eager=True)
    stats = dupes.groupBy(*_KEY).agg(F.count("*").alias("n"), F.countDistinct("parent_id").alias("parents")).agg(
        F.coalesce(F.sum(F.col("n") - 1), F.lit(0)).alias("duplicates"),
        F.count(F.when(F.col("parents") > 1, 1)).alias("several"),
    ).first()
    return out, DedupeCounts(rows=total, duplicates=int(stats["duplicates"]), several_parents=int(stats["several"]))


def _choose_parents(dupes: DataFrame, first: DataFrame) -> DataFrame:
    """``choose_parents`` for repeated ids: (source, id, _parent, _chosen=true)."""
    times = first.select("source", F.col("id").alias("parent_id"), F.col("created_at").alias("_parent_time"))
    candidates = dupes.select(*_KEY, "parent_id", "_order").join(times, ["source", "parent_id"], "left")
    ranked = candidates.withColumn("_rank", F.row_number().over(Window.partitionBy(*_KEY).orderBy(
        F.col("parent_id").isNull().asc(),          # a listed parent beats none
        F.col("_parent_time").isNull().asc(),       # a known time beats an unknown one
        F.col("_parent_time").asc(),                # the earliest
        F.col("_order").asc(),                      # the one listed first
    )))
    return ranked.filter("_rank = 1").select(*_KEY, F.col("parent_id").alias("_parent"), F.lit(True).alias("_chosen"))


def _checkpoint(df: DataFrame) -> DataFrame:
    return df.localCheckpoint(eager=True)


def resolve_links(mentions: DataFrame) -> tuple[DataFrame, int]:
    """``parent_resolved``, ``cascade_id``, ``depth``, ``link_flag`` of every (source, id); and the rounds run.

    ``mentions`` has one row per (source, id) with ``parent_id`` and ``created_at``.
    """
    # Dense integer keys: the rounds join on one long instead of (source, id) strings.
    nodes = _checkpoint(mentions.select(*_KEY, "parent_id", "created_at", F.monotonically_increasing_id().alias("n")))
    parents = nodes.select("source", F.col("id").alias("parent_id"), F.col("n").alias("_pn"),
                           F.struct(F.col("created_at").alias("t"), F.col("id").alias("i")).alias("_pkey"))
    linked = nodes.join(parents, ["source", "parent_id"], "left")
    self_loop = F.col("parent_id") == F.col("id")
    missing = F.col("parent_id").isNotNull() & F.col("_pn").isNull()
    links = _checkpoint(linked.select(
        "n", *_KEY,
        F.struct(F.col("created_at").alias("t"), F.col("id").alias("i")).alias("key"),
        F.when(self_loop | missing, None).otherwise(F.col("_pn")).alias("parent"),
        F.when(self_loop | missing, None).otherwise(F.col("parent_id")).alias("parent_id"),
        F.when(self_loop, "self_loop").when(missing, "missing_parent").alias("flag"),
        F.when(self_loop | missing, None).otherwise(F.col("_pkey")).alias("_pkey"),
    ))
    state = _checkpoint(_start(links))
    rounds = 0
    while True:
        count = state.agg(F.count(F.when(~F.col("done"), 1)).alias("waiting"),
                          F.count(F.when(~F.col("done") & (F.col("wmin") == F.col("key")), 1)).alias("cut")).first()
        if count["cut"]:
            cut = state.filter(~F.col("done") & (F.col("wmin") == F.col("key"))).select("n", F.lit(True).alias("_cut"))
            links = _checkpoint(links.join(cut, "n", "left").select(
                "n", *_KEY, "key",
                *[F.when(F.col("_cut"), None).otherwise(F.col(c)).alias(c) for c in ("parent", "parent_id", "_pkey")],
                F.when(F.col("_cut"), "cycle_broken").otherwise(F.col("flag")).alias("flag"),
            ))
            # Nodes still waiting may have jumped through a link just cut: they start over from their parents.
            done = state.filter("done")
            waiting = links.join(state.filter(~F.col("done")).select("n"), "n", "left_semi")
            state = _checkpoint(done.unionByName(_start(waiting)))
        elif not count["waiting"]:
            break
        rounds += 1
        state = _checkpoint(_jump(state))
    names = nodes.select(F.col("n").alias("anc"), F.col("id").alias("cascade_id"))
    out = links.join(state.select("n", "anc", "dist"), "n").join(names, "anc").select(
        *_KEY,
        F.col("parent_id").alias("parent_resolved"),
        "cascade_id",
        F.col("dist").cast("int").alias("depth"),
        F.col("flag").alias("link_flag"),
    )
    return out, rounds


def _start(links: DataFrame) -> DataFrame:
    """Round 0: a root points at itself (done); any other node at its parent, having seen its parent's key."""
    root = F.col("parent").isNull()
    return links.select(
        "n",
        F.when(root, F.col("n")).otherwise(F.col("parent")).alias("anc"),
        F.when(root, F.lit(0)).otherwise(F.lit(1)).cast("long").alias("dist"),
        F.col("_pkey").alias("wmin"),
        root.alias("done"),
        "key",
    )


def _jump(state: DataFrame) -> DataFrame:
    """One round: every waiting node takes its pointer's pointer; done nodes stay as they are."""
    done = state.filter("done")
    target = state.select(F.col("n").alias("anc"), F.col("anc").alias("_anc"), F.col("dist").alias("_dist"),
                          F.col("wmin").alias("_wmin"), F.col("done").alias("_done"))
    moved = state.filter(~F.col("done")).join(target, "anc").select(
        "n",
        F.col("_anc").alias("anc"),
        (F.col("dist") + F.col("_dist")).alias("dist"),
        F.least(F.col("wmin"), F.col("_wmin")).alias("wmin"),
        # A done target points at a root: so does this node now (its distance is final).
        F.col("_done").alias("done"),
        "key",
    )
    return done.unionByName(moved)
