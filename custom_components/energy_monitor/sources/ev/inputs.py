"""Read the EV controller's inputs from Home Assistant's state machine."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from homeassistant.const import (
    ATTR_UNIT_OF_MEASUREMENT,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    UnitOfPower,
)
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util.unit_conversion import PowerConverter

from ...lib.ev.controller import ControllerInputs, Reading
from ...lib.ev.planner import parse_price_forecast
from .const import (
    CONF_DEMAND_QUARTER,
    CONF_GRID_POWER,
    CONF_MONTH_PEAK,
    CONF_PRICE,
    CONF_RELAY,
    CONF_SURPLUS_POWER,
)

_MISSING = (STATE_UNAVAILABLE, STATE_UNKNOWN)


def _usable(state: State | None) -> bool:
    """Tell whether a state holds a value."""
    return state is not None and state.state not in _MISSING


def reading(state: State | None, unit: str | None = None) -> Reading | None:
    """Turn a numeric state into a :class:`Reading`, converted to ``unit``.

    The time is when the source last reported, changed or not, so a steady
    but live value is not mistaken for a frozen one. Unavailable, unknown or
    unreadable states give ``None``.
    """
    if state is None or not _usable(state):
        return None
    try:
        value = float(state.state)
    except ValueError:
        return None
    source_unit = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)
    if unit is not None and source_unit and source_unit != unit:
        try:
            value = PowerConverter.convert(value, source_unit, unit)
        except HomeAssistantError:
            return None
    return Reading(value, max(state.last_changed, state.last_reported))


def relay_is_on(state: State | None) -> bool | None:
    """Return the relay's state (None while it is unavailable)."""
    if state is None or not _usable(state):
        return None
    return state.state == STATE_ON


def read_inputs(
    hass: HomeAssistant, data: Mapping[str, Any], now: datetime
) -> ControllerInputs:
    """Read every configured input entity."""

    def get(key: str) -> State | None:
        entity_id = data.get(key)
        return hass.states.get(entity_id) if entity_id else None

    price = get(CONF_PRICE)
    return ControllerInputs(
        now=now,
        relay_on=relay_is_on(get(CONF_RELAY)),
        grid_power=reading(get(CONF_GRID_POWER), UnitOfPower.WATT),
        surplus_power=reading(get(CONF_SURPLUS_POWER), UnitOfPower.WATT),
        price=reading(price),
        price_forecast=tuple(parse_price_forecast(price.attributes))
        if _usable(price) and price is not None
        else (),
        demand_quarter=reading(get(CONF_DEMAND_QUARTER), UnitOfPower.KILO_WATT),
        month_peak=reading(get(CONF_MONTH_PEAK), UnitOfPower.KILO_WATT),
    )
