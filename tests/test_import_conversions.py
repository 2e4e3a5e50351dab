"""Daily business data: date, sessions, conversions[, revenue, spend, new_customers]."""

from __future__ import annotations

import pytest

from viralscope import ingest
from viralscope.core.errors import InputError


def test_conversions_import_and_replace_by_date(store, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("\ufeffdate,sessions,conversions,revenue,spend,new_customers\r\n2026-01-05,1000,31,1240.5,200,25\r\n"
                    "2026-01-06,900,20,,150,\r\n", encoding="utf-8")
    first = ingest.import_conversions(store, path)
    again = ingest.import_conversions(store, path)
    assert (first.inserted, again.inserted, again.unchanged) == (2, 0, 2)
    path.write_text("date,sessions,conversions\n2026-01-06,950,22\n")
    later = ingest.import_conversions(store, path)
    assert later.updated == 1
    df = store.conversions()
    assert df["sessions"].tolist() == [1000, 950]
    assert df["revenue"].isna().tolist() == [False, True]


@pytest.mark.parametrize(
    "content,line,field,words",
    [
        ("date,sessions\n2026-01-05,3\n", 1, "conversions", "missing"),
        ("date,sessions,conversions\n05/01/2026,3,1\n", 2, "date", "not a date"),
        ("date,sessions,conversions\n2026-01-05,3,5\n", 2, "conversions", "more than sessions"),
        ("date,sessions,conversions\n2026-01-05,3,1\n2026-01-05,4,1\n", 3, "date", "more than once"),
        ("date,sessions,conversions,spend\n2026-01-05,3,1,-20\n", 2, "spend", "negative"),
        ("date,sessions,conversions\n2026-01-05,,1\n", 2, "sessions", "empty"),
    ],
)
def test_bad_conversions_change_nothing(store, tmp_path, content, line, field, words):
    path = tmp_path / "c.csv"
    path.write_text(content)
    with pytest.raises(InputError) as info:
        ingest.import_conversions(store, path)
    assert (info.value.first.line, info.value.first.field) == (line, field)
    assert words in info.value.first.why
    assert store.conversions().empty
