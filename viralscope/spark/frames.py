"""What every pandas UDF of the job returns through: frames Spark's Arrow serializer takes as they are.

A trap of pandas ≥ 3 under PySpark 4.3 (which warns it does not fully support it): the default ``str`` dtype
is stored in pyarrow, and a column made by ``pd.concat`` holds several chunks; PySpark converts each column
with ``pa.Array.from_pandas``, gets a ``ChunkedArray`` and fails in ``RecordBatch.from_arrays`` ("Cannot
convert pyarrow.lib.ChunkedArray to pyarrow.lib.Array"). Text columns leave the UDF as Python objects.
"""

from __future__ import annotations

import pandas as pd


def for_arrow(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its pandas string columns as object columns (missing values become None)."""
    for name in frame.columns:
        if pd.api.types.is_string_dtype(frame[name].dtype) and frame[name].dtype != object:
            frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
    return frame
