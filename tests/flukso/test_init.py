"""Flukso entries: not ready, HA's MQTT, silence, removed sensors, diagnostics."""

import asyncio
from datetime import timedelta
import json

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_mqtt_message,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.energy_monitor import async_remove_config_entry_device
from custom_components.energy_monitor.const import DOMAIN
from custom_components.energy_monitor.diagnostics import (
    async_get_config_entry_diagnostics,
)
from simulators.flukso import FluksoBroker, FluksoSimulator, FluksoVariant
from tests.common import entity_id_by_unique_id, until
from tests.flukso.helpers import reading, setup_entry


def _state(hass: HomeAssistant, unique_id: str) -> str:
    """Return the state of the entity with this unique ID."""
    state = hass.states.get(entity_id_by_unique_id(hass, unique_id))
    assert state is not None
    return state.state


async def test_not_ready_without_configuration(
    hass: HomeAssistant, broker: FluksoBroker
) -> None:
    """A broker without the meter's configuration: setup is retried later."""
    meter = FluksoSimulator(FluksoVariant.FLM02, broker.host, broker.port)
    entry = await setup_entry(hass, meter)
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_silent_sensor_goes_unavailable(
    hass: HomeAssistant, flm02: FluksoSimulator
) -> None:
    """A sensor silent for longer than its report period is unavailable."""
    entry = await setup_entry(hass, flm02)
    main = flm02.sensors[0].sensor_id
    coordinator = entry.runtime_data.coordinator
    clock = [1000.0]
    coordinator.clock = lambda: clock[0]
    await flm02.publish(*reading(main, "gauge", 150, "W"))
    await until(hass, lambda: _state(hass, f"{main}_meter_power_import") == "150.0")
    clock[0] += 1.0
    await flm02.publish(*reading(main, "gauge", 151, "W", at=1_459_065_181))
    await until(hass, lambda: _state(hass, f"{main}_meter_power_import") == "151.0")
    clock[0] += 5.0
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=6))
    await hass.async_block_till_done()
    assert _state(hass, f"{main}_meter_power_import") == "151.0"
    clock[0] += 10.0
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=12))
    await hass.async_block_till_done()
    assert _state(hass, f"{main}_meter_power_import") == STATE_UNAVAILABLE
    await flm02.publish(*reading(main, "gauge", 152, "W"))
    await until(hass, lambda: _state(hass, f"{main}_meter_power_import") == "152.0")


async def test_sensors_added_and_removed(
    hass: HomeAssistant, flm02: FluksoSimulator
) -> None:
    """A sensor enabled later gets entities; a removed one may be deleted."""
    entry = await setup_entry(hass, flm02)
    spare = flm02.config["3"]["id"]
    gas = flm02.sensors[2].sensor_id
    flm02.config["3"]["enable"] = 1
    del flm02.config["4"]
    await flm02.publish_config()
    await until(
        hass,
        lambda: (
            hass.states.get("sensor.unused_power_in") is not None
            and _state(hass, f"{gas}_grid_gas_import") == STATE_UNAVAILABLE
        ),
    )
    devices = {
        identifier: device
        for device in dr.async_entries_for_config_entry(
            dr.async_get(hass), entry.entry_id
        )
        for _domain, identifier in device.identifiers
    }
    assert spare in devices
    assert await async_remove_config_entry_device(hass, entry, devices[gas])
    assert not await async_remove_config_entry_device(hass, entry, devices[spare])
    assert not await async_remove_config_entry_device(
        hass, entry, devices[flm02.device_id]
    )


async def test_diagnostics(hass: HomeAssistant, flm02: FluksoSimulator) -> None:
    """Diagnostics show the sensors and counts, without host or meter ID."""
    entry = await setup_entry(hass, flm02)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    text = json.dumps(diagnostics, default=str)
    assert flm02.device_id not in text
    assert "127.0.0.1" not in text
    assert diagnostics["connection"]["available"] is True
    assert len(diagnostics["sensors"]) == 4
    assert diagnostics["history"] is None


async def test_history_needs_the_recorder(
    hass: HomeAssistant, flm02: FluksoSimulator
) -> None:
    """Tokens without the recorder: the cloud is not asked, the entry works."""
    main = flm02.sensors[0].sensor_id
    entry = await setup_entry(
        hass, flm02, api_url="http://127.0.0.1:1", history_tokens={main: "t"}
    )
    history = entry.runtime_data.history
    assert history.running is not None
    await history.running
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["history"]["requests"] == 0
    assert diagnostics["history"]["sensors"][0]["hours_written"] is None


@pytest.mark.parametrize("expected_lingering_timers", [True])
async def test_via_ha_mqtt(hass: HomeAssistant, mqtt_mock: MqttMockHAClient) -> None:
    """Through HA's MQTT integration: same entities, outage when it disconnects."""
    meter = FluksoSimulator(FluksoVariant.FLM02)
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=meter.device_id,
        data={"source": "flukso", "via_ha_mqtt": True, "device_id": meter.device_id},
    )
    entry.add_to_hass(hass)
    setup = hass.async_create_task(hass.config_entries.async_setup(entry.entry_id))
    await asyncio.sleep(0.1)  # until it subscribed (real time: setup waits 1 s)
    for topic, payload in meter.config_messages():
        async_fire_mqtt_message(hass, topic, payload)
    assert await setup
    await hass.async_block_till_done()
    main = meter.sensors[0].sensor_id
    async_fire_mqtt_message(hass, *reading(main, "gauge", 157, "W"))
    await hass.async_block_till_done()
    assert _state(hass, f"{main}_meter_power_import") == "157.0"
    mqtt_mock.connected = False
    await entry.runtime_data.coordinator.async_subscribe_ha_mqtt()
    assert await hass.config_entries.async_unload(entry.entry_id)
