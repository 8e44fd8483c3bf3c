"""Helpers for Fronius tests: entries, sample answers, polling, entity lookup."""

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.energy_monitor.const import DOMAIN
from simulators.fronius import Endpoint, FroniusSimulator
from tests.common import FIXTURES

FRONIUS_FIXTURES = FIXTURES / "fronius"


def fronius_entry(host: str, **extra: Any) -> MockConfigEntry:
    """Return an entry as the acceptance check makes it: source and host only."""
    return MockConfigEntry(
        domain=DOMAIN,
        title="Fronius",
        data={"source": "fronius", "host": host},
        **extra,
    )


async def set_up_fronius(
    hass: HomeAssistant, host: str, **extra: Any
) -> MockConfigEntry:
    """Add a Fronius entry and set it up."""
    entry = fronius_entry(host, **extra)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def sample(name: str) -> str:
    """Return the text of a sample answer in tests/fixtures/fronius."""
    return (FRONIUS_FIXTURES / name).read_text(encoding="utf-8")


def serve_samples(simulator: FroniusSimulator, answers: dict[Endpoint, str]) -> None:
    """Answer the given endpoints with sample files; others 404."""
    simulator.answers = {endpoint: sample(name) for endpoint, name in answers.items()}
    simulator.only_answers = True


async def poll(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float = 10
) -> None:
    """Let ``seconds`` pass so that the coordinator polls."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


SYMO_DAY = {
    Endpoint.INVERTER_INFO: "ha_symo_GetInverterInfo_night.json",
    Endpoint.POWER_FLOW: "ha_symo_GetPowerFlowRealtimeData.json",
    Endpoint.INVERTER_COMMON: "ha_symo_GetInverterRealtimeData_CommonInverterData.json",
    Endpoint.METER: "ha_symo_GetMeterRealtimeData_System.json",
    Endpoint.STORAGE: "ha_symo_GetStorageRealtimeData_error255.json",
}
