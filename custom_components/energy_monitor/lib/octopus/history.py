"""Half-hourly consumption to hourly statistics and daily totals.

Hours are UTC hours (the Energy dashboard's statistics are hourly in UTC), so
a DST day simply has 23 or 25 of them. Each half hour is priced by the unit
rate in force at its start; the standing charge of a local day is added to
the day's first hour (local midnight), so a day's cost is its energy cost plus
one standing charge, whatever its length.

Gas meters report kWh (SMETS1) or m³ (SMETS2); m³ are priced after
conversion to kWh with :func:`gas_kwh_per_m3`.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from .model import Interval
from .rates import RateTimeline

HALF_HOUR = timedelta(minutes=30)
HOUR = timedelta(hours=1)
VOLUME_CORRECTION = 1.02264
"""The UK's standard correction of a gas volume for temperature and pressure."""
DEFAULT_CALORIFIC_VALUE = 40.0
"""MJ/m³ of gas where the bill does not say (UK gas is about 38-41)."""
MJ_PER_KWH = 3.6


def gas_kwh_per_m3(calorific_value: float = DEFAULT_CALORIFIC_VALUE) -> float:
    """Return the kWh a m³ of gas holds (as UK bills convert it)."""
    return VOLUME_CORRECTION * calorific_value / MJ_PER_KWH


@dataclass(frozen=True, slots=True)
class HourTotal:
    """One UTC hour: energy (in the meter's unit) and its cost."""

    start: datetime
    energy: float
    cost: float
    unpriced: int = 0
    """Half hours without a known unit rate (not in ``cost``)."""


@dataclass(frozen=True, slots=True)
class StatisticRow:
    """An hourly statistic: the hour's amount and the running sum."""

    start: datetime
    state: float
    sum: float


@dataclass(frozen=True, slots=True)
class DayTotal:
    """A complete local day: energy in kWh and cost."""

    day: date
    energy_kwh: float
    cost: float
    start: datetime
    """The day's local midnight (the entities' ``last_reset``)."""


def hour_of(moment: datetime) -> datetime:
    """Return the start of the UTC hour of ``moment`` (an aware UTC time)."""
    return moment.replace(minute=0, second=0, microsecond=0)


def day_start(day: date, zone: tzinfo) -> datetime:
    """Return the local midnight starting ``day``, in UTC.

    In UTC, as aware datetimes of one zone compare and subtract by wall time.
    """
    return datetime.combine(day, time(), zone).astimezone(UTC)


def standing_charge_hour(moment: datetime, zone: tzinfo) -> bool:
    """Tell whether the hour starting at ``moment`` (UTC) starts a local day."""
    return day_start(moment.astimezone(zone).date(), zone) == moment


def hourly(
    intervals: Iterable[Interval],
    unit_rates: RateTimeline,
    standing_charges: RateTimeline,
    zone: tzinfo,
    kwh_per_unit: float = 1.0,
) -> list[HourTotal]:
    """Return the energy and cost of every UTC hour the intervals touch."""
    energy: dict[datetime, float] = {}
    cost: dict[datetime, float] = {}
    unpriced: dict[datetime, int] = {}
    for interval in intervals:
        hour = hour_of(interval.start)
        energy[hour] = energy.get(hour, 0.0) + interval.consumption
        rate = unit_rates.at(interval.start)
        if rate is None:
            unpriced[hour] = unpriced.get(hour, 0) + 1
            cost.setdefault(hour, 0.0)
        else:
            cost[hour] = (
                cost.get(hour, 0.0) + interval.consumption * kwh_per_unit * rate.price
            )
    totals = []
    for hour in sorted(energy):
        hour_cost = cost[hour]
        if standing_charge_hour(hour, zone) and (charge := standing_charges.at(hour)):
            hour_cost += charge.price
        totals.append(HourTotal(hour, energy[hour], hour_cost, unpriced.get(hour, 0)))
    return totals


def running_sums(
    values: Sequence[tuple[datetime, float]], base: float
) -> list[StatisticRow]:
    """Return statistic rows whose sums continue from ``base``."""
    rows = []
    total = base
    for start, value in values:
        total += value
        rows.append(StatisticRow(start, value, total))
    return rows


def latest_complete_day(
    intervals: Sequence[Interval],
    unit_rates: RateTimeline,
    standing_charges: RateTimeline,
    zone: tzinfo,
    kwh_per_unit: float = 1.0,
) -> DayTotal | None:
    """Return the last local day whose every half hour is known, with its cost."""
    by_day: dict[date, list[Interval]] = {}
    for interval in intervals:
        by_day.setdefault(interval.start.astimezone(zone).date(), []).append(interval)
    for day in sorted(by_day, reverse=True):
        start, end = day_start(day, zone), day_start(day + timedelta(days=1), zone)
        halves = round((end - start) / HALF_HOUR)
        rows = by_day[day]
        if len({row.start for row in rows}) != halves:
            continue
        energy = sum(row.consumption for row in rows)
        cost = 0.0
        for row in rows:
            rate = unit_rates.at(row.start)
            if rate is None:
                return None
            cost += row.consumption * kwh_per_unit * rate.price
        if charge := standing_charges.at(start):
            cost += charge.price
        return DayTotal(day, energy * kwh_per_unit, cost, start)
    return None
