"""Spike detection on simulations whose noise is not the detector's model, and small hand-built cases.

The simulation is a smaller run of ``python -m bench.eval_detection`` (see ``tests/spike_world.py`` for the
simulators and the protocol): four simulators, four 60-day streams each, three events per stream.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics import detect_crises, detect_spikes
from tests import spike_world as sw

COLUMNS = ["start", "end", "peak", "observed", "expected", "ratio", "p_value", "severity", "ongoing"]


def _simulate(events: str, detect, data, seed: int) -> dict[str, sw.Score]:
    rng = np.random.default_rng(seed)
    out = {}
    for kind in sw.KINDS:
        scores = [sw.evaluate(sw.stream(kind, rng, events=events), detect, data) for _ in range(4)]
        out[kind] = sum(scores[1:], scores[0])
    return out


@pytest.fixture(scope="module")
def crises():
    return _simulate("crisis", lambda d, now: detect_crises(d, now=now, drivers=False), sw.labelled, seed=7)


@pytest.fixture(scope="module")
def volume():
    return _simulate("volume", lambda d, now: detect_spikes(d, now=now), sw.volume, seed=8)


@pytest.mark.parametrize("which", ["crises", "volume"])
def test_events_are_found_within_3_hours_starting_within_an_hour(which, request):
    scores = request.getfixturevalue(which)
    pooled = sum(list(scores.values())[1:], scores["gamma"])
    assert len(pooled.found) == 48 and sum(pooled.night) >= 20
    report = {k: (round(s.found_share, 2), round(s.night_found_share, 2)) for k, s in scores.items()}
    assert pooled.found_share >= 0.9, report
    assert pooled.night_found_share >= 0.9, report  # night-time events are not missed
    assert scores["ar1"].found_share >= 0.9, report  # nor under a drifting level
    assert all(abs(e) <= 1 for e in pooled.start_error_hours)


@pytest.mark.parametrize("which", ["crises", "volume"])
def test_at_most_one_false_incident_per_30_days(which, request):
    scores = request.getfixturevalue(which)
    report = {k: round(s.false_per_30_days, 2) for k, s in scores.items()}
    assert all(s.false_per_30_days <= 1.0 for s in scores.values()), report


# -- hand-built cases ---------------------------------------------------------------------------------


def _stream(days=28, level=50.0, seed=4, start="2026-01-05") -> pd.Series:
    rng = np.random.default_rng(seed)
    hours = pd.date_range(start, periods=24 * days, freq="h")
    season = level * (1 + 0.6 * np.sin(2 * np.pi * (hours.hour.to_numpy() - 9) / 24))
    return pd.Series(rng.poisson(season), index=hours).astype(float)


def test_a_spike_is_found_with_its_start_peak_and_size():
    y = _stream()
    y.iloc[24 * 25 + 14: 24 * 25 + 18] *= 3
    found = detect_spikes(y)
    assert len(found) == 1 and list(found.columns[:9]) == COLUMNS
    row = found.iloc[0]
    assert row["start"] == pd.Timestamp("2026-01-30 14:00", tz="UTC")
    assert row["end"] == pd.Timestamp("2026-01-30 18:00", tz="UTC")
    assert 2.5 < row["ratio"] < 3.5 and row["observed"] == y.iloc[24 * 25 + 14: 24 * 25 + 18].sum()
    assert row["severity"] in ("moderate", "high") and row["p_value"] < 1e-10 and not row["ongoing"]


def test_empty_and_short_series_say_so_instead_of_flagging():
    empty = detect_spikes(pd.Series([], dtype=float, index=pd.DatetimeIndex([])))
    assert empty.empty and list(empty.columns[:9]) == COLUMNS
    short = _stream(days=3)
    short.iloc[-6:] *= 10  # a huge burst, but nothing to compare it with
    found = detect_spikes(short)
    assert found.empty and found.attrs["note"] == "not enough history: 2 days of the 7 needed"
    assert "note" not in detect_spikes(_stream()).attrs


def test_a_burst_from_nothing_has_no_ratio():
    hours = pd.date_range("2026-01-05", periods=24 * 20, freq="h")
    y = pd.Series(0.0, index=hours)
    y.iloc[[30, 200, 333]] = 1  # three stray mentions in almost three weeks
    y.iloc[24 * 18 + 5: 24 * 18 + 8] = [20, 35, 12]
    found = detect_spikes(y)
    assert len(found) == 1
    row = found.iloc[0]
    assert row["expected"] < 1 and row["ratio"] is None  # "a new burst, no baseline", not "× 7,591,320,263"
    assert row["severity"] == "critical"  # an excess of 67, 8 times the smallest incident


def test_hours_without_collection_are_not_silence():
    y = _stream()
    outage = slice(24 * 20, 24 * 22)  # two days without collection
    gap = y.copy()
    gap.iloc[outage] = np.nan
    zeros = y.copy()
    zeros.iloc[outage] = 0.0
    after = 24 * 22 + 10
    for data, kw in ((gap, {}), (zeros, {})):  # NaN, or zeros the volume makes implausible
        found, series = detect_spikes(data, with_series=True, **kw)
        assert found.empty
        assert (series["exposure"].iloc[outage] == 0).all() and series["expected"].iloc[outage].isna().all()
        assert series["expected"].iloc[after] == pytest.approx(series["expected"].iloc[after - 7 * 24], rel=0.3)
    # Read as silence, the same zeros drag the expectation down after the outage.
    _, silent = detect_spikes(zeros, with_series=True, infer_gaps=False)
    assert silent["expected"].iloc[24 * 22] < 0.5 * series["expected"].iloc[24 * 22]


def test_coverage_and_a_part_filled_last_bin_scale_the_expectation():
    y = _stream()
    half = pd.Series(0.5, index=[y.index[24 * 24 + 12]])
    thin = y.copy()
    thin.iloc[24 * 24 + 12] = round(thin.iloc[24 * 24 + 12] / 2)  # collected for half of that hour
    found, series = detect_spikes(thin, coverage=half, with_series=True)
    assert found.empty and series["exposure"].iloc[24 * 24 + 12] == 0.5
    full = series["expected"].iloc[24 * 24 + 11]
    now = y.index[-1] + pd.Timedelta(minutes=15)
    part = y.copy()
    part.iloc[-1] = round(part.iloc[-1] / 4)
    _, series = detect_spikes(part, now=now, with_series=True)
    assert series["exposure"].iloc[-1] == 0.25
    _, whole = detect_spikes(y, with_series=True)
    assert series["expected"].iloc[-1] == pytest.approx(0.25 * whole["expected"].iloc[-1], rel=1e-9)
    assert full > 0


def test_times_naive_aware_and_finer_than_the_bins_agree():
    y = _stream()
    y.iloc[24 * 25 + 14: 24 * 25 + 18] *= 3
    base = detect_spikes(y)
    seoul = y.copy()
    seoul.index = y.index.tz_localize("UTC").tz_convert("Asia/Seoul")
    pd.testing.assert_frame_equal(detect_spikes(seoul), base)
    minutes = pd.Series(np.repeat(y.to_numpy() / 4, 4), index=pd.date_range(y.index[0], periods=4 * len(y), freq="15min"))
    pd.testing.assert_frame_equal(detect_spikes(minutes), base)


def test_a_past_incident_does_not_hide_the_same_one_a_week_later():
    y = _stream(days=35)
    for day in (21, 28):  # the same hours of the same weekday
        y.iloc[24 * day + 14: 24 * day + 18] *= 3
    found = detect_spikes(y)
    assert [s.day for s in found["start"]] == [26, 2]


def test_a_call_up_to_now_reports_what_a_later_call_reports_about_the_past():
    y = _stream(days=35)
    y.iloc[24 * 21 + 14: 24 * 21 + 18] *= 3
    y.iloc[24 * 30 + 3: 24 * 30 + 7] *= 4
    later = detect_spikes(y)
    now = y.index[24 * 30 + 5]
    earlier = detect_spikes(y[y.index < now], now=now)
    assert len(later) == 2 and len(earlier) == 2
    pd.testing.assert_series_equal(earlier["start"], later["start"])
    assert earlier["ongoing"].tolist() == [False, True]


def test_a_one_hour_burst_is_kept_out_of_the_baseline_but_reported_only_if_it_goes_on():
    y = _stream()
    y.iloc[24 * 25 + 14] *= 4
    assert detect_spikes(y).empty
    _, series = detect_spikes(y, with_series=True)
    assert series["flagged"].iloc[24 * 25 + 14]
    assert len(detect_spikes(y, persistence=1)) == 1


def test_a_one_hour_burst_of_many_threads_is_reported_and_one_thread_is_not():
    from metrics.spikes import largest_thread

    y = _stream()
    at = 24 * 25 + 14
    burst = 3 * y.iloc[at]
    y.iloc[at] += burst
    many = pd.Series(np.minimum(y, 1.0), index=y.index)  # every mention its own post: the largest "thread" is 1
    assert len(detect_spikes(y, largest=many)) == 1
    one = many.copy()
    one.iloc[at] = burst  # the extra mentions are one post and its shares
    assert detect_spikes(y, largest=one).empty and detect_spikes(y).empty
    # From thread ids: the same figures.
    hours = y.index.repeat(2)
    events = np.column_stack([y.to_numpy() - 1, np.ones(len(y))]).ravel()
    ids = np.where(np.arange(len(hours)) % 2 == 0, "rest", "post")
    bins = pd.DatetimeIndex(y.index, tz="UTC")
    assert largest_thread(bins, "1h", hours, events, ids)[at] == y.iloc[at] - 1  # the "rest" row is one thread
    assert largest_thread(bins, "1h", hours, events, np.where(ids == "rest", None, ids))[at] == y.iloc[at] - 1
    assert largest_thread(bins, "1h", hours, events)[at] == y.iloc[at]  # counts summed: an upper bound


def test_settings_are_checked():
    with pytest.raises(TypeError, match="unknown spike setting 'alpah'"):
        detect_spikes(_stream(), alpah=0.01)
    with pytest.raises(ValueError, match="divide a day"):
        detect_spikes(_stream(), freq="7h")


def test_a_repeated_scan_is_given_again_only_for_the_very_same_bins():
    """Scans are kept by their exact inputs: the same bins give the same scan, and one more event in a past hour
    (or a later end) gives the scan a fresh engine gives."""
    from metrics import spikes

    rng = np.random.default_rng(5)
    hours = pd.date_range("2026-01-05", periods=24 * 21, freq="h", tz="UTC")
    y = pd.Series(rng.poisson(30 * (1 + 0.5 * np.sin(2 * np.pi * hours.hour / 24))), index=hours).astype(float)
    y.iloc[24 * 20 + 10: 24 * 20 + 14] *= 3
    s = spikes.SpikeSettings.of()

    def fresh(counts, now=None):
        binned = spikes.bin_counts(counts, now=now)
        return spikes._Engine(binned, pd.Timedelta("1h"), s).run()

    def same(a, b):
        return all(np.array_equal(getattr(a, k), getattr(b, k), equal_nan=True)
                   for k in ("y", "exposure", "expected", "variance", "flagged", "scored"))

    first = spikes.scan(spikes.bin_counts(y), pd.Timedelta("1h"), s)
    assert spikes.scan(spikes.bin_counts(y), pd.Timedelta("1h"), s) is first and same(first, fresh(y))
    changed = y.copy()
    changed.iloc[24 * 20 + 2] += 60  # a late event in a past hour
    again = spikes.scan(spikes.bin_counts(changed), pd.Timedelta("1h"), s)
    assert again is not first and same(again, fresh(changed)) and not same(again, first)
    later = spikes.scan(spikes.bin_counts(y, now=hours[-1] + pd.Timedelta("30min")), pd.Timedelta("1h"), s)
    assert later is not first and same(later, fresh(y, hours[-1] + pd.Timedelta("30min")))
    assert detect_spikes(changed).equals(detect_spikes(changed))
    with pytest.raises(ValueError):
        first.flagged[0] = True  # given to every caller: nobody may change it
