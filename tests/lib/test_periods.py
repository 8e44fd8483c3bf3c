"""Daily and yearly energy from lifetime counters: boundaries, DST, restarts."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.energy_monitor.lib.periods import (
    Period,
    PeriodTotals,
    PeriodValue,
)

ZONE = ZoneInfo("Europe/Brussels")


def at(
    day: int, hour: int, minute: int = 0, month: int = 6, year: int = 2026
) -> datetime:
    """Return a local moment in Brussels."""
    return datetime(year, month, day, hour, minute, tzinfo=ZONE)


def test_derived_from_the_lifetime_counter_across_midnight() -> None:
    """Started mid-day the total counts from the start; then from midnight."""
    today = PeriodTotals(Period.DAY)
    assert today.update("inv", at(20, 14), 100.0) == PeriodValue(0.0, at(20, 14))
    assert today.update("inv", at(20, 18), 104.5) == PeriodValue(4.5, at(20, 14))
    assert today.update("inv", at(21, 0, 5), 104.5) == PeriodValue(0.0, at(21, 0))
    assert today.update("inv", at(21, 12), 110.0) == PeriodValue(5.5, at(21, 0))


def test_no_reading_for_a_while_still_restarts_at_midnight() -> None:
    """A counter that did not change since yesterday shows 0 today."""
    today = PeriodTotals(Period.DAY)
    today.update("inv", at(20, 20), 50.0)
    assert today.update("inv", at(22, 9), None) == PeriodValue(0.0, at(22, 0))
    assert today.update("inv", at(22, 10), 51.25) == PeriodValue(1.25, at(22, 0))


@pytest.mark.parametrize(
    ("month", "day", "hours"),
    [(3, 29, 23), (10, 25, 25)],
)
def test_days_of_23_and_25_hours(month: int, day: int, hours: int) -> None:
    """The day starts at local midnight whatever the day's length."""
    today = PeriodTotals(Period.DAY)
    midnight = datetime(2026, month, day, tzinfo=ZONE)
    today.update("inv", midnight - timedelta(minutes=1), 10.0)
    late = datetime(2026, month, day, 23, 59, tzinfo=ZONE)
    value = today.update("inv", late, 13.0)
    assert value == PeriodValue(3.0, midnight)
    assert value is not None
    elapsed = late.astimezone(UTC) - value.since.astimezone(UTC)
    assert elapsed.total_seconds() / 3600 == pytest.approx(hours - 1 / 60)


def test_year_restarts_at_local_new_year() -> None:
    """This year's energy restarts at midnight on 1 January, local time."""
    year = PeriodTotals(Period.YEAR)
    year.update("inv", at(31, 23, month=12, year=2026), 4000.0)
    value = year.update("inv", at(1, 0, 30, month=1, year=2027), 4000.0)
    assert value == PeriodValue(0.0, at(1, 0, month=1, year=2027))
    assert value.since.utcoffset() == timedelta(hours=1)


def test_reported_values_are_shown_as_they_are() -> None:
    """A device's own 'energy today' counts from the start of the day."""
    today = PeriodTotals(Period.DAY)
    assert today.update("inv", at(20, 14), 100.0, 7.25) == PeriodValue(7.25, at(20, 0))
    assert today.update("inv", at(20, 15), None, 7.5) == PeriodValue(7.5, at(20, 0))


def test_yesterday_leftover_is_not_counted_again() -> None:
    """An inverter keeps yesterday's total until it wakes: not counted twice."""
    today = PeriodTotals(Period.DAY)
    today.update("inv", at(20, 21), 200.0, 12.0)
    # After midnight the inverter still says 12 kWh today: that is yesterday's.
    assert today.update("inv", at(21, 0, 10), 200.0, 12.0) == PeriodValue(
        0.0, at(21, 0)
    )
    assert today.update("inv", at(21, 6), 200.0, 12.0) == PeriodValue(0.0, at(21, 0))
    # It wakes up and restarts its day counter.
    assert today.update("inv", at(21, 7), 200.05, 0.05) == PeriodValue(0.05, at(21, 0))
    assert today.update("inv", at(21, 12), 208.0, 8.0) == PeriodValue(8.0, at(21, 0))


