"""Fixtures of the Fronius tests: simulated systems on loopback."""

from collections.abc import AsyncIterator
from datetime import datetime

import pytest

from simulators.fronius import FroniusSimulator, FroniusVariant
from simulators.profile import ZONE, SteppingClock


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
