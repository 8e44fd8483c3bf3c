"""Fixtures of the Flukso tests: an MQTT broker on loopback, short timeouts."""

from collections.abc import AsyncIterator, Iterator
import logging
from unittest.mock import patch

from homeassistant.core import HomeAssistant
import pytest

from custom_components.energy_monitor.const import DOMAIN
from simulators.flukso import FluksoBroker, FluksoSimulator, FluksoVariant
from tests.common import closed_port

_PACKAGE = "custom_components.energy_monitor"


@pytest.fixture(autouse=True)
def fast_flukso_timeouts() -> Iterator[None]:
    """Make the wizard and setup give up quickly when no meter configures."""
    with (
        patch(f"{_PACKAGE}.sources.flukso.config_flow.DISCOVERY_TIMEOUT", 1.0),
        patch(f"{_PACKAGE}.sources.flukso.runtime.FIRST_CONFIG_TIMEOUT", 1.0),
        patch(f"{_PACKAGE}.lib.flukso.client.SETTLE_TIME", 0.2),
        patch(f"{_PACKAGE}.sources.flukso.runtime.SETTLE_TIME", 0.2),
    ):
        yield


@pytest.fixture
async def broker(
    hass: HomeAssistant, socket_enabled: None
) -> AsyncIterator[FluksoBroker]:
    """Run an MQTT broker (amqtt) on a loopback port (its chatter left out)."""
    for name in ("amqtt", "transitions"):
        logging.getLogger(name).setLevel(logging.WARNING)
    server = FluksoBroker("127.0.0.1", await closed_port())
    await server.start()
    yield server
    # Unload the entries first: a reader reconnecting while the broker stops
    # keeps amqtt's shutdown waiting.
    for entry in hass.config_entries.async_entries(DOMAIN):
        if getattr(entry, "runtime_data", None) is not None:
            await hass.config_entries.async_unload(entry.entry_id)
    await server.stop()


@pytest.fixture
async def flm02(broker: FluksoBroker) -> FluksoSimulator:
    """An FLM02 whose configuration is on the broker (readings on demand)."""
    meter = FluksoSimulator(FluksoVariant.FLM02, broker.host, broker.port)
    await meter.publish_config()
    return meter


@pytest.fixture
async def flm03(broker: FluksoBroker) -> FluksoSimulator:
    """An FLM03 whose configuration is on the broker (readings on demand)."""
    meter = FluksoSimulator(FluksoVariant.FLM03, broker.host, broker.port)
    await meter.publish_config()
    return meter
