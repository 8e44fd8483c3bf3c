"""The figures a site shows, each with the inputs it depends on.

:func:`provided_keys` tells which figures a site's configuration can give;
:func:`build_snapshot` computes them from an engine. A figure whose inputs
are not all available is listed as unavailable (never shown wrong).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import tzinfo
from functools import lru_cache
from typing import Any

from ..vocabulary import Key
from .calendar import days_in_month, days_in_year, local_isoformat
from .engine import SiteEngine
from .ledger import Channel, Period, Totals
from .pricing import Slot
from .tariff import Direction, isodate

MONEY_DIGITS = 4
ENERGY_DIGITS = 4
PRICE_DIGITS = 6
RATIO_DIGITS = 2
POWER_DIGITS = 1
KW_DIGITS = 4
FORECAST_HORIZON = 48 * 3600.0
"""Seconds of future prices in the price entities' ``forecast`` attribute."""

_IMPORT = Channel.IMPORT.value
_EXPORT = Channel.EXPORT.value
_PV = Channel.PV.value
_GAS = Channel.GAS.value
_BATTERY = "battery"
_PRICE_IMPORT = "price_import"
_PRICE_EXPORT = "price_export"
_PRICE_GAS = "price_gas"
_GRID_POWER = "grid_power"
_PV_POWER = "pv_power"
_BATTERY_POWER = "battery_power"
_DEMAND = "demand"


@dataclass(frozen=True, slots=True)
class PeriodFigure:
    """A figure kept per period: its keys, value, rounding and inputs."""

    keys: dict[Period, Key]
    value: Callable[[Totals], float | None]
    digits: int
    needs: tuple[str, ...]
    resets: bool = True
    """Money figures reset with their period (``last_reset``)."""


PERIOD_FIGURES: tuple[PeriodFigure, ...] = (
    PeriodFigure(
        {
            Period.TODAY: Key.COST_IMPORT_TODAY,
            Period.MONTH: Key.COST_IMPORT_MONTH,
            Period.TOTAL: Key.COST_IMPORT_TOTAL,
        },
        lambda totals: totals.cost_import,
        MONEY_DIGITS,
        (_IMPORT, _PRICE_IMPORT),
    ),
    PeriodFigure(
        {
            Period.TODAY: Key.REVENUE_EXPORT_TODAY,
            Period.MONTH: Key.REVENUE_EXPORT_MONTH,
            Period.TOTAL: Key.REVENUE_EXPORT_TOTAL,
        },
        lambda totals: totals.revenue_export,
        MONEY_DIGITS,
        (_EXPORT, _PRICE_EXPORT),
    ),
    PeriodFigure(
        {
            Period.TODAY: Key.COST_FIXED_TODAY,
            Period.MONTH: Key.COST_FIXED_MONTH,
            Period.TOTAL: Key.COST_FIXED_TOTAL,
        },
        lambda totals: totals.cost_fixed,
        MONEY_DIGITS,
        (),
    ),
    PeriodFigure(
        {
            Period.TODAY: Key.COST_GAS_TODAY,
            Period.MONTH: Key.COST_GAS_MONTH,
            Period.TOTAL: Key.COST_GAS_TOTAL,
        },
        lambda totals: totals.cost_gas,
        MONEY_DIGITS,
        (_GAS, _PRICE_GAS),
    ),
    PeriodFigure(
        {
            Period.TODAY: Key.COST_NET_TODAY,
            Period.MONTH: Key.COST_NET_MONTH,
            Period.TOTAL: Key.COST_NET_TOTAL,
        },
        lambda totals: totals.cost_net,
        MONEY_DIGITS,
        (_IMPORT, _EXPORT, _GAS, _PRICE_IMPORT, _PRICE_EXPORT, _PRICE_GAS),
    ),
    PeriodFigure(
        {
            Period.TODAY: Key.PV_SAVINGS_TODAY,
            Period.MONTH: Key.PV_SAVINGS_MONTH,
            Period.TOTAL: Key.PV_SAVINGS_TOTAL,
        },
        lambda totals: totals.savings,
        MONEY_DIGITS,
        (_PV, _EXPORT, _BATTERY, _PRICE_IMPORT, _PRICE_EXPORT),
    ),
    PeriodFigure(
        {
            Period.TODAY: Key.SELF_CONSUMPTION_RATIO_TODAY,
            Period.MONTH: Key.SELF_CONSUMPTION_RATIO_MONTH,
            Period.TOTAL: Key.SELF_CONSUMPTION_RATIO,
        },
        lambda totals: totals.self_consumption_ratio,
        RATIO_DIGITS,
        (_PV, _EXPORT),
        resets=False,
    ),
    PeriodFigure(
        {
            Period.TODAY: Key.SELF_SUFFICIENCY_RATIO_TODAY,
            Period.MONTH: Key.SELF_SUFFICIENCY_RATIO_MONTH,
            Period.TOTAL: Key.SELF_SUFFICIENCY_RATIO,
        },
        lambda totals: totals.self_sufficiency_ratio,
        RATIO_DIGITS,
        (_IMPORT, _EXPORT, _PV, _BATTERY),
        resets=False,
    ),
)

