"""When people post: daily and weekly rhythm, a slight trend, and noise wider than Poisson.

Times are minutes since the world's start (midnight UTC of its first day). English speakers are spread over
Europe and the Americas, so their day is read in UTC with a trough around 05:00-07:00 UTC; Korean speakers
follow Korea's clock (UTC+9).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

# Relative activity by local hour (0..23), before normalising to mean 1.
_EN_UTC = [1.0, 0.85, 0.65, 0.45, 0.3, 0.22, 0.2, 0.25, 0.4, 0.6, 0.8, 0.95,
           1.05, 1.15, 1.25, 1.3, 1.35, 1.35, 1.3, 1.3, 1.3, 1.25, 1.2, 1.1]
_KO_LOCAL = [1.0, 0.7, 0.45, 0.25, 0.15, 0.12, 0.18, 0.35, 0.6, 0.8, 0.9, 1.0,
             1.15, 1.05, 1.0, 1.0, 1.05, 1.1, 1.2, 1.35, 1.5, 1.55, 1.45, 1.25]
#: Monday..Sunday.
WEEKDAY = np.array([1.0, 1.06, 1.08, 1.05, 0.97, 0.82, 0.88])
#: Growth of mention volume per day (slight upward trend).
TREND_PER_DAY = 0.0015


def hour_curve(lang: str) -> np.ndarray:
    """Relative activity for each UTC hour of the day (mean 1)."""
    if lang == "ko":
        curve = np.array([_KO_LOCAL[(h + 9) % 24] for h in range(24)])
    else:
        curve = np.array(_EN_UTC)
    return curve / curve.mean()


def hourly_profile(start: dt.date, days: int, lang: str) -> np.ndarray:
    """Expected relative volume of each hour of the calendar (daily x weekly rhythm x trend)."""
    hours = np.arange(days * 24)
    day = hours // 24
    weekday = (start.weekday() + day) % 7
    week = WEEKDAY / WEEKDAY.mean()
    return hour_curve(lang)[hours % 24] * week[weekday] * np.exp(TREND_PER_DAY * day)


def sample_times(rng: np.random.Generator, expected: np.ndarray, *, day_sd: float = 0.12, hour_shape: float = 6.0) -> np.ndarray:
    """Event times (minutes) for an hourly expected count, with day- and hour-level gamma/log-normal noise.

    Real mention counts are overdispersed: a quiet day and a busy day differ by more than Poisson allows.
    """
    n_hours = len(expected)
    days = (n_hours + 23) // 24
    day_noise = rng.lognormal(-day_sd**2 / 2, day_sd, days)
    hour_noise = rng.gamma(hour_shape, 1.0 / hour_shape, n_hours) if hour_shape else np.ones(n_hours)
    counts = rng.poisson(expected * np.repeat(day_noise, 24)[:n_hours] * hour_noise)
    hours = np.repeat(np.arange(n_hours), counts)
    return (hours + rng.random(len(hours))) * 60.0
