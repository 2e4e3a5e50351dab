"""``alerts_sent``: which incident was sent to which target, when, with what — the ledger that makes every
alert go out once, whatever process sends it and whenever it is killed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager

from viralscope.store import Store


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Ledger:
    """The rows of ``alerts_sent`` inside one write transaction (see :func:`ledger`)."""

    def __init__(self, con):
        self._con = con

    def rows(self, target: str) -> list[tuple]:
        """``(incident_key, sent_at, payload)`` of every alert of ``target``; the payload as JSON text."""
        return self._con.execute("SELECT incident_key, sent_at, payload FROM alerts_sent WHERE target = ?",
                                 [target]).fetchall()

    def add(self, key: str, target: str, payload: dict) -> None:
        self._con.execute("INSERT INTO alerts_sent VALUES (?, ?, ?, ?)",
                          [key, target, _now(), json.dumps(payload, default=str)])

    def update(self, key: str, target: str, payload: dict, *, stamp: bool = False) -> None:
        """Replace the payload (``stamp``: and the time, to now)."""
        if stamp:
            self._con.execute("UPDATE alerts_sent SET sent_at = ?, payload = ? WHERE incident_key = ? AND target = ?",
                              [_now(), json.dumps(payload, default=str), key, target])
        else:
            self._con.execute("UPDATE alerts_sent SET payload = ? WHERE incident_key = ? AND target = ?",
                              [json.dumps(payload, default=str), key, target])

    def remove(self, key: str, target: str) -> None:
        self._con.execute("DELETE FROM alerts_sent WHERE incident_key = ? AND target = ?", [key, target])


@contextmanager
def ledger(store: Store) -> Iterator[Ledger]:
    """The ledger in one write transaction: what is read and written inside it is one atomic step."""
    with store.write() as con:
        yield Ledger(con)
