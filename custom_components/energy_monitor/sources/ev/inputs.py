"""Read the EV controller's inputs from Home Assistant's state machine."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeGuard

from homeassistant.const import STATE_ON, UnitOfPower
from homeassistant.core import HomeAssistant, State
from homeassistant.util.unit_conversion import PowerConverter

from ...lib.ev.controller import ControllerInputs, Reading
from ...lib.ev.planner import PriceSlot, parse_price_forecast
from ...states import MISSING, state_in_unit, state_number
from .const import (
    CONF_DEMAND_QUARTER,
    CONF_GRID_POWER,
    CONF_MONTH_PEAK,
    CONF_PRICE,
    CONF_RELAY,
    CONF_SURPLUS_POWER,
)


def _usable(state: State | None) -> TypeGuard[State]:
    """Tell whether a state holds a value."""
    return state is not None and state.state not in MISSING


def reading(state: State | None, unit: str | None = None) -> Reading | None:
    """Turn a numeric state into a :class:`Reading`, converted to ``unit``.

    The time is when the source last reported, changed or not, so a steady
    but live value is not mistaken for a frozen one. Unavailable, unknown or
    unreadable states give ``None``.
    """
    value = (
        state_number(state)
        if unit is None
        else state_in_unit(state, PowerConverter, unit)
    )
    if value is None or state is None:
        return None
    return Reading(value, state.last_reported)


def relay_is_on(state: State | None) -> bool | None:
    """Return the relay's state (None while it is unavailable)."""
    if not _usable(state):
        return None
    return state.state == STATE_ON


class InputReader:
    """Read the configured input entities of one charger.

    The price forecast is parsed again only when the price entity's attributes
    change (Home Assistant keeps the same attributes object while they stay
    equal), not on every grid-power update.
    """

    def __init__(self, hass: HomeAssistant, data: Mapping[str, Any]) -> None:
        """Read the entities named in the entry's ``data``."""
        self._hass = hass
        self._data = data
        self._forecast_of: Mapping[str, Any] | None = None
        self._forecast: tuple[PriceSlot, ...] = ()

    def _state(self, key: str) -> State | None:
        """Return the state of the input entity ``key`` (None if not set)."""
        entity_id = self._data.get(key)
        return self._hass.states.get(entity_id) if entity_id else None

    def _price_forecast(self, price: State | None) -> tuple[PriceSlot, ...]:
        """Return the forecast in the price entity's attributes."""
        if not _usable(price):
            return ()
        if price.attributes is not self._forecast_of:
            self._forecast_of = price.attributes
            self._forecast = tuple(parse_price_forecast(price.attributes))
        return self._forecast

    def read(self, now: datetime) -> ControllerInputs:
        """Read every configured input entity."""
        price = self._state(CONF_PRICE)
        return ControllerInputs(
            now=now,
            relay_on=relay_is_on(self._state(CONF_RELAY)),
            grid_power=reading(self._state(CONF_GRID_POWER), UnitOfPower.WATT),
            surplus_power=reading(self._state(CONF_SURPLUS_POWER), UnitOfPower.WATT),
            price=reading(price),
            price_forecast=self._price_forecast(price),
            demand_quarter=reading(
                self._state(CONF_DEMAND_QUARTER), UnitOfPower.KILO_WATT
            ),
            month_peak=reading(self._state(CONF_MONTH_PEAK), UnitOfPower.KILO_WATT),
        )
