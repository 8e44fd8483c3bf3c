"""The energy site engine: readings in, interval-exact totals out.

Lifetime counters (grid import and export per register or in total, PV
production, battery charge and discharge, gas) report how much energy flowed
since their previous reading, not when. :class:`SiteEngine` spreads each
delta evenly over the time since the previous reading and cuts it at every
instant that matters on the way: a price change (schedule row, register
switch, dynamic price, tariff version), a local midnight and, for import, a
quarter-hour boundary of the capacity tariff. Each piece is priced at the
price of *its* interval and booked in the totals of *its* day and month, so a
late or batched update (an inverter that reports every five minutes, a
restart, an outage) never shifts cost into another price period.

A reading must be plausible (:class:`~..readings.ReadingFilter`: finite,
within the key's limits), else it is no reading and is counted. Counters pass
through :class:`~..counters.CounterGuard`: a glitch (a 0, a dip, a spike)
moves nothing, and a counter that returns to its old value after reading 0
continues from its baseline; only a lower series that keeps growing is a
meter replacement and starts a new baseline without counting anything. An
unavailable input keeps its baseline, so the energy that flowed meanwhile is
counted once, when it returns. The whole state is one JSON document, stored
atomically, so a restart or crash continues from a consistent point.

Fixed charges (standing charge per day, the capacity tariff accrued per day)
are booked for each day when it starts being shown.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from typing import Any

from ..counters import CounterGuard
from ..readings import ReadingFilter
from ..vocabulary import MAX_RATES, Key
from .calendar import QUARTER, Calendar, day_start, days_in_year, quarter_start
from .capacity import CapacityTracker
from .ledger import Channel, Period, PeriodLedger, Totals
from .pricing import Pricer
from .tariff import Direction, TariffVersion
from .timeline import StepTimeline

BOUNDARY_GRACE = 300.0
"""Seconds a finished day or month still takes late readings (and is shown)."""
TIMELINE_HISTORY = 2 * 86_400.0
"""Seconds of price and register changes kept for late readings."""
STORAGE_FORMAT = 1

_NEEDS: dict[Channel, tuple[Direction, ...]] = {
    Channel.IMPORT: (Direction.IMPORT,),
    Channel.EXPORT: (Direction.EXPORT, Direction.IMPORT),
    Channel.PV: (Direction.IMPORT,),
    Channel.BATTERY_CHARGE: (Direction.IMPORT,),
    Channel.BATTERY_DISCHARGE: (Direction.IMPORT,),
    Channel.GAS: (Direction.GAS,),
}
"""The prices each flow is booked with (export also saves the import price)."""

_KINDS: dict[Channel, Key] = {
    Channel.IMPORT: Key.GRID_ELEC_IMPORT,
    Channel.EXPORT: Key.GRID_ELEC_EXPORT,
    Channel.PV: Key.PV_ELEC_PROD,
    Channel.BATTERY_CHARGE: Key.METER_ELEC_IMPORT,
    Channel.BATTERY_DISCHARGE: Key.METER_ELEC_EXPORT,
    Channel.GAS: Key.GRID_GAS_IMPORT,
}
"""The vocabulary key whose limits and maximum rate a flow's counter has."""


@dataclass(frozen=True, slots=True)
class CounterSpec:
    """A lifetime counter the site reads."""

    input_id: str
    channel: Channel
    register: int | None = None
    """The meter register it counts (1, 2, ...); ``None`` for a total."""


@dataclass(frozen=True, slots=True)
class SiteInputs:
    """Everything a site reads, by input ID (entity IDs in Home Assistant)."""

    counters: tuple[CounterSpec, ...] = ()
    grid_power: str | None = None
    """W, + import / - export."""
    pv_power: tuple[str, ...] = ()
    battery_power: str | None = None
    """W, + discharge / - charge."""
    register_entity: str | None = None
    """The meter's active tariff register (1, 2, ...)."""
    demand_entity: str | None = None
    """kW: the meter's running quarter-hour average (1-0:1.4.0)."""
    month_peak_entity: str | None = None
    """kW: the meter's peak of this month (1-0:1.6.0)."""

    def has(self, channel: Channel) -> bool:
        """Tell whether any counter of ``channel`` is read."""
        return any(spec.channel is channel for spec in self.counters)

    def ids(self) -> set[str]:
        """Return every input ID except dynamic prices."""
        single = (
            self.grid_power,
            self.battery_power,
            self.register_entity,
            self.demand_entity,
            self.month_peak_entity,
        )
        return (
            {spec.input_id for spec in self.counters}
            | set(self.pv_power)
            | {input_id for input_id in single if input_id is not None}
        )


