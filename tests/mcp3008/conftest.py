"""Fixtures of the MCP3008 tests: the simulated SPI bus with the board on it."""

from homeassistant.core import HomeAssistant
import pytest

from custom_components.energy_monitor.sources.mcp3008.connection import SPI_IO
from simulators.mcp3008 import FakeSpiIo
from tests.mcp3008.helpers import PATH, board


@pytest.fixture
def spi(hass: HomeAssistant) -> FakeSpiIo:
    """Put the board on /dev/spidev0.0 of the simulated SPI bus."""
    io = FakeSpiIo({PATH: board()})
    hass.data[SPI_IO] = io
    return io
