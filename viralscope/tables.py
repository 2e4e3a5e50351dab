"""The tables the store exports, as DataFrames with the contract's column names and order."""

from __future__ import annotations

import json

import pandas as pd

from viralscope.store import COMPUTED_COLUMNS, INPUT_COLUMNS, Store, query

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


#: Columns of ``export alerts``: the incident, whether the current data still shows it, what was sent.
ALERT_COLUMNS = [
    "brand", "start", "end", "peak", "severity", "negatives", "expected", "ratio", "negative_share",
    "expected_share", "channel", "ongoing", "detected", "sent_to", "first_sent_at", "last_sent_at", "subject",
    "incident_key",
]


def alerts(store: Store, config, brand: str | None = None) -> pd.DataFrame:
    """Crisis incidents detected over the whole store (as ``alerts check`` detects them), each with the
    alerts ``alerts_sent`` holds for it; alerts sent for incidents the current data no longer shows (the
    data changed, or they were found with other settings) follow with ``detected`` false."""
    import metrics
    from viralscope import crisis, kpis
    from viralscope.core.times import times, utc

    store.ensure()
    where, brand_name, _ = kpis.scope(store, config, brand)
    found = query.span(store, where)
    incidents = pd.DataFrame(columns=["start", "end"])
    if found is not None:
        first, last = found
        hourly = crisis.hourly(store, where.between(first, last + pd.Timedelta(seconds=1)))
        incidents = metrics.detect_crises(hourly, drivers=False)
    rows = []
    for _, inc in incidents.iterrows():
        rows.append({**{c: inc.get(c) for c in ALERT_COLUMNS if c in inc.index}, "brand": brand_name,
                     "detected": True, "incident_key": inc.get("key"), "_sent": []})
    sent = query.alerts_sent(store)
    for rec in sent.itertuples(index=False):
        try:
            facts = json.loads(rec.payload) if rec.payload else {}
            start, end = utc(facts["start"]), utc(facts["end"])
        except (ValueError, KeyError, TypeError):
            facts, start, end = {}, None, None
        if facts.get("brand") != brand_name or facts.get("kind", "negative") != "negative":
            continue  # another brand's alert, or a volume spike's (this table lists crises)
        match = next((r for r in rows if start is not None and r["start"] <= end and start <= r["end"]), None)
        if match is None:
            match = {"brand": brand_name, "start": start, "end": end, "detected": False,
                     "incident_key": rec.incident_key, "_sent": [],
                     **{k: facts.get(k) for k in ("peak", "severity", "negatives", "expected")}}
            match["peak"] = utc(match["peak"]) if match["peak"] else None
            rows.append(match)
        match["_sent"].append(rec)
        match["subject"] = match.get("subject") or facts.get("subject")
    for r in rows:
        sent_list = r.pop("_sent")
        r["sent_to"] = ", ".join(sorted({s.target for s in sent_list})) or None
        r["first_sent_at"] = min((s.sent_at for s in sent_list), default=None)
        r["last_sent_at"] = max((s.sent_at for s in sent_list), default=None)
    out = pd.DataFrame(rows, columns=ALERT_COLUMNS)
    for col in ("start", "end", "peak", "first_sent_at", "last_sent_at"):
        out[col] = times(out[col])
    return out.sort_values(["start", "incident_key"], kind="stable").reset_index(drop=True)
