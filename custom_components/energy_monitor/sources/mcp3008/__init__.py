"""MCP3008/MCP3208 source: CT clamps and analog sensors on a Raspberry Pi's SPI.

An entry is one ADC chip on a spidev node; its channels (CT clamps, an AC
voltage adapter, DC sensors) are its options, each shown as a device.
"""

from homeassistant.const import Platform

from ...spec import SourceSpec
from .config_flow import Mcp3008ConfigFlow, Mcp3008OptionsFlow
from .const import SOURCE
from .runtime import Mcp3008Runtime, async_setup_runtime
from .services import async_setup_mcp3008_services

SPEC = SourceSpec[Mcp3008Runtime](
    source=SOURCE,
    menu_position=32,
    config_flow=Mcp3008ConfigFlow,
    options_flow=Mcp3008OptionsFlow,
    async_setup_runtime=async_setup_runtime,
    platforms=(Platform.SENSOR,),
    async_setup_actions=async_setup_mcp3008_services,
    simulator="mcp3008",
)
"""The MCP3008 source: one ADC on a spidev node, its channels as options."""
