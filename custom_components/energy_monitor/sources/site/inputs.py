"""From Home Assistant to the site engine: inputs, units, states and tariffs."""

from collections.abc import Mapping
from typing import Any

from homeassistant.const import (
    ATTR_UNIT_OF_MEASUREMENT,
    UnitOfEnergy,
    UnitOfPower,
    UnitOfVolume,
)
from homeassistant.core import State
from homeassistant.util.unit_conversion import (
    EnergyConverter,
    PowerConverter,
    VolumeConverter,
)

from ...lib.site.engine import CounterSpec, SiteInputs
from ...lib.site.ledger import Channel
from ...lib.site.tariff import TariffVersion, parse_tariffs
from ...states import state_in_unit, state_number
from .const import (
    CONF_BATTERY_CHARGE,
    CONF_BATTERY_DISCHARGE,
    CONF_BATTERY_POWER,
    CONF_DEMAND_CURRENT_QUARTER,
    CONF_DEMAND_MONTH_PEAK,
    CONF_GAS,
    CONF_GRID_EXPORT,
    CONF_GRID_IMPORT,
    CONF_GRID_POWER,
    CONF_GRID_TARIFF,
    CONF_PV_ENERGY,
    CONF_PV_POWER,
    CONF_TARIFFS,
)

_PRICE_SCALE = {"mwh": 0.001, "wh": 1000.0}
"""Price per MWh or per Wh to price per kWh."""


def entity_list(value: Any) -> list[str]:
    """Return an input's entity IDs as a list (one ID may be given as text)."""
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def site_inputs(data: Mapping[str, Any]) -> SiteInputs:
    """Return the engine inputs of an entry's data.

    Several import or export entities are the meter's registers, in order
    (tariff 1 first); one is a total.
    """
    counters: list[CounterSpec] = []
    for key, channel in (
        (CONF_GRID_IMPORT, Channel.IMPORT),
        (CONF_GRID_EXPORT, Channel.EXPORT),
    ):
        entity_ids = entity_list(data.get(key))
        registered = len(entity_ids) > 1
        counters.extend(
            CounterSpec(entity_id, channel, index if registered else None)
            for index, entity_id in enumerate(entity_ids, start=1)
        )
    counters.extend(
        CounterSpec(entity_id, Channel.PV)
        for entity_id in entity_list(data.get(CONF_PV_ENERGY))
    )
    for key, channel in (
        (CONF_BATTERY_CHARGE, Channel.BATTERY_CHARGE),
        (CONF_BATTERY_DISCHARGE, Channel.BATTERY_DISCHARGE),
        (CONF_GAS, Channel.GAS),
    ):
        if entity_id := data.get(key):
            counters.append(CounterSpec(entity_id, channel))
    return SiteInputs(
        counters=tuple(counters),
        grid_power=data.get(CONF_GRID_POWER),
        pv_power=tuple(entity_list(data.get(CONF_PV_POWER))),
        battery_power=data.get(CONF_BATTERY_POWER),
        register_entity=data.get(CONF_GRID_TARIFF),
        demand_entity=data.get(CONF_DEMAND_CURRENT_QUARTER),
        month_peak_entity=data.get(CONF_DEMAND_MONTH_PEAK),
    )


def site_tariffs(options: Mapping[str, Any]) -> tuple[TariffVersion, ...]:
    """Return the tariff versions of an entry's options.

    Raises:
        TariffError: when the stored tariffs are invalid.
    """
    return parse_tariffs(options.get(CONF_TARIFFS))


def energy_kwh(state: State | None) -> float | None:
    """Return an energy state in kWh."""
    return state_in_unit(state, EnergyConverter, UnitOfEnergy.KILO_WATT_HOUR)


def gas_m3(state: State | None) -> float | None:
    """Return a gas volume state in m³."""
    return state_in_unit(state, VolumeConverter, UnitOfVolume.CUBIC_METERS)


def power_w(state: State | None) -> float | None:
    """Return a power state in W."""
    return state_in_unit(state, PowerConverter, UnitOfPower.WATT)


def power_kw(state: State | None) -> float | None:
    """Return a power state in kW."""
    return state_in_unit(state, PowerConverter, UnitOfPower.KILO_WATT)


def price_per_kwh(state: State | None) -> float | None:
    """Return a price state per kWh (``EUR/MWh`` and ``EUR/Wh`` are scaled)."""
    value = state_number(state)
    if value is None or state is None:
        return None
    unit = str(state.attributes.get(ATTR_UNIT_OF_MEASUREMENT) or "")
    per = unit.rpartition("/")[2].strip().lower()
    return value * _PRICE_SCALE.get(per, 1.0)


def register(state: State | None) -> float | None:
    """Return the active register of a meter's tariff state (``1``, ``0002``)."""
    value = state_number(state)
    if value is None or value < 1 or not value.is_integer():
        return None
    return value
