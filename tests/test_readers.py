"""The fast (Arrow) readers give exactly what the exact (Python) readers give, or step aside for them."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from viralscope import readers
from viralscope.core import contract
from viralscope.core.errors import InputError

BASE = {"id": "1", "source": "x", "created_at": "2026-01-05T10:00:00Z", "text": "Lumio lamp"}

JSONL_CASES = {
    "plain": [BASE, {**BASE, "id": "2", "parent_id": "1", "kind": "share", "likes": 3}],
    "korean and emoji": [{**BASE, "text": "루미오 램프 최고예요 😍", "author_name": "김민지"}],
    "offsets and dates": [{**BASE, "created_at": "2026-01-05T10:00:00+09:00"},
                          {**BASE, "id": "2", "created_at": "2026-01-05"},
                          {**BASE, "id": "3", "created_at": "2026-01-05T10:00:00.123456Z"}],
    "unix seconds": [{**BASE, "created_at": 1767607200}],
    "numeric ids": [{**BASE, "id": 123456789012345678}, {**BASE, "id": 5}],
    "counts as text and floats": [{**BASE, "likes": "7"}, {**BASE, "id": "2", "likes": 3.0}],
    "nulls and missing keys": [{**BASE, "author_id": None, "likes": None}, {**BASE, "id": "2"}],
    "booleans": [{**BASE, "media": True}, {**BASE, "id": "2", "media": False}],
    "extras, nested": [{**BASE, "region": "KR", "geo": {"lat": 37.5, "lon": 127.0}}, {**BASE, "id": "2"}],
    "extras, mixed types": [{**BASE, "score": 1}, {**BASE, "id": "2", "score": "high"}],
    "surrogate escape": ['{"id": "1", "source": "x", "created_at": "2026-01-05", "text": "a \\ud83d\\ude00 b"}'],
    "key named in a value": [{**BASE, "text": 'the field "brand" is empty'}],
    "big counts": [{**BASE, "likes": 2**62}],
}


def _write(tmp_path, rows, newline="\n") -> str:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
    path = tmp_path / "m.jsonl"
    path.write_bytes((newline.join(lines) + newline).encode("utf-8"))
    return str(path)


@pytest.mark.parametrize("name", list(JSONL_CASES))
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_jsonl_fast_path_equals_the_exact_reader(tmp_path, name, newline):
    path = _write(tmp_path, JSONL_CASES[name], newline)
    raw, lines = readers.read_rows(path)
    text = open(path, encoding="utf-8", newline="").read()
    exact_raw, exact_lines = readers._read_jsonl_exact(path, text)
    assert lines.tolist() == exact_lines.tolist()
    got = contract.normalize(raw, file=path, lines=lines)
    want = contract.normalize(exact_raw, file=path, lines=exact_lines)
    pd.testing.assert_frame_equal(got, want[got.columns])
    assert set(got.columns) == set(want.columns)


def test_jsonl_fast_path_is_taken_for_ordinary_files(tmp_path):
    path = _write(tmp_path, JSONL_CASES["plain"] + JSONL_CASES["korean and emoji"])
    assert readers._read_jsonl_fast(open(path, encoding="utf-8").read()) is not None


@pytest.mark.parametrize("text", [
    '{"id": "1", "source": "x", "created_at": "2026-01-05", "text": "a"}\n\n{"id": "2", "source": "x"}\n',
    '{"id": "1", "source": "x", "created_at": "2026-01-05", "text": "a"}\n[1, 2]\n',
    '{"id": "1", "source": "x", "created_at": "2026-01-05", "text": "a"}\n{"id": "2", "source": "x", "te\n',
    '{"id": "1", "source": "x", "created_at": "yesterday", "text": "a", "geo": {"lat": 1}}\n',
])
def test_jsonl_fast_path_steps_aside_where_it_could_differ(text):
    fast = readers._read_jsonl_fast(text)
    if fast is not None:  # it may read the file, but then it must agree with the exact reader
        exact = readers._read_jsonl_exact("m.jsonl", text)
        assert fast[1].tolist() == exact[1].tolist()


def test_nested_extra_values_are_kept_as_json(tmp_path):
    path = _write(tmp_path, JSONL_CASES["extras, nested"])
    raw, lines = readers.read_rows(path)
    extra = contract.normalize(raw, file=path, lines=lines)["extra"]
    assert json.loads(extra.iat[0]) == {"region": "KR", "geo": {"lat": 37.5, "lon": 127.0}}
    assert pd.isna(extra.iat[1])


def test_whole_numbers_stay_exact_when_some_rows_lack_the_key(tmp_path):
    rows = [{**BASE, "id": 1234567890123456789, "likes": -1}, {**BASE, "id": "x2", "author_id": 9007199254740993}]
    path = _write(tmp_path, rows)
    raw, lines = readers._read_jsonl_exact(path, open(path, encoding="utf-8").read())
    assert raw["id"].iat[0] == 1234567890123456789 and raw["author_id"].iat[1] == 9007199254740993
    with pytest.raises(InputError) as err:
        contract.normalize(raw, file=path, lines=lines)
    assert "likes: '-1' is negative" in str(err.value)