def test_reported_value_within_tolerance_is_trusted_after_midnight() -> None:
    """A restarted counter slightly above the derived value is accepted."""
    today = PeriodTotals(Period.DAY, reset_tolerance=0.2)
    today.update("inv", at(20, 21), 100.0, 3.0)
    assert today.update("inv", at(21, 8), 100.0, 0.15) == PeriodValue(0.15, at(21, 0))


def test_reported_without_lifetime_counter() -> None:
    """Without a lifetime counter the reported value is all there is."""
    today = PeriodTotals(Period.DAY)
    assert today.update("inv", at(20, 20), None) is None
    today.update("inv", at(20, 21), None, 9.0)
    assert today.update("inv", at(21, 9), None, 1.0) == PeriodValue(1.0, at(21, 0))
    # A lifetime counter that appears later does not change the source today.
    assert today.update("inv", at(21, 10), 500.0) == PeriodValue(1.0, at(21, 0))
    # The next day it is the baseline: derived until the device restarts.
    assert today.update("inv", at(22, 1), 500.5, 1.0) == PeriodValue(0.5, at(22, 0))


def test_reported_value_is_held_while_the_device_is_silent() -> None:
    """A sleeping inverter stops reporting: today's value stays, same reset."""
    today = PeriodTotals(Period.DAY)
    today.update("inv", at(20, 12), 300.0, 6.0)
    assert today.update("inv", at(20, 22), 300.0) == PeriodValue(6.0, at(20, 0))
    restored = PeriodTotals(Period.DAY)
    restored.restore(today.snapshot())
    assert restored.update("inv", at(20, 23), None) == PeriodValue(6.0, at(20, 0))


def test_reported_value_appearing_mid_period_waits_for_the_next() -> None:
    """Counting from a moment, the day stays derived: its reset never moves."""
    today = PeriodTotals(Period.DAY)
    assert today.update("inv", at(20, 12), 300.0) == PeriodValue(0.0, at(20, 12))
    assert today.update("inv", at(20, 13), 301.0, 7.0) == PeriodValue(1.0, at(20, 12))
    assert today.update("inv", at(21, 9), 301.5, 0.5) == PeriodValue(0.5, at(21, 0))


def test_counter_that_goes_down_gives_zero_not_negative() -> None:
    """A lower lifetime reading never makes the period total negative."""
    today = PeriodTotals(Period.DAY)
    today.update("inv", at(20, 10), 100.0)
    assert today.update("inv", at(20, 11), 99.0) == PeriodValue(0.0, at(20, 10))


def test_clock_going_back_stays_in_the_current_period() -> None:
    """A moment before the tracked period does not start a new one."""
    today = PeriodTotals(Period.DAY)
    today.update("inv", at(20, 23, 59), 10.0)
    today.update("inv", at(21, 0, 1), 10.5)
    assert today.update("inv", at(20, 23, 58), 11.0) == PeriodValue(1.0, at(21, 0))


def test_restart_continues_the_period() -> None:
    """Stored and restored: the same day continues, the next one restarts."""
    before = PeriodTotals(Period.DAY)
    before.update("inv", at(20, 8), 100.0)
    before.update("inv", at(20, 12), 103.0)
    snapshot = before.snapshot()

    same_day = PeriodTotals(Period.DAY)
    same_day.restore(snapshot)
    assert same_day.update("inv", at(20, 15), 105.0) == PeriodValue(5.0, at(20, 8))

    next_day = PeriodTotals(Period.DAY)
    next_day.restore(snapshot)
    assert next_day.update("inv", at(21, 9), 104.0) == PeriodValue(1.0, at(21, 0))


def test_restore_skips_unreadable_entries() -> None:
    """Damaged stored entries are ignored; good ones kept; live ones win."""
    totals = PeriodTotals(Period.DAY)
    totals.update("live", at(20, 8), 1.0)
    good = {
        "start": at(20, 0).isoformat(),
        "since": at(20, 0).isoformat(),
        "baseline": 7,
        "last": None,
        "trusted": True,
    }
    totals.restore(
        {
            "good": good,
            "live": good,
            "no_start": {**good, "start": None},
            "bad_date": {**good, "since": "yesterday"},
            "bad_number": {**good, "baseline": "7"},
            "missing": {"start": good["start"]},
        }
    )
    assert set(totals.snapshot()) == {"live", "good"}
    assert totals.update("good", at(20, 9), 10.0) == PeriodValue(3.0, at(20, 0))
    assert totals.update("live", at(20, 9), 2.0) == PeriodValue(1.0, at(20, 8))
