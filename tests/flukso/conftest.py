"""Fixtures of the Flukso tests: an MQTT broker and flukso.net on loopback."""

from collections.abc import AsyncIterator, Iterator
import logging
from unittest.mock import patch

from homeassistant.core import HomeAssistant
import pytest

from custom_components.energy_monitor.const import DOMAIN
from simulators.flukso import (
    CloudSensor,
    FluksoBroker,
    FluksoCloud,
    FluksoSimulator,
    FluksoVariant,
    token_of,
)
from tests.common import FIXTURES, closed_port
from tests.flukso.helpers import dump_minutes

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


@pytest.fixture
def minutes() -> dict[str, dict[int, float]]:
    """Return the minutes the cloud has: the seed's sensorD and sensorH dumps."""
    return {
        "D": dump_minutes(FIXTURES / "history", "D"),
        "H": dump_minutes(FIXTURES / "flukso", "H"),
    }


@pytest.fixture
async def cloud(
    socket_enabled: None, flm02: FluksoSimulator, minutes: dict[str, dict[int, float]]
) -> AsyncIterator[FluksoCloud]:
    """Run flukso.net with the FLM02's Main (sensorD) and Solar (sensorH) history."""
    main, solar = flm02.sensors[0].sensor_id, flm02.sensors[1].sensor_id
    server = FluksoCloud(
        {
            main: CloudSensor(token_of(main), minutes["D"].get),
            solar: CloudSensor(token_of(solar), minutes["H"].get),
        },
        "127.0.0.1",
    )
    await server.start()
    yield server
    await server.stop()
