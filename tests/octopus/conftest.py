"""Fixtures of the Octopus tests: a simulated account on loopback, UK time."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from simulators.octopus import OctopusAccount, OctopusSimulator

NOW = datetime(2026, 3, 20, 12, 10, tzinfo=UTC)
"""Noon in London, a Friday; the import moved to Agile on 15 February."""


@pytest.fixture
async def uk_time(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Run Home Assistant in London time, at :data:`NOW`."""
    freezer.move_to(NOW)
    await hass.config.async_set_time_zone("Europe/London")
    hass.config.currency = "GBP"


@pytest.fixture
async def octopus(
    socket_enabled: None, uk_time: None
) -> AsyncIterator[OctopusSimulator]:
    """Run a simulated account with half a year of history on a loopback port."""
    simulator = OctopusSimulator(
        OctopusAccount(history_start=datetime(2025, 12, 31, 0, 0, tzinfo=UTC))
    )
    await simulator.start()
    yield simulator
    await simulator.stop()
