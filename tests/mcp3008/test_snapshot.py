"""Snapshots of every entity of the board: two CTs, a voltage, a DC sensor.

The simulated chip's waveforms are fixed and sampled in virtual time, so
every registry entry and state is reproducible.
"""

from homeassistant.core import HomeAssistant
from syrupy.assertion import SnapshotAssertion

from simulators.mcp3008 import FakeSpiIo
from tests.common import state_for
from tests.mcp3008.helpers import set_up
from tests.snapshot_helpers import assert_entities_match_snapshot


async def test_board_entities(
    hass: HomeAssistant, spi: FakeSpiIo, snapshot: SnapshotAssertion
) -> None:
    """Every entity of the board, as registered and shown."""
    entry = await set_up(hass)
    assert_entities_match_snapshot(hass, snapshot, entry.entry_id)


async def test_important_values(hass: HomeAssistant, spi: FakeSpiIo) -> None:
    """Units and classes the Energy dashboard relies on."""
    await set_up(hass)
    energy = state_for(hass, "grid_elec_import")
    assert energy.attributes["state_class"] == "total_increasing"
    assert energy.attributes["unit_of_measurement"] == "kWh"
    assert energy.attributes["device_class"] == "energy"
    power = state_for(hass, "grid_power")
    assert power.attributes["unit_of_measurement"] == "W"
    boiler = state_for(hass, "analog_value")
    assert boiler.attributes["unit_of_measurement"] == "°C"
    assert boiler.attributes["device_class"] == "temperature"
    assert boiler.name == "Boiler temperature"
