"""Fixtures of the P1 tests: meters and byte servers on loopback, short timeouts."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from unittest.mock import patch

import pytest

from simulators.p1 import P1Simulator, P1Variant
from tests.p1.helpers import Link, ServeBytes, TelegramFactory, telegram_clock


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


@pytest.fixture
async def link(
    request: pytest.FixtureRequest, socket_enabled: None
) -> AsyncIterator[tuple[Link, TelegramFactory]]:
    """A dongle that sends one telegram on connect, then what the test says.

    Its telegrams are DSMR 5 unless the test asks for another variant.
    """
    factory = TelegramFactory(getattr(request, "param", P1Variant.DSMR5))
    link = Link(0)

    async def handle(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        link.writer = writer
        writer.write(factory.telegram(watts=100))
        await writer.drain()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    link.port = server.sockets[0].getsockname()[1]
    yield link, factory
    if link.writer is not None:
        link.writer.close()
    server.close()
    await server.wait_closed()
