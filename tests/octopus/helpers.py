"""Helpers for Octopus tests: entries, time passing, statistics."""

from datetime import datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.energy_monitor.const import DOMAIN
from simulators.octopus import ACCOUNT_NUMBER, API_KEY, OctopusSimulator


def octopus_data(simulator: OctopusSimulator, **extra: Any) -> dict[str, Any]:
    """Return the entry data the wizard stores for the simulated account."""
    return {
        "source": "octopus",
        "api_key": API_KEY,
        "account_number": ACCOUNT_NUMBER,
        "gas_unit": "m3",
        "api_url": simulator.url,
        **extra,
    }


def add_octopus(
    hass: HomeAssistant, simulator: OctopusSimulator, **extra: Any
) -> MockConfigEntry:
    """Add the simulated account (not set up)."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=f"Octopus {ACCOUNT_NUMBER}",
        unique_id=ACCOUNT_NUMBER,
        data=octopus_data(simulator, **extra),
    )
    entry.add_to_hass(hass)
    return entry


async def set_up_octopus(
    hass: HomeAssistant, simulator: OctopusSimulator, **extra: Any
) -> MockConfigEntry:
    """Add the simulated account and set it up (history imported)."""
    entry = add_octopus(hass, simulator, **extra)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


async def advance(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta
) -> None:
    """Let ``delta`` pass and fire the timers that are due."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


async def move_to(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, moment: datetime
) -> None:
    """Move the clock to ``moment`` and fire the timers that are due."""
    freezer.move_to(moment)
    async_fire_time_changed(hass, moment)
    await hass.async_block_till_done(wait_background_tasks=True)
