"""Shared fixtures: Home Assistant with Energy Monitor, and real device peers."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, patch

import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_monitor.const import DOMAIN
from custom_components.energy_monitor.lib.modbus.schema import RegisterMap
from simulators.fronius import FroniusSimulator, FroniusVariant
from simulators.modbus import ModbusMeterSimulator
from simulators.p1 import P1Simulator, P1Variant
from simulators.profile import ZONE, SteppingClock

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/energy_monitor."""


@pytest.fixture(autouse=True)
def fast_p1_timeouts() -> Iterator[None]:
    """Make the wizard and setup give up quickly when a meter stays silent."""
    with (
        patch(
            "custom_components.energy_monitor.sources.p1.config_flow.VALIDATION_TIMEOUT",
            1.0,
        ),
        patch(
            "custom_components.energy_monitor.sources.p1.runtime.FIRST_TELEGRAM_TIMEOUT",
            1.0,
        ),
    ):
        yield


@pytest.fixture
def mock_setup_entry() -> Iterator[AsyncMock]:
    """Keep config-flow tests from setting the created entry up."""
    with patch(
        "custom_components.energy_monitor.async_setup_entry", return_value=True
    ) as mock:
        yield mock


def telegram_clock() -> SteppingClock:
    """Return a clock that advances one second per telegram."""
    return SteppingClock(datetime(2026, 11, 20, 14, 0, 0, tzinfo=ZONE))


async def _running(variant: P1Variant) -> AsyncIterator[P1Simulator]:
    """Run a simulated meter on a loopback port (20 telegrams a second)."""
    simulator = P1Simulator(variant=variant, interval=0.05, clock=telegram_clock())
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def p1_simulator(socket_enabled: None) -> AsyncIterator[P1Simulator]:
    """Run a Dutch DSMR 5 meter on a loopback port."""
    async for simulator in _running(P1Variant.DSMR5):
        yield simulator


@pytest.fixture
async def belgian_simulator(socket_enabled: None) -> AsyncIterator[P1Simulator]:
    """Run a Belgian e-MUCS meter on a loopback port."""
    async for simulator in _running(P1Variant.BELGIUM):
        yield simulator


type ServeBytes = Callable[[bytes], Awaitable[int]]


@pytest.fixture
async def serve_bytes(socket_enabled: None) -> AsyncIterator[ServeBytes]:
    """Serve fixed bytes to every client of a loopback port (then keep it open)."""
    servers: list[asyncio.Server] = []
    writers: list[asyncio.StreamWriter] = []

    async def start(payload: bytes) -> int:
        async def handle(
            reader: asyncio.StreamReader, writer: asyncio.StreamWriter
        ) -> None:
            writers.append(writer)
            writer.write(payload)
            await writer.drain()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        servers.append(server)
        port: int = server.sockets[0].getsockname()[1]
        return port

    yield start
    for writer in writers:
        writer.close()
    for server in servers:
        server.close()
        await server.wait_closed()


def p1_entry(port: int, **extra: object) -> MockConfigEntry:
    """Return an entry for a network P1 meter on a loopback port."""
    options = {"update_interval": extra.pop("update_interval", 0)}
    return MockConfigEntry(
        domain=DOMAIN,
        title="P1 meter",
        data={
            "source": "p1",
            "host": "127.0.0.1",
            "port": port,
            "dsmr_version": "auto",
            **extra,
        },
        options=options,
        unique_id=None,
    )


type StartModbus = Callable[..., Awaitable[ModbusMeterSimulator]]


@pytest.fixture(autouse=True)
def fast_modbus_timeouts() -> Iterator[None]:
    """Make Modbus reads give up quickly when a meter stays silent."""
    with patch(
        "custom_components.energy_monitor.sources.modbus.connection.READ_TIMEOUT", 0.5
    ):
        yield


@pytest.fixture
async def start_modbus(socket_enabled: None) -> AsyncIterator[StartModbus]:
    """Start Modbus gateway simulators on loopback ports (frozen values)."""
    simulators: list[ModbusMeterSimulator] = []

    async def start(
        meters: dict[int, RegisterMap] | RegisterMap, **kwargs: Any
    ) -> ModbusMeterSimulator:
        simulator = ModbusMeterSimulator(meters, **{"live": False, **kwargs})
        await simulator.start()
        simulators.append(simulator)
        return simulator

    yield start
    for simulator in simulators:
        await simulator.stop()


def fronius_clock() -> SteppingClock:
    """Return a clock that advances one second per request, from a sunny noon."""
    return SteppingClock(datetime(2026, 6, 21, 13, 0, 0, tzinfo=ZONE))


async def _running_fronius(variant: FroniusVariant) -> AsyncIterator[FroniusSimulator]:
    """Run a simulated Fronius system on a loopback port."""
    simulator = FroniusSimulator(variant=variant, clock=fronius_clock())
    await simulator.start()
    yield simulator
    await simulator.stop()


@pytest.fixture
async def fronius_simulator(socket_enabled: None) -> AsyncIterator[FroniusSimulator]:
    """Run a Symo with a Datamanager and a smart meter on a loopback port."""
    async for simulator in _running_fronius(FroniusVariant.SYMO):
        yield simulator


@pytest.fixture
async def gen24_simulator(socket_enabled: None) -> AsyncIterator[FroniusSimulator]:
    """Run a Gen24 with a battery and a smart meter on a loopback port."""
    async for simulator in _running_fronius(FroniusVariant.GEN24):
        yield simulator
