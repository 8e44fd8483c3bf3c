"""Rate windows and hourly history across DST changes, without Home Assistant."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.energy_monitor.lib.octopus.history import (
    HALF_HOUR,
    hourly,
    latest_complete_day,
    running_sums,
)
from custom_components.energy_monitor.lib.octopus.model import (
    Agreement,
    Interval,
    Rate,
    clip_agreements,
)
from custom_components.energy_monitor.lib.octopus.rates import RateTimeline

LONDON = ZoneInfo("Europe/London")
AUTUMN = datetime(2026, 10, 24, 23, 0, tzinfo=UTC)
"""Local midnight of Sunday 25 October 2026 (BST), a 25-hour day."""


def agile(start: datetime, count: int) -> RateTimeline:
    """Return half-hourly rates 0.01, 0.02, ... from ``start``."""
    return RateTimeline(
        Rate(start + n * HALF_HOUR, start + (n + 1) * HALF_HOUR, (n + 1) / 100)
        for n in range(count)
    )


def test_timeline_windows() -> None:
    """Now, next, before and the next change; gaps and open ends."""
    start = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
    timeline = agile(start, 4)
    moment = start + timedelta(minutes=40)
    assert timeline.at(moment).price == 0.02  # type: ignore[union-attr]
    assert timeline.following(moment).price == 0.03  # type: ignore[union-attr]
    assert timeline.preceding(moment).price == 0.01  # type: ignore[union-attr]
    assert timeline.next_change(moment) == start + timedelta(hours=1)
    assert timeline.next_change(start - timedelta(hours=1)) == start
    assert timeline.next_change(start + timedelta(hours=3)) is None
    assert timeline.at(start + timedelta(hours=2)) is None
    assert timeline.known_until() == start + timedelta(hours=2)
    assert timeline.following(start + timedelta(minutes=90)) is None
    assert timeline.preceding(start) is None
    assert timeline.forecast(start - timedelta(hours=1), UTC)[0]["price"] == 0.01
    # Overlapping rates: a window ends where the next starts.
    fixed = RateTimeline(
        [
            Rate(start, None, 0.2),
            Rate(start + timedelta(days=1), None, 0.25),
        ]
    )
    assert fixed.at(start + timedelta(hours=30)).price == 0.25  # type: ignore[union-attr]
    assert fixed.following(start).price == 0.25  # type: ignore[union-attr]
    assert fixed.known_until() is None
    assert not RateTimeline([])
    assert RateTimeline([]).known_until() is None


def test_agreements_clipped() -> None:
    """Only the agreements overlapping a period, cut to it."""
    switch = datetime(2026, 3, 15, tzinfo=UTC)
    agreements = [
        Agreement("E-1R-AGILE-24-10-01-C", switch, None),
        Agreement("E-1R-VAR-22-11-01-C", switch - timedelta(days=30), switch),
    ]
    clipped = clip_agreements(
        agreements, switch - timedelta(days=1), switch + timedelta(days=1)
    )
    assert [(a.product_code, lower, upper) for a, lower, upper in clipped] == [
        ("VAR-22-11-01", switch - timedelta(days=1), switch),
        ("AGILE-24-10-01", switch, switch + timedelta(days=1)),
    ]
    assert Agreement("E-2R-VAR-22-11-01-C", switch, None).dual_register


def test_forecast_across_the_autumn_change() -> None:
    """50 half hours on 25 October; local times repeat 01:00-02:00 with two offsets."""
    timeline = agile(AUTUMN, 50)
    forecast = timeline.forecast(AUTUMN, LONDON)
    assert len(forecast) == 50
    starts = [slot["start"] for slot in forecast]
    assert "2026-10-25T01:30:00+01:00" in starts
    assert "2026-10-25T01:30:00+00:00" in starts
    assert forecast[-1]["end"] == "2026-10-26T00:00:00+00:00"


def test_hourly_on_a_25_hour_day() -> None:
    """25 UTC hours; one standing charge, at local midnight (23:00 UTC in BST)."""
    intervals = [
        Interval(AUTUMN + n * HALF_HOUR, AUTUMN + (n + 1) * HALF_HOUR, 0.5)
        for n in range(50)
    ]
    charges = RateTimeline([Rate(AUTUMN - timedelta(days=10), None, 0.5)])
    hours = hourly(intervals, agile(AUTUMN, 50), charges, LONDON)
    assert len(hours) == 25
    assert hours[0].start == AUTUMN
    assert hours[0].cost == pytest.approx(0.5 + 0.5 * 0.01 + 0.5 * 0.02)
    assert hours[1].cost == pytest.approx(0.5 * 0.03 + 0.5 * 0.04)
    assert sum(hour.energy for hour in hours) == pytest.approx(25.0)
    day = latest_complete_day(intervals, agile(AUTUMN, 50), charges, LONDON)
    assert day is not None
    assert day.day == date(2026, 10, 25)
    assert day.energy_kwh == pytest.approx(25.0)
    assert day.cost == pytest.approx(0.5 + 0.5 * sum(n / 100 for n in range(1, 51)))
    assert day.start == AUTUMN
    # Without rates, a half hour is counted as unpriced, and no day is priced.
    unpriced = hourly(intervals, RateTimeline([]), charges, LONDON)
    assert unpriced[1].unpriced == 2
    assert latest_complete_day(intervals, RateTimeline([]), charges, LONDON) is None
    # A day with a half hour missing is not complete.
    assert (
        latest_complete_day(intervals[1:], agile(AUTUMN, 50), charges, LONDON) is None
    )


def test_running_sums() -> None:
    """Sums continue from the base."""
    start = datetime(2026, 3, 20, tzinfo=UTC)
    rows = running_sums([(start, 1.0), (start + timedelta(hours=1), 2.0)], 10.0)
    assert [(row.state, row.sum) for row in rows] == [(1.0, 11.0), (2.0, 13.0)]