@dataclass(slots=True)
class EngineStats:
    """What the engine skipped or repaired (diagnostics)."""

    resets: int = 0
    held: int = 0


class SiteEngine:
    """Readings in, interval-exact totals out; see the module docstring."""

    def __init__(
        self,
        inputs: SiteInputs,
        versions: Sequence[TariffVersion],
        zone: tzinfo,
        created: float,
        *,
        grace: float = BOUNDARY_GRACE,
    ) -> None:
        """Start a site set up at ``created`` (book that day's fixed charges)."""
        self.inputs = inputs
        self.calendar = Calendar(zone)
        self.created = created
        self.now = created
        self.ledger = PeriodLedger(self.calendar, grace, created)
        self.capacity = CapacityTracker(zone)
        self.timelines: dict[str, StepTimeline] = {}
        self.register_timeline = (
            StepTimeline() if inputs.register_entity is not None else None
        )
        self.inferred_register = StepTimeline()
        self.pricer = Pricer(
            versions,
            zone,
            self.timelines,
            register_entity=self.register_timeline,
            inferred_register=self.inferred_register,
        )
        for entity_id in self.pricer.entity_ids():
            self.timelines[entity_id] = StepTimeline()
        self.available: dict[str, bool] = dict.fromkeys(inputs.ids(), False)
        self.power: dict[str, float] = {}
        self.stats = EngineStats()
        self._specs = {spec.input_id: spec for spec in inputs.counters}
        self._baselines: dict[str, list[float]] = {}
        self._guard = CounterGuard(rates=MAX_RATES)
        self.readings = ReadingFilter()
        self._next_fixed_day = self.calendar.date(created)
        self._fixed_due = created
        self._charge_fixed_days()

    # Readings.

    def counter(self, input_id: str, value: float | None, t: float) -> None:
        """Take a lifetime counter's reading (kWh, m³ for gas) at ``t``.

        ``None`` marks the counter unavailable; its baseline is kept.
        """
        spec = self._specs[input_id]
        if not self.readings.accept(_KINDS[spec.channel], value):
            return
        self.available[input_id] = value is not None
        if value is None:
            return
        self._advance(t)
        if spec.channel is Channel.IMPORT:
            self.capacity.imported_until(t)
        delta = self._delta(spec, value, t)
        if delta is None:
            return
        baseline = self._baselines[input_id]
        start, end = baseline[1], max(t, baseline[1])
        if self._waiting(spec, end):
            self.stats.held += 1
            return
        if spec.register is not None and spec.channel in (
            Channel.IMPORT,
            Channel.EXPORT,
        ):
            self.set_timeline(self.inferred_register, float(spec.register), end)
        self._distribute(spec, delta, start, end)
        baseline[0], baseline[1] = value, end

    def _delta(self, spec: CounterSpec, value: float, t: float) -> float | None:
        """Return how much a counter grew since its baseline (``None``: nothing).

        A first reading becomes the baseline, a glitch moves nothing, an
        unchanged reading moves the baseline's time and a genuine drop (a new
        meter) becomes the new baseline without counting anything.
        """
        input_id = spec.input_id
        checked = self._guard.check(input_id, value, t, kind=_KINDS[spec.channel])
        baseline = self._baselines.get(input_id)
        if checked is None or (checked != value and baseline is not None):
            return None
        if baseline is None:
            self._baselines[input_id] = [checked, t]
            return None
        delta = checked - baseline[0]
        if delta <= 0:
            if delta < 0:
                self.stats.resets += 1
                baseline[0] = checked
            baseline[1] = max(t, baseline[1])
            return None
        return delta

    def power_reading(self, input_id: str, watts: float | None, t: float) -> None:
        """Take a power reading (W); ``None`` marks it unavailable."""
        if watts is None:
            self.available[input_id] = False
            self.power.pop(input_id, None)
            return
        self.available[input_id] = True
        self.power[input_id] = watts
        self._advance(t)

    def entity_value(self, entity_id: str, value: float | None, t: float) -> None:
        """Take a dynamic price or the meter's active register at ``t``."""
        timeline = (
            self.register_timeline
            if entity_id == self.inputs.register_entity
            else self.timelines.get(entity_id)
        )
        if timeline is None:
            return
        self.available[entity_id] = value is not None
        if value is None:
            timeline.available = False
            return
        self._advance(t)
        self.set_timeline(timeline, value, t)

    def set_timeline(self, timeline: StepTimeline, value: float, t: float) -> None:
        """Record a timeline value and drop cached prices if it changed."""
        if timeline.set(t, value):
            self.pricer.invalidate()

    def demand(self, kw: float | None, t: float) -> None:
        """Take the meter's running quarter-hour average (kW)."""
        self._set_available(self.inputs.demand_entity, available=kw is not None)
        if kw is not None:
            self._advance(t)
            self.capacity.meter_demand(kw, t)

    def month_peak(
        self,
        kw: float | None,
        t: float,
        *,
        at: float | None = None,
        history: list[tuple[date, float, float | None]] | None = None,
    ) -> None:
        """Take the meter's month peak (kW, quarter start ``at``) and history."""
        self._set_available(self.inputs.month_peak_entity, available=kw is not None)
        if kw is None:
            return
        self._advance(t)
        self.capacity.meter_month_peak(kw, at, t)
        if history:
            self.capacity.seed_history(history)

    def tick(self, now: float) -> None:
        """Let time pass: roll periods over, finish quarters, book fixed charges."""
        self._advance(now)

    def _set_available(self, input_id: str | None, *, available: bool) -> None:
        """Record whether an optional input is available."""
        if input_id is not None:
            self.available[input_id] = available

    # Figures.

    def channel_available(self, channel: Channel) -> bool:
        """Tell whether every counter of ``channel`` is available."""
        return all(
            self.available.get(spec.input_id, False)
            for spec in self.inputs.counters
            if spec.channel is channel
        )

    def next_wakeup(self) -> float:
        """Return when figures next change without any reading."""
        now = self.now
        wakeups = [
            self.ledger.next_change(),
            quarter_start(now) + QUARTER,
            self._fixed_due,
        ]
        wakeups.extend(self.pricer.span(direction, now)[1] for direction in Direction)
        return min(wakeups)

    def pop_closed(self) -> list[tuple[Period, Totals]]:
        """Return the periods closed since the last call (period, totals)."""
        return self.ledger.pop_closed()

    # Internals.

    def _advance(self, t: float) -> None:
        """Move the engine's clock to ``t`` (never back)."""
        if t <= self.now:
            return
        self.now = t
        self.ledger.advance(t)
        self.capacity.advance(t)
        if t >= self._fixed_due:
            self._charge_fixed_days()

    def _charge_fixed_days(self) -> None:
        """Book the fixed charges of every day that started being shown."""
        zone = self.calendar.zone
        while self.now >= self._fixed_due:
            day = self._next_fixed_day
            start = day_start(day, zone)
            version = self.pricer.version_at(start)[0]
            capacity = 0.0
            if version.capacity_rate:
                billed = self.capacity.billed_kw(start, version.capacity_minimum)
                capacity = version.capacity_rate * billed / days_in_year(day.year)
            for totals in self.ledger.at(start):
                totals.cost_standing += version.standing_charge
                totals.cost_capacity += capacity
            self._next_fixed_day = day + timedelta(days=1)
            self._fixed_due = day_start(self._next_fixed_day, zone) + self.ledger.grace
            self._prune()

    def _prune(self) -> None:
        """Forget price history and peaks no reading can need any more."""
        oldest = self.now - TIMELINE_HISTORY
        for timeline in (*self.timelines.values(), self.inferred_register):
            timeline.prune(oldest)
        if self.register_timeline is not None:
            self.register_timeline.prune(oldest)
        self.capacity.prune_months(self.now)

    def _waiting(self, spec: CounterSpec, t: float) -> bool:
        """Tell whether a price this flow needs has never been known yet.

        The delta is then held (the baseline kept) and spread once it is.
        """
        return not all(
            self.pricer.known(direction, t, spec.register)
            for direction in _NEEDS[spec.channel]
        )

    def _distribute(
        self, spec: CounterSpec, delta: float, t0: float, t1: float
    ) -> None:
        """Spread ``delta`` over ``[t0, t1)``, cut at every boundary on the way."""
        channel, register = spec.channel, spec.register
        needs = _NEEDS[channel]
        span = self.pricer.span
        day = self.calendar.day
        is_import = channel is Channel.IMPORT
        duration = t1 - t0
        t = t0 if duration > 0 else t1
        booked = 0.0
        while True:
            end = min(t1, day(t)[1])
            if is_import:
                end = min(end, quarter_start(t) + QUARTER)
            prices = []
            for direction in needs:
                price, until = span(direction, t, register)
                prices.append(price)
                end = min(end, until)
            last = end >= t1 or end <= t
            part = delta - booked if last else delta * (end - t) / duration
            booked += part
            self._book(channel, part, t, prices)
            if last:
                return
            t = end

    def _book(
        self, channel: Channel, energy: float, t: float, prices: list[float | None]
    ) -> None:
        """Book energy that flowed at ``t`` at its prices."""
        buckets = self.ledger.at(t)
        price = prices[0]
        if channel is Channel.IMPORT:
            self.capacity.book(energy, t)
            for totals in buckets:
                totals.imported += energy
                _add_cost(totals, "cost_import", energy, price)
        elif channel is Channel.EXPORT:
            import_price = prices[1]
            for totals in buckets:
                totals.exported += energy
                _add_cost(totals, "revenue_export", energy, price)
                if price is not None and import_price is not None:
                    totals.savings += energy * (price - import_price)
        elif channel is Channel.GAS:
            for totals in buckets:
                totals.gas += energy
                _add_cost(totals, "cost_gas", energy, price)
        else:
            _book_site_energy(channel, energy, buckets, price)

    # Storage.

    def dump(self) -> dict[str, Any]:
        """Return the whole state as one JSON-able document."""
        return {
            "format": STORAGE_FORMAT,
            "created": self.created,
            "now": self.now,
            "baselines": {key: list(value) for key, value in self._baselines.items()},
            "ledger": self.ledger.dump(),
            "capacity": self.capacity.dump(),
            "timelines": {key: tl.dump() for key, tl in self.timelines.items()},
            "register": (
                None
                if self.register_timeline is None
                else self.register_timeline.dump()
            ),
            "inferred_register": self.inferred_register.dump(),
            "next_fixed_day": self._next_fixed_day.isoformat(),
            "stats": {"resets": self.stats.resets, "held": self.stats.held},
        }

    def load(self, data: dict[str, Any]) -> None:
        """Continue from a state stored by :meth:`dump`.

        Baselines and timelines of inputs no longer configured are dropped.

        Raises:
            ValueError: when the document is not a stored state of this format.
        """
        if data.get("format") != STORAGE_FORMAT:
            raise ValueError("unknown storage format")
        try:
            self._load(data)
        except (KeyError, TypeError, AttributeError) as err:
            raise ValueError(f"invalid stored state: {err!r}") from err

    def _load(self, data: dict[str, Any]) -> None:
        """Restore every part of the state (see :meth:`load`)."""
        self.created = float(data["created"])
        self.now = float(data["now"])
        self.ledger.load(data["ledger"])
        self.capacity.load(data["capacity"])
        for key, (value, at) in data["baselines"].items():
            spec = self._specs.get(key)
            if spec is not None and self._guard.seed(key, value, float(at)):
                self._baselines[key] = [float(value), float(at)]
        for key, stored in data["timelines"].items():
            if key in self.timelines:
                self.timelines[key].load(stored)
        if self.register_timeline is not None and data["register"] is not None:
            self.register_timeline.load(data["register"])
        self.inferred_register.load(data["inferred_register"])
        self.pricer.invalidate()
        self._next_fixed_day = date.fromisoformat(data["next_fixed_day"])
        self._fixed_due = day_start(self._next_fixed_day, self.calendar.zone) + (
            self.ledger.grace
        )
        self.stats = EngineStats(**data["stats"])

    def diagnostics(self) -> dict[str, Any]:
        """Return what helps explain the figures beyond the stored state (dump)."""
        return {
            "available": dict(self.available),
            "power": dict(self.power),
            "glitches": self._guard.glitches,
            "values_rejected": dict(self.readings.rejected),
            "next_wakeup": self.next_wakeup(),
        }


def _add_cost(totals: Totals, field: str, energy: float, price: float | None) -> None:
    """Add ``energy`` at ``price`` to a money field (unpriced when unknown)."""
    if price is None:
        totals.unpriced += energy
    else:
        setattr(totals, field, getattr(totals, field) + energy * price)


def _book_site_energy(
    channel: Channel,
    energy: float,
    buckets: tuple[Totals, Totals, Totals],
    import_price: float | None,
) -> None:
    """Book PV production or battery flows (they save the import price)."""
    sign = -1.0 if channel is Channel.BATTERY_CHARGE else 1.0
    for totals in buckets:
        if channel is Channel.PV:
            totals.produced += energy
        elif channel is Channel.BATTERY_CHARGE:
            totals.charged += energy
        else:
            totals.discharged += energy
        if import_price is not None:
            totals.savings += sign * energy * import_price