LIFETIME_ENERGY: dict[Key, tuple[Callable[[Totals], float], tuple[str, ...]]] = {
    Key.SITE_ELEC_CONS: (
        lambda totals: totals.consumption,
        (_IMPORT, _EXPORT, _PV, _BATTERY),
    ),
    Key.PV_SELF_CONSUMED: (lambda totals: totals.self_consumed, (_PV, _EXPORT)),
}
"""Energy since set-up (state class total: a counter that reports before
another may make it dip for a moment, and the dip must not be held)."""

CAPACITY_KEYS = (
    Key.DEMAND_CURRENT_QUARTER,
    Key.DEMAND_QUARTER_PROJECTED,
    Key.DEMAND_MONTH_PEAK,
    Key.DEMAND_HEADROOM,
    Key.CAPACITY_COST_MONTH_ESTIMATED,
)


def provided_keys(engine: SiteEngine) -> list[Key]:
    """Return the figures the site's inputs and tariffs can give."""
    inputs = engine.inputs
    has_pv = inputs.has(Channel.PV)
    has_battery = inputs.has(Channel.BATTERY_CHARGE) or inputs.has(
        Channel.BATTERY_DISCHARGE
    )
    wanted = {
        Key.PRICE_IMPORT,
        Key.COST_IMPORT_TODAY,
        Key.COST_FIXED_TODAY,
        Key.COST_NET_TODAY,
        Key.SITE_ELEC_CONS,
    }
    if inputs.has(Channel.EXPORT):
        wanted |= {Key.PRICE_EXPORT, Key.REVENUE_EXPORT_TODAY}
    if has_pv:
        wanted |= {
            Key.PV_SELF_CONSUMED,
            Key.PV_SAVINGS_TODAY,
            Key.SELF_CONSUMPTION_RATIO_TODAY,
            Key.SELF_SUFFICIENCY_RATIO_TODAY,
        }
    if inputs.has(Channel.GAS):
        wanted |= {Key.PRICE_GAS, Key.COST_GAS_TODAY}
    if inputs.grid_power is not None:
        wanted.add(Key.SURPLUS_POWER)
        if (inputs.pv_power or not has_pv) and (
            inputs.battery_power is not None or not has_battery
        ):
            wanted.add(Key.SITE_POWER)
    if (
        inputs.demand_entity is not None
        or inputs.month_peak_entity is not None
        or any(version.capacity_rate for version in engine.pricer.versions)
    ):
        wanted.update(CAPACITY_KEYS)
    keys: list[Key] = []
    for figure in PERIOD_FIGURES:
        if figure.keys[Period.TODAY] in wanted:
            keys.extend(figure.keys.values())
    keys.extend(key for key in Key if key in wanted and key not in keys)
    return keys


@dataclass(frozen=True, slots=True)
class SiteSnapshot:
    """The figures of a site at one moment."""

    values: dict[str, float | None]
    unavailable: frozenset[str]
    last_reset: dict[str, float]
    """Start of the period of each resetting figure."""
    attributes: dict[str, dict[str, Any]]


