"""``viralscope demo``: the world goes into the store with its config and truth; a second run changes nothing."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from viralscope.cli import main
from viralscope.config import load_config
from viralscope.core.errors import ConfigError
from viralscope.demo import build_world
from viralscope.demo.install import install, truth_path
from viralscope.store import Store

ARGS = ["--scale", "2000", "--seed", "5"]


def _run(db, *args):
    return CliRunner().invoke(main, ["--db", str(db), "demo", *args], catch_exceptions=False)


def _snapshot(store: Store) -> tuple[pd.DataFrame, pd.DataFrame, object]:
    mentions = store.query("SELECT * FROM mentions ORDER BY source, id")
    return mentions, store.conversions(), store.get_meta("config")


def test_demo_builds_the_world_into_the_store(tmp_path):
    db = tmp_path / "demo.duckdb"
    result = _run(db, *ARGS)
    assert result.exit_code == 0, result.output
    assert result.output.count("\n") == 1 and "mentions" in result.output and "truth in" in result.output
    store = Store(db)
    world = build_world(scale=2000, seed=5)
    assert store.count_mentions() == len(world.mentions)
    assert len(store.conversions()) == 90
    truth = json.loads(truth_path(store).read_text(encoding="utf-8"))
    assert truth == json.loads(json.dumps(world.truth))
    assert truth_path(store) == tmp_path / "demo.truth.json"
    cfg = load_config(store=store)
    assert cfg.brand.name == "Lumio" and set(cfg.brand_accounts) == {"lumio", "lumio_care", "lumio_kr"}
    # cascades were rebuilt from the parent links: the viral cascade has its depth in the store
    depth = store.scalar("SELECT max(depth) FROM mentions WHERE cascade_id = ?", [truth["viral_cascade"]["root_id"]])
    assert depth == truth["viral_cascade"]["depth"]
    extra = json.loads(store.scalar("SELECT extra FROM mentions WHERE id = ?", [truth["viral_cascade"]["root_id"]]))
    assert extra["surprise"] is True and extra["topic"] == "campaign"


def test_running_twice_leaves_the_store_unchanged(tmp_path):
    db = tmp_path / "demo.duckdb"
    assert _run(db, *ARGS).exit_code == 0
    before = _snapshot(Store(db))
    truth_before = (tmp_path / "demo.truth.json").read_bytes()
    second = _run(db, *ARGS)
    assert second.exit_code == 0 and "(0 new, 0 updated" in second.output
    after = _snapshot(Store(db))
    pd.testing.assert_frame_equal(before[0], after[0])
    pd.testing.assert_frame_equal(before[1], after[1])
    assert before[2] == after[2]
    assert (tmp_path / "demo.truth.json").read_bytes() == truth_before


def test_if_empty_does_nothing_on_a_store_with_mentions(tmp_path):
    db = tmp_path / "demo.duckdb"
    assert _run(db, *ARGS).exit_code == 0
    n = Store(db).count_mentions()
    result = _run(db, "--if-empty", "--seed", "9")
    assert result.exit_code == 0 and "already holds" in result.output
    assert Store(db).count_mentions() == n


def test_another_world_is_not_mixed_into_a_store(tmp_path):
    db = tmp_path / "demo.duckdb"
    assert _run(db, *ARGS).exit_code == 0
    result = CliRunner().invoke(main, ["--db", str(db), "demo", "--scale", "2000", "--seed", "6"])
    assert result.exit_code == 1 and "another store" in result.output


def test_a_store_with_real_mentions_is_refused(store):
    from viralscope import ingest

    ingest.write_mentions(store, pd.DataFrame({"id": ["1"], "source": ["x"], "created_at": ["2026-01-05T10:00:00Z"],
                                               "text": ["real"]}), origin="test")
    with pytest.raises(ConfigError, match="not a demo world"):
        install(store, build_world(scale=1000))
    assert store.count_mentions() == 1


@pytest.mark.parametrize("args", [["--days", "5"], ["--scale", "10"], ["--start", "yesterday"], ["--seed", "-3"]])
def test_bad_options_are_usage_errors(tmp_path, args):
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "x.duckdb"), "demo", *args])
    assert result.exit_code == 2
    assert not (tmp_path / "x.duckdb").exists()
