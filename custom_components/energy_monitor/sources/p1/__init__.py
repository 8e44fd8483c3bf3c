"""P1 smart-meter source (DSMR 2.2 to 5, Belgian e-MUCS, LU, SE, HU, Q3D)."""

from homeassistant.const import Platform

from ...spec import SourceSpec
from .config_flow import P1ConfigFlow, P1OptionsFlow
from .const import (
    CONF_AUTHENTICATION_KEY,
    CONF_ENCRYPTION_KEY,
    CONF_SERIAL_PORT,
    SOURCE,
)
from .runtime import P1Runtime, async_setup_runtime

SPEC = SourceSpec[P1Runtime](
    source=SOURCE,
    menu_position=10,
    config_flow=P1ConfigFlow,
    options_flow=P1OptionsFlow,
    async_setup_runtime=async_setup_runtime,
    platforms=(Platform.EVENT, Platform.SENSOR),
    redact=frozenset(
        {CONF_AUTHENTICATION_KEY, CONF_ENCRYPTION_KEY, CONF_SERIAL_PORT, "equipment_id"}
    ),
    simulator="p1",
)
"""The P1 source: a meter's telegrams over TCP or a serial port."""
