"""Simulated hourly mention streams with injected crises or volume spikes, and the detection protocol.

The noise is deliberately *not* the detector's own model (a seasonal negative binomial): each simulator
breaks it in another way.

- ``gamma``: gamma–Poisson hour shocks common to all mentions (shape 6–12, so an hour's mean varies by
  29–41%; ``hour_shape`` sets it), and a negative share that wanders hour to hour (beta).
- ``ar1``: the log level follows an AR(1) process hour to hour (φ 0.97–0.995, stationary s.d. 0.2–0.4),
  and the logit of the negative share another; counts are Poisson around them.
- ``heavy``: mentions come in threads whose sizes are heavy-tailed (discrete Pareto, tail index 2.2–3; a
  thread is all negative or not, and lies within one hour), so counts are compound Poisson with rare huge
  hours.
- ``mixed``: all three at once (hour shocks of shape 8–16, AR(1) drift of s.d. 0.2, threads of tail index
  2.5–3).

All have daily (trough at 02:00–04:00 UTC, amplitude 0.5–0.7) and weekly seasonality (weekends quieter) and
a level of 60–150 mentions an hour, 8–20% of them negative. Events start after two weeks of history, at
least a week apart, half of them at night (00:00–05:00, the trough). A crisis multiplies the seasonal
negatives by 4 for 6 hours; a volume spike multiplies all mentions by 3 for 2–6 hours. The extra mentions
come in the simulator's own way (threads for ``heavy``).

Protocol: an event is *found* when a call that sees data up to 3 hours after its start reports an incident
starting within an hour of it; a *false incident* is one, in a call over the whole series, that overlaps no
event (from an hour before its start to 3 hours after its end).

Threads: each crisis stream also keeps the negatives of each hour's largest thread (``largest_negative``) —
what thread ids tell the detector. Negatives not drawn as threads (those of ``gamma`` and ``ar1``, and the
extra negatives of a crisis outside ``heavy``) are threads of one. Keeping it draws nothing more: a seed's
counts are the same as before it was kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

KINDS = ("gamma", "ar1", "heavy", "mixed")
START = pd.Timestamp("2026-01-05", tz="UTC")


@dataclass
class Stream:
    hours: pd.DatetimeIndex
    total: np.ndarray
    negative: np.ndarray
    events: list[tuple[pd.Timestamp, int]]  # (start, hours)
    night: list[bool]
    seasonal_total: np.ndarray  # the seasonal mean of all mentions (without shocks or events)
    seasonal_negative: np.ndarray
    largest_negative: np.ndarray | None = None  # negatives of each hour's largest thread


def _ar1(rng, n, phi, sd):
    """A stationary AR(1) path with lag-one correlation ``phi`` and marginal s.d. ``sd``."""
    eps = rng.normal(0, sd * np.sqrt(1 - phi**2), n)
    x = np.empty(n)
    x[0] = rng.normal(0, sd)
    for i in range(1, n):
        x[i] = phi * x[i - 1] + eps[i]
    return x


def _threads(rng, mean, alpha, largest: list | None = None):
    """Compound Poisson counts with mean ``mean``: Poisson many threads of discrete Pareto sizes (P(C ≥ k) = k^−α).

    ``largest``: a list that receives the size of each hour's largest thread (0 where none); it draws nothing.
    """
    zeta = special.zeta(alpha)
    n = rng.poisson(np.maximum(mean, 0) / zeta)
    out = np.zeros(len(n))
    top = np.zeros(len(n))
    total = int(n.sum())
    if total:
        sizes = np.floor(rng.random(total) ** (-1 / alpha))
        hour = np.repeat(np.arange(len(n)), n)
        out = np.bincount(hour, weights=sizes, minlength=len(n))
        np.maximum.at(top, hour, sizes)
    if largest is not None:
        largest.append(top)
    return out


def stream(kind: str, rng: np.random.Generator, *, days: int = 60, events: str = "crisis", n_events: int = 3,
           level: tuple[float, float] = (60, 150), hour_shape: float | None = None) -> Stream:
    """One simulated stream of ``kind`` with ``n_events`` crises (``events="crisis"``), volume spikes
    (``"volume"``) or none."""
    hours = pd.date_range(START + pd.Timedelta(days=int(rng.integers(0, 7))), periods=24 * days, freq="h")
    n = len(hours)
    h, dow = hours.hour.to_numpy(), hours.day_of_week.to_numpy()
    trough = int(rng.integers(2, 5))
    amp = rng.uniform(0.5, 0.7)
    weekly = np.array([1.1, 1.05, 1.0, 1.0, 0.95, 0.75, 0.7]) * rng.uniform(0.9, 1.1, 7)
    mu_total = rng.uniform(*level) * (1 + amp * np.sin(2 * np.pi * (h - trough - 6) / 24)) * weekly[dow]
    share = rng.uniform(0.08, 0.2)
    mu_neg = mu_total * share
    alpha = rng.uniform(2.2, 3.0)
    tops: list = []  # the largest thread of each hour, where the negatives are drawn as threads

    if kind == "gamma":
        k = rng.uniform(6, 12) if hour_shape is None else hour_shape
        total = rng.poisson(mu_total * rng.gamma(k, 1 / k, n)).astype(float)
        conc = rng.uniform(100, 300)
        negative = rng.binomial(total.astype(int), rng.beta(share * conc, (1 - share) * conc, n)).astype(float)
    elif kind == "ar1":
        x = _ar1(rng, n, rng.uniform(0.97, 0.995), rng.uniform(0.2, 0.4))
        z = _ar1(rng, n, 0.99, 0.2)
        p = special.expit(special.logit(share) + z)
        rate = mu_total * np.exp(x - x.var() / 2)
        negative = rng.poisson(rate * p).astype(float)
        total = negative + rng.poisson(rate * (1 - p))
    elif kind == "heavy":
        negative = _threads(rng, mu_neg, alpha, tops)
        total = negative + _threads(rng, mu_total - mu_neg, alpha)
    elif kind == "mixed":
        k = rng.uniform(8, 16) if hour_shape is None else hour_shape
        x = _ar1(rng, n, rng.uniform(0.97, 0.995), 0.2)
        rate = mu_total * np.exp(x - x.var() / 2)
        shock = rate * rng.gamma(k, 1 / k, n)
        alpha = rng.uniform(2.5, 3.0)
        negative = _threads(rng, shock * share, alpha, tops)
        total = negative + _threads(rng, shock * (1 - share), alpha)
    else:
        raise ValueError(kind)
    largest = tops[0] if tops else np.minimum(negative, 1.0)

    starts, night = [], []
    if events != "none":
        first_night = bool(rng.integers(0, 2))
        day = 14 + int(rng.integers(0, 3))
        for k in range(n_events):
            at_night = (k % 2 == 0) == first_night
            hour = int(rng.integers(0, 6)) if at_night else int(rng.integers(8, 21))
            starts.append(hours[0].floor("D") + pd.Timedelta(days=day, hours=hour))
            night.append(at_night)
            day += int(rng.integers(7, 14))
    out_events = []
    for s in starts:
        i = hours.get_loc(s)
        length = 6 if events == "crisis" else int(rng.integers(2, 7))
        seg = slice(i, min(i + length, n))
        base = mu_neg[seg] if events == "crisis" else mu_total[seg]
        factor = 3.0 if events == "crisis" else 2.0  # extra: 4× the seasonal negatives, 3× all mentions
        extra_tops: list = []
        extra = (_threads(rng, factor * base, alpha, extra_tops) if kind == "heavy"
                 else rng.poisson(factor * base).astype(float))
        if events == "crisis":
            negative[seg] += extra
            largest[seg] = np.maximum(largest[seg], extra_tops[0] if extra_tops else np.minimum(extra, 1.0))
        else:
            negative[seg] += rng.binomial(extra.astype(int), share)
        total[seg] += extra
        out_events.append((s, length))
    return Stream(hours, total, negative, out_events, night, mu_total, mu_neg,
                  largest if events != "volume" else None)


def labelled(st: Stream, end: pd.Timestamp | None = None, *, threads: bool = False) -> pd.DataFrame:
    """The stream as pre-aggregated mention rows (``created_at``, ``sentiment_label``, ``count``) before ``end``;
    with ``threads``, the negative rows also carry ``largest_cascade`` (the negatives of the hour's largest
    thread), as ``kpis.hourly_for_crises`` gives them."""
    keep = np.ones(len(st.hours), bool) if end is None else (st.hours < end)
    hours = st.hours[keep]
    neg, tot = st.negative[keep], st.total[keep]
    out = pd.DataFrame({
        "created_at": np.concatenate([hours, hours]),
        "sentiment_label": ["negative"] * len(hours) + ["positive"] * len(hours),
        "count": np.concatenate([neg, tot - neg]),
    })
    if threads:
        out["largest_cascade"] = np.concatenate([st.largest_negative[keep], np.full(len(hours), np.nan)])
    return out


def volume(st: Stream, end: pd.Timestamp | None = None) -> pd.Series:
    keep = np.ones(len(st.hours), bool) if end is None else (st.hours < end)
    return pd.Series(st.total[keep], index=st.hours[keep])


@dataclass
class Score:
    found: list[bool]
    night: list[bool]
    start_error_hours: list[float]  # of the found events
    false_incidents: int
    scored_days: float

    @property
    def found_share(self) -> float:
        return float(np.mean(self.found)) if self.found else float("nan")

    @property
    def night_found_share(self) -> float:
        f = [x for x, n in zip(self.found, self.night, strict=True) if n]
        return float(np.mean(f)) if f else float("nan")

    @property
    def false_per_30_days(self) -> float:
        return self.false_incidents / self.scored_days * 30 if self.scored_days else float("nan")

    def __add__(self, other: Score) -> Score:
        return Score(self.found + other.found, self.night + other.night,
                     self.start_error_hours + other.start_error_hours,
                     self.false_incidents + other.false_incidents, self.scored_days + other.scored_days)


def evaluate(st: Stream, detect, data, *, min_history_days: int = 7, seen_hours: float = 3) -> Score:
    """Score ``detect(data(stream, end), now)`` on one stream by the protocol above (the calls that find an
    event see ``seen_hours`` of it)."""
    found, errors = [], []
    for start, _ in st.events:
        now = start + pd.Timedelta(hours=seen_hours)
        inc = detect(data(st, now), now)
        err = (inc["start"] - start).abs() if len(inc) else pd.Series([], dtype="timedelta64[ns]")
        hit = bool(len(inc)) and bool((err <= pd.Timedelta(hours=1)).any())
        found.append(hit)
        if hit:
            signed = (inc["start"] - start)[err <= pd.Timedelta(hours=1)]
            errors.append(float(signed.iloc[0] / pd.Timedelta(hours=1)))
    end = st.hours[-1] + pd.Timedelta(hours=1)
    inc = detect(data(st, end), end)
    false = 0
    for row in inc.itertuples():
        near = any(row.start < s + pd.Timedelta(hours=length + 3) and row.end > s - pd.Timedelta(hours=1)
                   for s, length in st.events)
        false += not near
    days = (end - st.hours[0]) / pd.Timedelta(days=1) - min_history_days
    return Score(found, list(st.night), errors, false, days)
