"""Every bundled meter, end to end: simulator -> loopback TCP -> entities."""

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest

from custom_components.energy_monitor.const import DOMAIN
from custom_components.energy_monitor.lib.modbus.catalog import (
    bundled_models,
    load_bundled_map,
)
from tests.common import state_for
from tests.modbus.helpers import (
    StartModbus,
    known_values,
    modbus_entry,
    start_stock_server,
)


@pytest.mark.parametrize("model", bundled_models())
async def test_bundled_meter_states(
    hass: HomeAssistant, start_modbus: StartModbus, model: str
) -> None:
    """Every sensor of every bundled map shows the value the meter holds."""
    register_map = load_bundled_map(model)
    simulator = await start_modbus({7: register_map}, live=False)
    values = known_values(register_map)
    simulator.set_values(7, values)
    entry = modbus_entry(simulator.port, model, unit_id=7)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED

    for register in register_map.sensors:
        state = state_for(hass, register.key)
        assert float(state.state) == values[register.key], register.key
        assert state.attributes.get("unit_of_measurement") == register.unit
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    assert len(entities) == len(register_map.sensors)
    assert {e.unique_id for e in entities} == {
        f"{entry.entry_id}_{register.key}" for register in register_map.sensors
    }
    (meter,) = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert (DOMAIN, entry.entry_id) in meter.identifiers
    assert meter.model_id == model

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.parametrize("model", bundled_models())
async def test_bundled_meter_on_stock_server(
    hass: HomeAssistant, socket_enabled: None, model: str
) -> None:
    """The same against a stock pymodbus server, with the entry's five fields."""
    register_map = load_bundled_map(model)
    values = known_values(register_map)
    server, port = await start_stock_server({2: register_map}, {2: values})
    entry = modbus_entry(port, model, unit_id=2)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    for register in register_map.sensors:
        assert float(state_for(hass, register.key).state) == values[register.key]
    assert await hass.config_entries.async_unload(entry.entry_id)
    await server.shutdown()  # type: ignore[no-untyped-call]
