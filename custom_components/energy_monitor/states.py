"""Numbers from other entities' states: the inputs of the site and EV charger."""

import math

from homeassistant.const import (
    ATTR_UNIT_OF_MEASUREMENT,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import State
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util.unit_conversion import BaseUnitConverter

MISSING = (STATE_UNAVAILABLE, STATE_UNKNOWN)
"""States that hold no value."""


def state_number(state: State | None) -> float | None:
    """Return a state as a number, ``None`` when it is not a finite one."""
    if state is None or state.state in MISSING:
        return None
    try:
        value = float(state.state)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def state_in_unit(
    state: State | None, converter: type[BaseUnitConverter], unit: str
) -> float | None:
    """Return a state converted to ``unit`` (no unit: already in ``unit``)."""
    value = state_number(state)
    if value is None or state is None:
        return None
    source = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)
    if not source or source == unit:
        return value
    try:
        return converter.convert(value, source, unit)
    except HomeAssistantError:
        return None
