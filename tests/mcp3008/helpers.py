"""Helpers of the MCP3008 tests: a simulated board, entries, the clock."""

from datetime import timedelta
import math
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.energy_monitor.const import DOMAIN
from custom_components.energy_monitor.lib.mcp3008.chip import ChipModel
from simulators.mcp3008 import FakeChip, Waveform, sine

PATH = "/dev/spidev0.0"
VREF = 3.3
BIAS = VREF / 2
AMPS_PER_VOLT = 30.0
"""The board's CTs: SCT-013-030 (1 V at 30 A)."""
RATIO = 230.0 / 0.6
"""The board's AC adapter: 230 V mains is 0.6 V RMS at the input."""
ENTRY_ID = "mcp3008_board"

DATA: dict[str, Any] = {
    "source": "mcp3008",
    "spi_bus": 0,
    "spi_device": 0,
    "chip": "mcp3208",
    "vref": VREF,
}

GRID_CT: dict[str, Any] = {
    "kind": "ct_current",
    "channel": 0,
    "name": "Mains",
    "role": "grid",
    "voltage_channel": 1,
}
MAINS: dict[str, Any] = {
    "kind": "ac_voltage",
    "channel": 1,
    "name": "Mains voltage",
    "ratio": RATIO,
}
KITCHEN_CT: dict[str, Any] = {
    "kind": "ct_current",
    "channel": 2,
    "name": "Kitchen",
    "role": "circuit",
}
TEMPERATURE: dict[str, Any] = {
    "kind": "linear",
    "channel": 3,
    "name": "Boiler temperature",
    "offset": -50.0,
    "gain": 100.0,
    "unit": "°C",
    "device_class": "temperature",
}
CHANNELS = [GRID_CT, MAINS, KITCHEN_CT, TEMPERATURE]


def current(amps: float, lag_deg: float = 0.0) -> Waveform:
    """Return a CT input carrying ``amps`` RMS, lagging the mains by ``lag_deg``."""
    return sine(
        bias=BIAS, amplitude=amps * math.sqrt(2) / AMPS_PER_VOLT, phase_deg=-lag_deg
    )


def board() -> FakeChip:
    """Return the board: 10 A at 30° on the grid CT, 230 V, 5 A, 1.25 V DC.

    Grid power 230 * 10 * cos 30° = 1991.9 W; kitchen 5 A * 230 V = 1150 W;
    boiler -50 + 100 * 1.25 = 75 °C.
    """
    return FakeChip(
        ChipModel.MCP3208,
        VREF,
        {
            0: current(10.0, 30.0),
            1: sine(bias=BIAS, amplitude=0.6 * math.sqrt(2)),
            2: current(5.0),
            3: lambda _t: 1.25,
        },
    )


async def set_up(
    hass: HomeAssistant, channels: list[dict[str, Any]] | None = None
) -> MockConfigEntry:
    """Add and set up the board's entry."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="MCP3208 on SPI 0.0",
        data=DATA,
        options={"channels": CHANNELS if channels is None else channels},
        unique_id=PATH,
        entry_id=ENTRY_ID,
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def next_report(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let the 5-second report interval pass."""
    freezer.tick(timedelta(seconds=5))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
