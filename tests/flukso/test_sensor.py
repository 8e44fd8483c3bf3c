"""Flukso meters on a real MQTT broker: discovery, live values, counters, faults."""

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest

from custom_components.energy_monitor.const import DOMAIN
from simulators.flukso import FluksoSimulator
from tests.common import entity_id_by_unique_id, until
from tests.flukso.helpers import Outage, reading, setup_entry, unique_id


def _state(hass: HomeAssistant, sensor_id: str, key: str) -> str:
    """Return the state of a sensor's entity."""
    state = hass.states.get(entity_id_by_unique_id(hass, unique_id(sensor_id, key)))
    assert state is not None
    return state.state


async def _until_state(
    hass: HomeAssistant, sensor_id: str, key: str, expected: str
) -> None:
    """Wait until a sensor's entity shows ``expected``."""
    await until(hass, lambda: _state(hass, sensor_id, key) == expected)


async def test_flm02_discovery(hass: HomeAssistant, flm02: FluksoSimulator) -> None:
    """Every enabled FLM02 sensor is a device named after its function."""
    entry = await setup_entry(hass, flm02)
    assert entry.state is ConfigEntryState.LOADED
    main, solar, gas, water = (sensor.sensor_id for sensor in flm02.sensors)
    devices = dr.async_get(hass)
    names = sorted(
        device.name or ""
        for device in dr.async_entries_for_config_entry(devices, entry.entry_id)
    )
    assert names == ["Fluksometer 01234567", "Gas", "Main", "Solar", "Water"]
    keys = sorted(
        entity.unique_id.removeprefix(f"{entity.unique_id[:32]}_")
        for entity in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
    )
    assert keys == sorted(
        [
            "meter_elec_import",
            "meter_power_import",
            "meter_elec_import",
            "meter_power_import",
            "grid_gas_import",
            "grid_gas_flow",
            "grid_water_import",
            "grid_water_flow",
        ]
    )
    # Nothing reported yet: no value is shown.
    assert _state(hass, main, "meter_power_import") == STATE_UNKNOWN
    await flm02.publish_all(
        [
            reading(main, "gauge", 157, "W"),
            reading(main, "counter", 2149218, "Wh"),
            reading(gas, "gauge", 2880, "L/day"),
            reading(gas, "counter", 3456789, "L"),
            reading(water, "counter", 123456, "L"),
        ]
    )
    await _until_state(hass, water, "grid_water_import", "123.456")
    assert _state(hass, main, "meter_power_import") == "157.0"
    assert _state(hass, main, "meter_elec_import") == "2149.218"
    assert _state(hass, gas, "grid_gas_flow") == "2.0"
    assert _state(hass, gas, "grid_gas_import") == "3456.789"
    assert _state(hass, water, "grid_water_flow") == STATE_UNKNOWN
    assert _state(hass, solar, "meter_power_import") == STATE_UNKNOWN
    gas_state = hass.states.get(
        entity_id_by_unique_id(hass, unique_id(gas, "grid_gas_import"))
    )
    assert gas_state is not None
    assert gas_state.attributes["unit_of_measurement"] == "m³"
    assert gas_state.attributes["state_class"] == "total_increasing"
    assert gas_state.attributes["device_class"] == "gas"


async def test_flm03_discovery(hass: HomeAssistant, flm03: FluksoSimulator) -> None:
    """FLM03 sensors are named after their port; the P1 port is the grid."""
    entry = await setup_entry(hass, flm03)
    assert entry.state is ConfigEntryState.LOADED
    by_subtype = {
        (entry_["port"][0], entry_["subtype"]): entry_["id"]
        for entry_ in flm03.config.values()
        if "subtype" in entry_
    }
    keys = {
        entity.unique_id
        for entity in er.async_entries_for_config_entry(
            er.async_get(hass), entry.entry_id
        )
    }
    assert keys == {
        unique_id(by_subtype[1, "pplus"], "meter_power_import"),
        unique_id(by_subtype[1, "pplus"], "meter_elec_import"),
        unique_id(by_subtype[1, "pminus"], "meter_power_export"),
        unique_id(by_subtype[1, "pminus"], "meter_elec_export"),
        unique_id(by_subtype[1, "vrms"], "meter_vrms"),
        unique_id(by_subtype[1, "irms"], "meter_irms"),
        unique_id(by_subtype[1, "pf"], "meter_pf"),
        unique_id(by_subtype[7, "pplus"], "grid_power_import"),
        unique_id(by_subtype[7, "pplus"], "grid_elec_import"),
        unique_id(by_subtype[7, "pminus"], "grid_power_export"),
        unique_id(by_subtype[7, "pminus"], "grid_elec_export"),
    }
    names = {
        device.name
        for device in dr.async_entries_for_config_entry(
            dr.async_get(hass), entry.entry_id
        )
        if (DOMAIN, by_subtype[7, "pplus"]) in device.identifiers
    }
    assert names == {"P1 port"}
    grid_import = by_subtype[7, "pplus"]
    await flm03.publish_all(
        [
            reading(by_subtype[1, "pf"], "gauge", 950, ""),
            reading(grid_import, "gauge", 812.5, "W"),
            reading(grid_import, "counter", 1_000_123, "Wh"),
        ]
    )
    await _until_state(hass, grid_import, "grid_elec_import", "1000.123")
    assert _state(hass, grid_import, "grid_power_import") == "812.5"
    assert _state(hass, by_subtype[1, "pf"], "meter_pf") == "0.95"


