"""Helpers for Flukso tests: entries, readings, entity lookup."""

import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_monitor.const import DOMAIN
from simulators.flukso import FluksoSimulator


async def setup_entry(hass: HomeAssistant, meter: FluksoSimulator) -> MockConfigEntry:
    """Add and set up the entry of a meter on its broker."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=f"Fluksometer {meter.device_id[:8]}",
        unique_id=meter.device_id,
        data={
            "source": "flukso",
            "host": meter.host,
            "port": meter.port,
            "device_id": meter.device_id,
        },
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def reading(
    sensor_id: str, kind: str, value: float, unit: str, at: int = 1_459_065_180
) -> tuple[str, bytes]:
    """Return the topic and payload of one gauge or counter message."""
    return f"/sensor/{sensor_id}/{kind}", json.dumps([at, value, unit]).encode()


def unique_id(sensor_id: str, key: str) -> str:
    """Return the unique ID of a sensor's entity."""
    return f"{sensor_id}_{key}"
