"""A year of a real household with PV, and an independent reference bill.

The load is house ``1a1d`` of opengrid's 2016 hourly data set (Apache-2.0,
see fixtures/SOURCES.md): mean power per local hour, with 23- and 25-hour days
at the DST changes. The PV profile is synthetic: the same year's measured
global horizontal irradiance times a fixed factor (about a 3 kWp roof).

:func:`reference_bill` prices it the plain way, hour by hour, with none of
the integration's code: the local hour picks the rate, months and days are
local, the capacity tariff averages the monthly peaks seen so far.
"""

from collections import defaultdict
from collections.abc import Iterator
import csv
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
import gzip
from pathlib import Path
from statistics import mean
from typing import Any
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")
HOUSEHOLD = Path(__file__).parents[1] / "fixtures/opengrid/household_2016_hour.csv.gz"
"""HA-free on purpose: the library tests use this module too."""
PV_FACTOR = 3.0
"""W of PV per W/m² of irradiance (a roof of about 3 kWp)."""
VERSION_B_FROM = date(2016, 7, 1)
DST_DAYS = (date(2016, 3, 27), date(2016, 10, 30))

_FLUX_IMPORT = (
    (0, 2, 0.28),
    (2, 5, 0.17),
    (5, 16, 0.28),
    (16, 19, 0.39),
    (19, 24, 0.28),
)
_FLUX_EXPORT = (
    (0, 2, 0.18),
    (2, 5, 0.07),
    (5, 16, 0.18),
    (16, 19, 0.29),
    (19, 24, 0.18),
)
DAY_RATE, NIGHT_RATE, EXPORT_RATE_A = 0.32, 0.21, 0.045
STANDING = {False: 0.35, True: 0.42}
CAPACITY_RATE = {False: 41.3, True: 45.0}


def _rows(table: tuple[tuple[int, int, float], ...]) -> list[dict[str, Any]]:
    """Return schedule rows in the tariff-file form."""
    return [
        {
            "interval_start": f"{start:02d}:00",
            "interval_end": f"{end:02d}:00",
            "rate": rate,
        }
        for start, end, rate in table
    ]


YEAR_TARIFFS: list[dict[str, Any]] = [
    {
        "valid_from": None,
        "import": {
            "mode": "registers",
            "rates": {"1": DAY_RATE, "2": NIGHT_RATE},
            "schedule": [
                {
                    "interval_start": "07:00",
                    "interval_end": "22:00",
                    "register": 1,
                    "weekdays": ["mon", "tue", "wed", "thu", "fri"],
                }
            ],
            "default_register": 2,
        },
        "export": {"mode": "fixed", "rate": EXPORT_RATE_A},
        "standing_charge": STANDING[False],
        "capacity_rate": CAPACITY_RATE[False],
        "capacity_minimum": 2.5,
    },
    {
        "valid_from": VERSION_B_FROM.isoformat(),
        "import": {"mode": "schedule", "rates": _rows(_FLUX_IMPORT)},
        "export": {"mode": "schedule", "rates": _rows(_FLUX_EXPORT)},
        "standing_charge": STANDING[True],
        "capacity_rate": CAPACITY_RATE[True],
        "capacity_minimum": 2.5,
    },
]
"""Day/night registers and a fixed export rate, then a Flux-like schedule."""


@dataclass(frozen=True, slots=True)
class Hour:
    """One hour of the household: when it started and its energy (kWh)."""

    start: datetime
    imported: float
    exported: float
    produced: float

    @property
    def end_timestamp(self) -> float:
        """Return the instant the hour ends."""
        return self.start.timestamp() + 3600.0

    @property
    def day_register(self) -> bool:
        """Tell whether the meter counts this hour in register 1 (day)."""
        return _is_day(self.start.astimezone(BRUSSELS))


def _is_day(local: datetime) -> bool:
    """Tell whether a local hour is in the day register (weekdays 07:00-22:00)."""
    return local.weekday() < 5 and 7 <= local.hour < 22


def household_year() -> list[Hour]:
    """Return the 8 784 hours of 2016 (local time), load netted with PV per hour."""
    hours = []
    with gzip.open(HOUSEHOLD, "rt", newline="") as file:
        for row in csv.DictReader(file):
            start = datetime.strptime(row["timestamp"], "%Y-%m-%dT%H:%M:%S%z")
            if start.year != 2016:
                continue
            load = float(row["load_w"]) / 1000.0
            solar = float(row["ghi_w_m2"]) * PV_FACTOR / 1000.0
            hours.append(
                Hour(start, max(load - solar, 0.0), max(solar - load, 0.0), solar)
            )
    return hours


