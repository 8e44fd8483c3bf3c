"""Constants of the MCP3008/MCP3208 analog-channel source."""

from datetime import timedelta
from typing import Final

SOURCE: Final = "mcp3008"
"""This source's ``source`` in entry data (stored: never change it)."""

CONF_SPI_BUS: Final = "spi_bus"
CONF_SPI_DEVICE: Final = "spi_device"
CONF_CHIP: Final = "chip"
CONF_VREF: Final = "vref"
CONF_CHANNELS: Final = "channels"
"""The options' list of channel settings (``lib.mcp3008.channels``)."""

DEFAULT_VREF: Final = 3.3

SCAN_INTERVAL: Final = timedelta(seconds=5)
"""Time between reports (each samples 10 mains cycles per AC channel)."""
MAX_GAP: Final = 3 * SCAN_INTERVAL.total_seconds()
"""Seconds between reports beyond which energy is not integrated (an outage)."""
