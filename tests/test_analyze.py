"""``viralscope analyze``: scores the unscored, repairs links written by other means, reports the week."""

from __future__ import annotations

import pandas as pd
from click.testing import CliRunner

from viralscope import ingest, pipeline
from viralscope.cli import main
from viralscope.store import Store
from viralscope.store import mentions as store_mentions


def _world(store: Store) -> None:
    t0 = pd.Timestamp("2026-03-02T09:00:00Z")
    rows = [
        {"id": "p1", "text": "I love the new Lumio lamp, best purchase this year", "created_at": t0},
        {"id": "s1", "text": "RT love it", "created_at": t0 + pd.Timedelta(minutes=5), "parent_id": "p1"},
        {"id": "s2", "text": "RT", "created_at": t0 + pd.Timedelta(minutes=9), "parent_id": "s1"},
        {"id": "p2", "text": "루미오 램프 정말 최악이에요 환불해 주세요", "created_at": t0 + pd.Timedelta(days=3)},
        {"id": "s3", "text": "저도 똑같아요", "created_at": t0 + pd.Timedelta(days=3, hours=1), "parent_id": "p2"},
    ]
    # A week of plain posts before, so the baseline has days to compare with.
    rows += [{"id": f"b{i}", "text": "Lumio lamp arrived today", "created_at": t0 - pd.Timedelta(days=1 + i)}
             for i in range(7)]
    ingest.write_mentions(store, pd.DataFrame(rows).assign(source="x", author_id="someone"), origin="test")


def _run(store: Store, *args):
    return CliRunner().invoke(main, ["--db", str(store.path), "analyze", *args], catch_exceptions=False)


def test_analyze_scores_relinks_and_reports(store):
    _world(store)
    # Another writer left links out of date: the shares lost their cascade, a root got a wrong depth.
    with store.write() as con:
        con.execute("UPDATE mentions SET cascade_id = id, depth = 0 WHERE id IN ('s1', 's2')")
        con.execute("UPDATE mentions SET depth = 4 WHERE id = 'p2'")

    result = _run(store)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("sentiment: scored 12 mentions")
    assert "cascades: 9 in 12 mentions, 2 spread (2 or more mentions), deepest 2 hops; 3 mentions relinked" in lines[1]
    assert lines[2] == ("metrics for 2026-02-27..2026-03-05 (the last 7 days with mentions) "
                        "against the 7 days before:")
    assert any(line.startswith("  Mention lift: ") for line in lines)
    assert any(line.startswith("  Viral ROI: n/a (") for line in lines)

    labels = dict(store.query("SELECT id, sentiment_label FROM mentions").itertuples(index=False))
    assert labels["p1"] == "positive" and labels["p2"] == "negative"
    links = store.query("SELECT id, cascade_id, depth FROM mentions WHERE id IN ('s1', 's2', 'p2') ORDER BY id")
    assert links.values.tolist() == [["p2", "p2", 0], ["s1", "p1", 1], ["s2", "p1", 2]]

    again = _run(store).output.splitlines()
    assert again[0] == "sentiment: nothing to score" and "links were up to date" in again[1]


def test_analyze_keeps_corrections_and_rescores_on_request(store):
    _world(store)
    pipeline.analyze(store)
    from viralscope import scoring

    scoring.save_correction(store, "x", "p1", "negative")
    result = pipeline.analyze(store, rescore=True)
    assert result.scoring.mentions == 11  # every mention but the corrected one
    assert store.scalar("SELECT sentiment_label FROM mentions WHERE id = 'p1'") == "negative"


def test_analyze_reports_the_brands_own_last_week(store, tmp_path):
    """On real data the configured brand's talk may end weeks before a competitor's: the KPIs are the brand's,
    so ``analyze`` reports the brand's last week with mentions, not a week of n/a."""
    _world(store)
    rival = pd.DataFrame([{"id": f"k{i}", "text": "Kandela lamp", "source": "x", "brand": "Kandela",
                           "created_at": pd.Timestamp("2026-04-20T10:00:00Z") + pd.Timedelta(hours=i)}
                          for i in range(3)])
    ingest.write_mentions(store, rival, origin="test")
    with store.write() as con:
        con.execute("UPDATE mentions SET brand = 'Lumio' WHERE brand IS NULL OR brand <> 'Kandela'")
    config = tmp_path / "viralscope.toml"
    config.write_text('[brand]\nname = "Lumio"\nquery = "lumio"\n\n[[competitors]]\nname = "Kandela"\n'
                      'query = "kandela"\n', encoding="utf-8")

    result = CliRunner().invoke(main, ["--db", str(store.path), "--config", str(config), "analyze"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert ("metrics for 2026-02-27..2026-03-05 (Lumio's last 7 days with mentions) against the 7 days before:"
            in result.output.splitlines())
    assert "Mention lift: n/a (no mentions in the window" not in result.output


def test_analyze_an_empty_store(store):
    result = _run(store)
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "sentiment: nothing to score",
        "cascades: 0 in 0 mentions, 0 spread (2 or more mentions), deepest 0 hops; links were up to date",
        "metrics: no mentions yet",
    ] + [line for line in result.output.splitlines() if line.startswith("done in ")]


def test_relink_changes_nothing_on_an_imported_store(store):
    _world(store)
    assert store_mentions.relink(store) == 0
