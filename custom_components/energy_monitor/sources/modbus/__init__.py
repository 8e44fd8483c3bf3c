"""Modbus energy-meter source: any meter a register map describes.

An entry is one meter (a unit ID) behind a gateway or on a serial bus; all
meters behind the same gateway share one connection and show up as separate
devices.
"""

from homeassistant.const import Platform

from ...spec import SourceSpec
from .config_flow import ModbusConfigFlow, ModbusOptionsFlow
from .const import CONF_SERIAL_PORT, SOURCE
from .runtime import ModbusRuntime, async_setup_runtime

SPEC = SourceSpec[ModbusRuntime](
    source=SOURCE,
    menu_position=30,
    config_flow=ModbusConfigFlow,
    options_flow=ModbusOptionsFlow,
    async_setup_runtime=async_setup_runtime,
    platforms=(Platform.SENSOR,),
    redact=frozenset({CONF_SERIAL_PORT}),
    simulator="modbus",
)
"""The Modbus source: one meter of a TCP gateway or serial bus."""