def _health(engine: SiteEngine) -> dict[str, bool]:
    """Return which groups of inputs are available now."""
    inputs = engine.inputs
    now = engine.now
    available = engine.available
    pricer = engine.pricer
    battery = engine.channel_available(
        Channel.BATTERY_CHARGE
    ) and engine.channel_available(Channel.BATTERY_DISCHARGE)
    import_ok = engine.channel_available(Channel.IMPORT)
    return {
        _IMPORT: import_ok,
        _EXPORT: engine.channel_available(Channel.EXPORT),
        _PV: engine.channel_available(Channel.PV),
        _GAS: engine.channel_available(Channel.GAS),
        _BATTERY: battery,
        _PRICE_IMPORT: pricer.available(Direction.IMPORT, now),
        _PRICE_EXPORT: pricer.available(Direction.EXPORT, now),
        _PRICE_GAS: pricer.available(Direction.GAS, now),
        _GRID_POWER: inputs.grid_power is None or available[inputs.grid_power],
        _PV_POWER: all(available[input_id] for input_id in inputs.pv_power),
        _BATTERY_POWER: inputs.battery_power is None or available[inputs.battery_power],
        _DEMAND: import_ok
        if inputs.demand_entity is None
        else available[inputs.demand_entity],
    }


def build_snapshot(engine: SiteEngine, keys: Iterable[str]) -> SiteSnapshot:
    """Compute the figures ``keys`` of ``engine`` now."""
    health = _health(engine)
    values: dict[str, float | None] = {}
    unavailable: set[str] = set()
    last_reset: dict[str, float] = {}
    attributes: dict[str, dict[str, Any]] = {}
    wanted = set(keys)

    def put(key: str, value: float | None, digits: int, needs: Iterable[str]) -> None:
        if not all(health[need] for need in needs):
            unavailable.add(key)
        values[key] = None if value is None else round(value, digits)

    for figure in PERIOD_FIGURES:
        for period, key in figure.keys.items():
            if key not in wanted:
                continue
            totals = engine.ledger.shown(period)
            put(key, figure.value(totals), figure.digits, figure.needs)
            if figure.resets and period is not Period.TOTAL:
                last_reset[key] = totals.start
            if not figure.resets:
                attributes[key] = _energy_attributes(totals)
    lifetime = engine.ledger.shown(Period.TOTAL)
    for key, (value_fn, needs) in LIFETIME_ENERGY.items():
        if key in wanted:
            put(key, value_fn(lifetime), ENERGY_DIGITS, needs)
    _prices(engine, wanted, put, attributes)
    _powers(engine, wanted, put)
    if Key.DEMAND_MONTH_PEAK in wanted:
        _capacity(engine, put, attributes)
    return SiteSnapshot(values, frozenset(unavailable), last_reset, attributes)


type _Put = Callable[[str, float | None, int, Iterable[str]], None]


def _energy_attributes(totals: Totals) -> dict[str, Any]:
    """Return the energies a period's ratios are computed from (kWh)."""
    return {
        "imported": round(totals.imported, ENERGY_DIGITS),
        "exported": round(totals.exported, ENERGY_DIGITS),
        "produced": round(totals.produced, ENERGY_DIGITS),
        "self_consumed": round(totals.self_consumed, ENERGY_DIGITS),
        "consumption": round(totals.consumption, ENERGY_DIGITS),
    }


def _prices(
    engine: SiteEngine,
    wanted: set[str],
    put: _Put,
    attributes: dict[str, dict[str, Any]],
) -> None:
    """Add the current price of every direction."""
    now = engine.now
    version = engine.pricer.version_at(now)[0]
    for key, direction, need in (
        (Key.PRICE_IMPORT, Direction.IMPORT, _PRICE_IMPORT),
        (Key.PRICE_EXPORT, Direction.EXPORT, _PRICE_EXPORT),
        (Key.PRICE_GAS, Direction.GAS, _PRICE_GAS),
    ):
        if key not in wanted:
            continue
        price, until = engine.pricer.span(direction, now)
        put(key, price, PRICE_DIGITS, (need,))
        attributes[key] = {
            "mode": version.price(direction).mode.value,
            "next_change": local_isoformat(until, engine.calendar.zone),
            "valid_from": isodate(version.valid_from),
            "forecast": _forecast_attribute(
                engine.pricer.forecast(direction, now, FORECAST_HORIZON),
                engine.calendar.zone,
            ),
        }


