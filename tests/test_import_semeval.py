"""The SemEval-2017 reply threads import with the right number of mentions and cascades."""

from __future__ import annotations

import pytest

from tests.evaldata import EVAL, needs
from tests.semeval import thread_rows, write_jsonl
from viralscope import ingest


@needs("semeval2017")
@pytest.mark.parametrize("split,mentions,missing,cascades", [("traindev", 4519, 341, 297), ("test", 1049, 6, 30)])
def test_semeval_threads_import(store, tmp_path, split, mentions, missing, cascades):
    rows, dropped = thread_rows(EVAL / "semeval2017" / split)
    assert dropped == missing
    summary = ingest.import_file(store, write_jsonl(rows, tmp_path / f"{split}.jsonl"))
    assert summary.inserted == mentions
    counts = store.query(
        "SELECT count(*) AS mentions, count(DISTINCT cascade_id) AS cascades, "
        "count(*) FILTER (WHERE link_flag = 'missing_parent') AS orphans FROM mentions"
    ).iloc[0]
    assert counts.mentions == mentions
    assert counts.cascades == cascades
    # Each extra cascade beyond the threads is rooted at a reply whose parent was never collected.
    threads = 297 if split == "traindev" else 28
    assert counts.orphans == cascades - threads
