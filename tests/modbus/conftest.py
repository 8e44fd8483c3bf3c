"""Fixtures of the Modbus tests: gateway simulators on loopback, short timeouts."""

from collections.abc import AsyncIterator, Iterator
from typing import Any
from unittest.mock import patch

import pytest

from custom_components.energy_monitor.lib.modbus.schema import RegisterMap
from simulators.modbus import ModbusMeterSimulator
from tests.modbus.helpers import StartModbus


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