def _powers(engine: SiteEngine, wanted: set[str], put: _Put) -> None:
    """Add the site's power and the PV surplus (W)."""
    inputs = engine.inputs
    power = engine.power
    if inputs.grid_power is None:
        return
    grid = power.get(inputs.grid_power, 0.0)
    battery = (
        0.0 if inputs.battery_power is None else power.get(inputs.battery_power, 0.0)
    )
    solar = sum(power.get(input_id, 0.0) for input_id in inputs.pv_power)
    put(
        Key.SURPLUS_POWER,
        -(grid + battery),
        POWER_DIGITS,
        (_GRID_POWER, _BATTERY_POWER),
    )
    if Key.SITE_POWER in wanted:
        put(
            Key.SITE_POWER,
            grid + solar + battery,
            POWER_DIGITS,
            (_GRID_POWER, _PV_POWER, _BATTERY_POWER),
        )


def _capacity(
    engine: SiteEngine, put: _Put, attributes: dict[str, dict[str, Any]]
) -> None:
    """Add the quarter-hour demand, the month peak and the capacity cost."""
    now = engine.now
    zone = engine.calendar.zone
    capacity = engine.capacity
    inputs = engine.inputs
    version = engine.pricer.version_at(now)[0]
    status = capacity.status(now)
    grid = None if inputs.grid_power is None else engine.power.get(inputs.grid_power)
    present = status.average_kw if grid is None else max(grid, 0.0) / 1000.0
    peak = capacity.month_peak(now)
    peak_kw = 0.0 if peak is None else peak.kw
    threshold = max(peak_kw, version.capacity_minimum)
    needs = (_DEMAND, _GRID_POWER)
    put(Key.DEMAND_CURRENT_QUARTER, status.average_kw, KW_DIGITS, (_DEMAND,))
    put(Key.DEMAND_QUARTER_PROJECTED, status.projected_kw(present), KW_DIGITS, needs)
    put(Key.DEMAND_HEADROOM, status.headroom_kw(threshold, present), KW_DIGITS, needs)
    put(Key.DEMAND_MONTH_PEAK, peak_kw, KW_DIGITS, (_IMPORT,))
    attributes[Key.DEMAND_CURRENT_QUARTER] = {
        "quarter_start": local_isoformat(status.start, zone)
    }
    attributes[Key.DEMAND_HEADROOM] = {"threshold": round(threshold, KW_DIGITS)}
    attributes[Key.DEMAND_MONTH_PEAK] = {
        "peak_time": None if peak is None else local_isoformat(peak.at, zone),
        "history": capacity.history(now),
    }
    billed = capacity.billed_kw(now, version.capacity_minimum)
    day = engine.calendar.date(now)
    estimate = (
        version.capacity_rate * billed * days_in_month(day) / days_in_year(day.year)
    )
    put(Key.CAPACITY_COST_MONTH_ESTIMATED, estimate, MONEY_DIGITS, ())
    attributes[Key.CAPACITY_COST_MONTH_ESTIMATED] = {
        "billed_kw": round(billed, KW_DIGITS),
        "rate": version.capacity_rate,
        "minimum_kw": version.capacity_minimum,
    }


@lru_cache(maxsize=8)
def _forecast_attribute(slots: tuple[Slot, ...], zone: tzinfo) -> list[dict[str, Any]]:
    """Return price slots as the ``forecast`` attribute (start, end, price).

    The EV charger's cheap mode (and Nord Pool-aware automations) plan from
    it. Cached per forecast, which changes only when a price period ends.
    """
    return [
        {
            "start": local_isoformat(start, zone),
            "end": local_isoformat(end, zone),
            "price": round(price, PRICE_DIGITS),
        }
        for start, end, price in slots
    ]
