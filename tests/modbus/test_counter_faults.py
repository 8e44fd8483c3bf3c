"""Bad Modbus register values: never published, never a fake counter, counted.

Registers reading max float through the simulator on loopback; counters
stored in the old flat layout.
"""

from datetime import timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.energy_monitor.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.energy_monitor.storage import entry_store_key
from tests.common import entity_id_for, numbers, record_states, state_for
from tests.modbus.helpers import (
    SDM630,
    StartModbus,
    known_values,
    modbus_entry,
    set_up_sdm630,
)

MAX_FLOAT_WORDS = [0x7F7F, 0xFFFF]
"""0x7F7FFFFF: the largest float32, 3.4e38, as a register pair."""


async def _tick(hass: HomeAssistant, seconds: float) -> None:
    """Let the poll intervals pass."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_modbus_max_float_registers_are_never_published(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """0x7F7FFFFF three times, then true values: no 3.4e38, no decrease."""
    simulator, entry = await set_up_sdm630(hass, start_modbus)
    seen = record_states(hass)
    for key in ("grid_power", "frequency", "grid_elec_import"):
        register = SDM630.register(key)
        simulator.set_raw(1, register.register_type, register.address, MAX_FLOAT_WORDS)
    for _ in range(3):
        await _tick(hass, 31)
    simulator.set_values(
        1, {"grid_power": 800.5, "frequency": 50.0, "grid_elec_import": 12345.75}
    )
    await _tick(hass, 31)
    assert state_for(hass, "grid_elec_import").state == "12345.75"
    assert state_for(hass, "grid_power").state == "800.5"
    for key in ("grid_power", "frequency", "grid_elec_import"):
        values = numbers(seen.get(entity_id_for(hass, key), []))
        assert all(abs(x) < 1e6 for x in values), (key, values)
    imported = numbers(seen[entity_id_for(hass, "grid_elec_import")])
    assert imported == sorted(imported)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["values_rejected"]["grid_elec_import"] >= 3
    assert diagnostics["values_rejected"]["frequency"] >= 3
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()


async def test_modbus_counters_stored_flat_still_guard(
    hass: HomeAssistant, start_modbus: StartModbus, hass_storage: dict[str, Any]
) -> None:
    """A file written before the counters had their own section still seeds."""
    simulator = await start_modbus({1: SDM630})
    simulator.set_values(1, {**known_values(SDM630), "grid_elec_import": 0})
    entry = modbus_entry(simulator.port, "eastron_sdm630")
    hass_storage[entry_store_key(entry)] = {
        "version": 1,
        "minor_version": 1,
        "key": entry_store_key(entry),
        "data": {"grid_elec_import": 12346.5, "grid_elec_export": None},
    }
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert state_for(hass, "grid_elec_import").state == "12346.5"
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    stored = hass_storage[entry_store_key(entry)]["data"]
    assert stored["counters"]["grid_elec_import"] == 12346.5