@pytest.mark.usefixtures("write_every_change")
async def test_counter_reset_and_glitch(
    hass: HomeAssistant, flm02: FluksoSimulator
) -> None:
    """A counter that restarts carries on; a lone 0 is never shown."""
    await setup_entry(hass, flm02)
    main = flm02.sensors[0].sensor_id
    await flm02.publish(*reading(main, "counter", 2_149_218, "Wh"))
    await _until_state(hass, main, "meter_elec_import", "2149.218")
    # A glitch: one 0, then the old series goes on.
    await flm02.publish_all(
        [
            reading(main, "counter", 0, "Wh"),
            reading(main, "counter", 2_149_220, "Wh"),
        ]
    )
    await _until_state(hass, main, "meter_elec_import", "2149.22")
    # The meter restarts its counter (reflashed, or the counter wrapped).
    await flm02.publish_all(
        [
            reading(main, "counter", 5, "Wh"),
            reading(main, "counter", 15, "Wh"),
            reading(main, "counter", 1015, "Wh"),
        ]
    )
    await _until_state(hass, main, "meter_elec_import", "2150.235")


async def test_malformed_payloads_are_skipped_and_counted(
    hass: HomeAssistant, flm02: FluksoSimulator
) -> None:
    """Not JSON, wrong arity, strings, unknown units: skipped, counted."""
    entry = await setup_entry(hass, flm02)
    main = flm02.sensors[0].sensor_id
    topic = f"/sensor/{main}/gauge"
    await flm02.publish_all(
        [
            (topic, b"not json"),
            (topic, b"[1459065180, 157]"),
            (topic, b'[1459065180, "157", "W"]'),
            (topic, b"[1459065180, 157, 42]"),
            (topic, b'{"value": 157}'),
            (topic, b"[" + b"1, " * 200 + b"1]"),
            (topic, b'[1459065180, 1e12, "W"]'),
            reading(main, "gauge", 160, "W"),
        ]
    )
    await _until_state(hass, main, "meter_power_import", "160.0")
    diagnostics = entry.runtime_data.diagnostics()
    assert diagnostics["skipped"] == {
        "not_json": 1,
        "wrong_shape": 2,
        "not_a_number": 1,
        "unknown_unit": 1,
        "too_large": 1,
    }
    assert diagnostics["values_rejected"] == {"meter_power_import": 1}


async def test_broker_restart(hass: HomeAssistant, flm02: FluksoSimulator) -> None:
    """The entities go unavailable while the broker is down, and come back."""
    outage = Outage(flm02.port)
    await outage.start()
    entry = await setup_entry(hass, flm02, outage.port)
    main = flm02.sensors[0].sensor_id
    await flm02.publish(*reading(main, "gauge", 157, "W"))
    await _until_state(hass, main, "meter_power_import", "157.0")
    await outage.stop()
    await _until_state(hass, main, "meter_power_import", STATE_UNAVAILABLE)
    await outage.start()
    # Retained, so the reader gets it whenever it is back.
    await flm02.publish(*reading(main, "gauge", 170, "W"), retain=True)
    await until(
        hass, lambda: _state(hass, main, "meter_power_import") == "170.0", timeout=10
    )
    assert entry.runtime_data.client.reconnects >= 1
    await hass.config_entries.async_unload(entry.entry_id)
    await outage.stop()
