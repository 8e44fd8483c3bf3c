"""opengrid's analyses (opengridcc/opengrid ``opengrid/library/analysis.py``).

Plain functions over (time, value) series; the tests reproduce opengrid's
own golden values with them. Times are local (aware or naive): a day is a
calendar day of the times given.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from itertools import pairwise
import math

PEAK_STEP_W = 3000.0
"""A rise between two samples above this is a peak (opengrid's count_peaks)."""


def in_window(moment: time, window: tuple[time, time]) -> bool:
    """Tell whether ``moment`` is in [start, end); a window may wrap midnight."""
    start, end = window
    if start > end:
        return moment >= start or moment < end
    return start <= moment < end


def standby(
    samples: Iterable[tuple[datetime, float]], window: tuple[time, time] | None = None
) -> dict[date, float]:
    """Return per day the minimum power within ``window`` (opengrid's standby).

    As in opengrid, a window wrapping midnight (22:00-06:00) takes both ends
    of the same calendar day.
    """
    minimum: dict[date, float] = {}
    for moment, value in samples:
        if math.isnan(value) or (window and not in_window(moment.time(), window)):
            continue
        day = moment.date()
        if day not in minimum or value < minimum[day]:
            minimum[day] = value
    return minimum


def daily_mean(samples: Iterable[tuple[datetime, float]]) -> dict[date, float]:
    """Return per day the mean of the values (opengrid's resample('D').mean())."""
    sums: dict[date, tuple[float, int]] = {}
    for moment, value in samples:
        if math.isnan(value):
            continue
        total, count = sums.get(moment.date(), (0.0, 0))
        sums[moment.date()] = (total + value, count + 1)
    return {day: total / count for day, (total, count) in sums.items()}


def share_of_standby(
    samples: Sequence[tuple[datetime, float]], window: tuple[time, time] | None = None
) -> float:
    """Return the standby's share of the consumption.

    As opengrid: the sum of the daily standby over the sum of the daily mean.
    """
    total = math.fsum(daily_mean(samples).values())
    return math.fsum(standby(samples, window).values()) / total if total else 0.0


def load_factor(values: Sequence[float], norm: float | None = None) -> float:
    """Return the mean over the norm (default: the maximum), opengrid's load factor."""
    valid = [value for value in values if not math.isnan(value)]
    if not valid:
        return math.nan
    norm = max(valid) if norm is None else norm
    return math.fsum(valid) / len(valid) / norm if norm else math.nan


def count_peaks(values: Sequence[float], step: float = PEAK_STEP_W) -> int:
    """Return how often the value jumps by more than ``step`` (opengrid).

    A jump right after another one counts once.
    """
    count = 0
    previous_toggle = False
    for before, after in pairwise(values):
        toggle = after - before > step
        count += toggle and not previous_toggle
        previous_toggle = toggle
    return count


def temperature_equivalent(daily_temperatures: Sequence[float]) -> list[float]:
    """Return 0.6 T(d) + 0.3 T(d-1) + 0.1 T(d-2) per day (NaN for the first two)."""
    return [
        0.6 * daily_temperatures[index]
        + 0.3 * daily_temperatures[index - 1]
        + 0.1 * daily_temperatures[index - 2]
        if index >= 2  # noqa: PLR2004
        else math.nan
        for index in range(len(daily_temperatures))
    ]


def degree_days(equivalent: float, base: float, *, cooling: bool = False) -> float:
    """Return the heating (or cooling) degree days of one day (never negative)."""
    difference = equivalent - base if cooling else base - equivalent
    return max(difference, 0.0) if not math.isnan(difference) else math.nan