@dataclass(slots=True)
class CounterValues:
    """The lifetime counters of the meter and the inverter (kWh)."""

    import_t1: float = 1234.5
    import_t2: float = 2345.6
    export_t1: float = 345.6
    export_t2: float = 45.6
    pv: float = 5678.9

    def add(self, hour: Hour) -> None:
        """Count one hour, in the register the meter uses for it."""
        if hour.day_register:
            self.import_t1 += hour.imported
            self.export_t1 += hour.exported
        else:
            self.import_t2 += hour.imported
            self.export_t2 += hour.exported
        self.pv += hour.produced


def counter_readings(hours: list[Hour]) -> Iterator[tuple[float, CounterValues]]:
    """Yield (instant, counters) at the start and at the end of every hour."""
    counters = CounterValues()
    yield hours[0].start.timestamp(), replace(counters)
    for hour in hours:
        counters.add(hour)
        yield hour.end_timestamp, replace(counters)


@dataclass(slots=True)
class Bill:
    """Reference figures of one period."""

    imported: float = 0.0
    exported: float = 0.0
    produced: float = 0.0
    cost_import: float = 0.0
    revenue_export: float = 0.0
    cost_fixed: float = 0.0
    savings: float = 0.0
    hours: int = 0

    @property
    def cost_net(self) -> float:
        """Return import - export + fixed."""
        return self.cost_import - self.revenue_export + self.cost_fixed

    @property
    def self_consumed(self) -> float:
        """Return PV - export."""
        return self.produced - self.exported

    @property
    def consumption(self) -> float:
        """Return import - export + PV."""
        return self.imported - self.exported + self.produced


@dataclass(slots=True)
class ReferenceBill:
    """The reference figures per day, per month and for the year."""

    days: dict[date, Bill] = field(default_factory=lambda: defaultdict(Bill))
    months: dict[tuple[int, int], Bill] = field(
        default_factory=lambda: defaultdict(Bill)
    )
    year: Bill = field(default_factory=Bill)


def _flux(table: tuple[tuple[int, int, float], ...], hour: int) -> float:
    """Return the rate of a local hour in a Flux-like table."""
    return next(rate for start, end, rate in table if start <= hour < end)


def reference_prices(local: datetime) -> tuple[float, float]:
    """Return the import and export rate of a local hour."""
    if local.date() >= VERSION_B_FROM:
        return _flux(_FLUX_IMPORT, local.hour), _flux(_FLUX_EXPORT, local.hour)
    return (DAY_RATE if _is_day(local) else NIGHT_RATE), EXPORT_RATE_A


def reference_bill(hours: list[Hour]) -> ReferenceBill:
    """Price the year hour by hour (see the module docstring)."""
    bill = ReferenceBill()
    peaks: dict[tuple[int, int], list[tuple[datetime, float]]] = defaultdict(list)
    for hour in hours:
        local = hour.start.astimezone(BRUSSELS)
        price_import, price_export = reference_prices(local)
        month = (local.year, local.month)
        peaks[month].append((hour.start, hour.imported))
        for period in (bill.days[local.date()], bill.months[month], bill.year):
            period.imported += hour.imported
            period.exported += hour.exported
            period.produced += hour.produced
            period.cost_import += hour.imported * price_import
            period.revenue_export += hour.exported * price_export
            period.savings += (
                hour.produced * price_import
                - hour.exported * price_import
                + hour.exported * price_export
            )
            period.hours += 1
    day = date(2016, 1, 1)
    while day.year == 2016:
        later = day >= VERSION_B_FROM
        start = datetime(day.year, day.month, day.day, tzinfo=BRUSSELS)
        window = []
        for back in range(12):
            year, month = day.year, day.month - back
            while month < 1:
                year, month = year - 1, month + 12
            before = [kw for begin, kw in peaks.get((year, month), []) if begin < start]
            if before:
                window.append(max(2.5, *before))  # each month's peak >= 2.5 kW
        billed = mean(window) if window else 2.5
        fixed = STANDING[later] + CAPACITY_RATE[later] * billed / 366
        for period in (bill.days[day], bill.months[(day.year, day.month)], bill.year):
            period.cost_fixed += fixed
        day += timedelta(days=1)
    return bill
