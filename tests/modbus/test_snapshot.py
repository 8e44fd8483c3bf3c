"""Snapshots of every entity of every bundled Modbus meter map.

Each map is served by the simulator with the known values of
tests/modbus_helpers.py (frozen, not live), so registry entries and states
are fixed.
"""

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.energy_monitor.const import DOMAIN
from custom_components.energy_monitor.lib.modbus.catalog import (
    bundled_models,
    load_bundled_map,
)
from tests.common import state_for
from tests.modbus.helpers import StartModbus, known_values, modbus_entry
from tests.snapshot_helpers import assert_entities_match_snapshot


async def _set_up(hass: HomeAssistant, start_modbus: StartModbus, model: str) -> str:
    """Serve the model's known values and set up an entry with a fixed ID."""
    register_map = load_bundled_map(model)
    simulator = await start_modbus({7: register_map}, live=False)
    simulator.set_values(7, known_values(register_map))
    template = modbus_entry(simulator.port, model, unit_id=7)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=template.title,
        data=template.data,
        options=template.options,
        entry_id=f"modbus_{model}",
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry.entry_id


@pytest.mark.parametrize("model", bundled_models())
async def test_bundled_meter_entities(
    hass: HomeAssistant,
    start_modbus: StartModbus,
    snapshot: SnapshotAssertion,
    model: str,
) -> None:
    """Every sensor of the map, as registered and shown."""
    entry_id = await _set_up(hass, start_modbus, model)

    assert_entities_match_snapshot(hass, snapshot, entry_id)


async def test_vocabulary_keys_are_translated(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """Vocabulary keys get their translated names; a map's own keys its names."""
    await _set_up(hass, start_modbus, "eastron_sdm630")
    power = state_for(hass, "grid_power")
    assert power.attributes["unit_of_measurement"] == "W"
    assert power.attributes["device_class"] == "power"
    assert power.attributes["state_class"] == "measurement"
    energy = state_for(hass, "grid_elec_import")
    assert energy.attributes["state_class"] == "total_increasing"
    assert energy.attributes["unit_of_measurement"] == "kWh"
