"""Fixtures of the Octopus library tests: the simulated API, an HTTP session."""

from collections.abc import AsyncIterator

import pytest

from simulators.octopus import OctopusSimulator


@pytest.fixture
async def api(socket_enabled: None) -> AsyncIterator[OctopusSimulator]:
    """Run the simulated account (real time) on a loopback port."""
    simulator = OctopusSimulator()
    await simulator.start()
    yield simulator
    await simulator.stop()
