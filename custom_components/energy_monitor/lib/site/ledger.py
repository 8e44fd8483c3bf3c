"""Today's, this month's and lifetime totals of a site.

Every booking lands in the totals of the period it happened in. Readings of
the last minutes before midnight often arrive just after it (a meter that
reports every few seconds, an inverter every minute), so a finished day or
month stays *open* for a grace period: until then its totals still take late
energy and are the ones shown, and the new period already collects what
happens after midnight. Energy that arrives even later for a closed period
(after an outage) is added to the oldest open one: never lost, never counted
twice.
"""

from dataclasses import asdict, dataclass, fields
from enum import StrEnum
import math
from typing import Any

from .calendar import Calendar


class Channel(StrEnum):
    """The energy flows of a site."""

    IMPORT = "import"
    EXPORT = "export"
    PV = "pv"
    BATTERY_CHARGE = "battery_charge"
    BATTERY_DISCHARGE = "battery_discharge"
    GAS = "gas"


class Period(StrEnum):
    """The periods totals are kept for."""

    TODAY = "today"
    MONTH = "month"
    TOTAL = "total"
    """Since the site was set up."""


def _ratio(part: float, whole: float) -> float | None:
    """Return ``part / whole`` in percent within 0-100; ``None`` without a whole."""
    if whole <= 0:
        return None
    return min(max(part / whole * 100.0, 0.0), 100.0)


@dataclass(slots=True)
class Totals:
    """The energy and money of one period (kWh, m³ for gas, currency)."""

    start: float
    end: float
    imported: float = 0.0
    exported: float = 0.0
    produced: float = 0.0
    charged: float = 0.0
    discharged: float = 0.0
    gas: float = 0.0
    cost_import: float = 0.0
    revenue_export: float = 0.0
    cost_standing: float = 0.0
    cost_capacity: float = 0.0
    cost_gas: float = 0.0
    savings: float = 0.0
    """What the site's consumption would have cost without PV, minus the cost."""
    unpriced: float = 0.0
    """Energy booked while its price was unknown (an unknown register)."""

    @property
    def consumption(self) -> float:
        """Return the site's consumption: import - export + PV + battery net."""
        return (
            self.imported
            - self.exported
            + self.produced
            + self.discharged
            - self.charged
        )

    @property
    def self_consumed(self) -> float:
        """Return the PV energy used on site (PV - export; battery included)."""
        return self.produced - self.exported

    @property
    def cost_fixed(self) -> float:
        """Return the fixed charges: standing charges and capacity tariff."""
        return self.cost_standing + self.cost_capacity

    @property
    def cost_net(self) -> float:
        """Return what the period costs: import - export + fixed + gas."""
        return self.cost_import - self.revenue_export + self.cost_fixed + self.cost_gas

    @property
    def self_consumption_ratio(self) -> float | None:
        """Return the share of PV production used on site (%)."""
        return _ratio(self.self_consumed, self.produced)

    @property
    def self_sufficiency_ratio(self) -> float | None:
        """Return the share of consumption not imported (%)."""
        consumption = self.consumption
        return _ratio(consumption - self.imported, consumption)

    def dump(self) -> dict[str, float]:
        """Return the totals for storage."""
        data = asdict(self)
        if math.isinf(self.end):
            data["end"] = None
        return data

    @classmethod
    def load(cls, data: dict[str, Any]) -> Totals:
        """Restore totals stored by :meth:`dump` (unknown fields are ignored)."""
        names = {item.name for item in fields(cls)}
        values = {
            key: float(value)
            for key, value in data.items()
            if key in names and value is not None
        }
        values.setdefault("end", math.inf)
        return cls(**values)


class PeriodLedger:
    """The open totals of every period; see the module docstring."""

    __slots__ = ("_calendar", "_closed", "grace", "open")

    def __init__(self, calendar: Calendar, grace: float, created: float) -> None:
        """Open today's, this month's and the lifetime totals at ``created``."""
        self._calendar = calendar
        self.grace = grace
        self.open: dict[Period, list[Totals]] = {
            Period.TODAY: [Totals(*calendar.day(created))],
            Period.MONTH: [Totals(*calendar.month(created))],
            Period.TOTAL: [Totals(created, math.inf)],
        }
        self._closed: list[tuple[Period, Totals]] = []

    def advance(self, now: float) -> None:
        """Open the periods ``now`` is in; close those whose grace has passed."""
        for period, bounds in (
            (Period.TODAY, self._calendar.day),
            (Period.MONTH, self._calendar.month),
        ):
            buckets = self.open[period]
            if now >= buckets[-1].end:
                buckets.append(Totals(*bounds(now)))
            while len(buckets) > 1 and buckets[0].end + self.grace <= now:
                self._closed.append((period, buckets.pop(0)))

    def at(self, t: float) -> tuple[Totals, Totals, Totals]:
        """Return the totals (today, month, lifetime) a booking at ``t`` goes to."""
        return (
            self._pick(self.open[Period.TODAY], t),
            self._pick(self.open[Period.MONTH], t),
            self.open[Period.TOTAL][0],
        )

    @staticmethod
    def _pick(buckets: list[Totals], t: float) -> Totals:
        """Return the open totals containing ``t``, else the oldest open ones."""
        newest = buckets[-1]
        return newest if t >= newest.start else buckets[0]

    def shown(self, period: Period) -> Totals:
        """Return the totals shown for ``period`` (the oldest open ones)."""
        return self.open[period][0]

    def next_change(self) -> float:
        """Return when the shown totals next change period."""
        return min(
            self.open[period][0].end + self.grace
            for period in (Period.TODAY, Period.MONTH)
        )

    def pop_closed(self) -> list[tuple[Period, Totals]]:
        """Return the totals closed since the last call, oldest first."""
        closed, self._closed = self._closed, []
        return closed

    def dump(self) -> dict[str, list[dict[str, float]]]:
        """Return the open totals for storage."""
        return {
            period.value: [totals.dump() for totals in buckets]
            for period, buckets in self.open.items()
        }

    def load(self, data: dict[str, Any]) -> None:
        """Restore open totals stored by :meth:`dump`."""
        for period in Period:
            buckets = [Totals.load(item) for item in data.get(period.value, [])]
            if buckets:
                self.open[period] = buckets
