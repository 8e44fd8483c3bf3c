"""The Solar API polling policy over real HTTP on loopback, without Home Assistant."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from custom_components.energy_monitor.lib.fronius.client import (
    FroniusClient,
    SolarApiError,
)
from custom_components.energy_monitor.lib.fronius.poller import (
    DEVICE_INTERVAL,
    IDENTITY_INTERVAL,
    MAX_BACKOFF,
    POWER_FLOW_INTERVAL,
    SolarNetPoller,
)
from simulators.fronius import Endpoint, Fault, FroniusSimulator, error

START = datetime(2026, 6, 21, 12, tzinfo=UTC)


@pytest.fixture
async def poller(fronius_simulator: FroniusSimulator) -> AsyncIterator[SolarNetPoller]:
    """Return a poller of the simulated Symo that has read its identity."""
    async with aiohttp.ClientSession() as session:
        poller = SolarNetPoller(
            FroniusClient(session, fronius_simulator.address), "solar_net_test"
        )
        poller.add_inverters(await poller.start(START))
        yield poller


async def test_what_is_read_when(
    poller: SolarNetPoller, fronius_simulator: FroniusSimulator
) -> None:
    """Power flow every poll, devices every minute, identity every hour."""
    await poller.poll(START)
    assert poller.regular_interval() == POWER_FLOW_INTERVAL
    assert poller.meters
    requests = poller.client.requests
    await poller.poll(START + POWER_FLOW_INTERVAL)
    assert poller.client.requests == requests + 1  # the power flow only
    requests = poller.client.requests
    await poller.poll(START + DEVICE_INTERVAL)
    assert poller.client.requests > requests + 1  # inverter, meters, batteries
    assert set(poller.inverters) == {"1"}
    assert poller.inverters["1"].device_id == "32410001"


async def test_an_endpoint_the_system_lacks_is_asked_again_hourly(
    poller: SolarNetPoller, fronius_simulator: FroniusSimulator
) -> None:
    """Never answered: skipped until the next identity check, then asked again."""
    fronius_simulator.answers[Endpoint.METER] = error(12, "no meter")
    await poller.poll(START)
    assert "meters" in poller.unsupported
    del fronius_simulator.answers[Endpoint.METER]
    await poller.poll(START + DEVICE_INTERVAL)
    assert "meters" in poller.unsupported
    assert not poller.meters
    await poller.poll(START + IDENTITY_INTERVAL)
    assert "meters" in poller.supported
    assert poller.meters


async def test_backoff_while_the_device_is_silent(
    poller: SolarNetPoller, fronius_simulator: FroniusSimulator
) -> None:
    """From the regular interval, doubling to the maximum; unreachable at two."""
    await poller.poll(START)
    fronius_simulator.set_fault(Fault.HTTP_500)
    retries = []
    for _ in range(7):
        with pytest.raises(SolarApiError):
            await poller.poll(START)
        retries.append(poller.failed())
    assert [retry.delay for retry in retries] == [
        timedelta(seconds=s) for s in (10, 20, 40, 80, 160, 300, 300)
    ]
    assert [retry.unreachable for retry in retries[:2]] == [False, True]
    assert retries[-1].delay == MAX_BACKOFF
    fronius_simulator.set_fault(None)
    await poller.poll(START + timedelta(minutes=30))
    poller.succeeded()
    assert poller.failures == 0
