"""Whole cascades read from the store: shared by the dashboard and the weekly report.

A cascade is keyed by its original post: ``cascade_id`` is the root's id within its source. Its mentions are
read whole, even those written after the period its original post was chosen from.
"""

from __future__ import annotations

import re

import pandas as pd

_NAME = re.compile(r"^[a-z_]+$")


def members_of_roots(reader, cond: str, params, columns, *, root_text: bool = False) -> pd.DataFrame:
    """Every mention of the cascades whose original post (share order 0) meets the SQL condition ``cond``.

    ``reader`` has the store's ``query``; ``cond`` is a fixed condition on ``mentions`` with ``?``
    placeholders for ``params``; ``columns`` are columns of ``mentions``. ``root_text`` adds the original
    post's ``text`` (null on the other mentions). Rows come by source, cascade, share order, time and id.
    """
    bad = [c for c in columns if not _NAME.match(c)]
    if bad:
        raise ValueError(f"not column names: {bad}")
    wanted = [*columns, *(["text"] if root_text and "text" not in columns else [])]
    select = ", ".join("CASE WHEN m.depth = 0 THEN m.text END AS text" if c == "text" and root_text else f"m.{c}"
                       for c in wanted)
    return reader.query(
        f"""WITH roots AS (SELECT source, id FROM mentions WHERE coalesce(depth, 0) = 0 AND {cond})
            SELECT {select}
            FROM roots r JOIN mentions m ON m.source = r.source AND m.cascade_id = r.id
            ORDER BY m.source, m.cascade_id, m.depth, m.created_at, m.id""",  # noqa: S608 - checked names, fixed cond
        list(params),
    )
