"""The tables the store exports, as DataFrames with the contract's column names and order."""

from __future__ import annotations

import json

import pandas as pd

from viralscope.store import COMPUTED_COLUMNS, INPUT_COLUMNS, Store

MENTION_EXPORT_COLUMNS = [*INPUT_COLUMNS, *COMPUTED_COLUMNS, "link_flag"]


def mentions(store: Store, where: str = "", params: list | None = None) -> pd.DataFrame:
    """Every mention (or those matching ``where``) with the computed columns; extra attributes become
    columns of their own after the contract's, so an export imports back unchanged."""
    df = store.mentions([*MENTION_EXPORT_COLUMNS, "extra"], where=where, params=params)
    extras = df.pop("extra")
    if extras.notna().any():
        unpacked = pd.DataFrame.from_records(
            [json.loads(e) if isinstance(e, str) else {} for e in extras], index=df.index
        )
        unpacked = unpacked[[c for c in unpacked.columns if c not in df.columns]]
        df = pd.concat([df, unpacked], axis=1)
    return df
