"""What a simulator module offers the development instance.

A source's spec names its simulator module (``SourceSpec.simulator``); that
module exports ``DEV``, a :class:`DevSetup`: the servers ``python -m
simulators`` starts and the wizard answers that add their devices.
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
import os
from typing import Any, Protocol

HOST = os.environ.get("ENERGY_MONITOR_SIMULATOR_HOST", "127.0.0.1")
"""Where the development instance's simulators listen (``script/e2e`` picks
another loopback address, so it runs beside a ``script/develop``)."""


class DevServer(Protocol):
    """A simulator serving one device (or gateway) on a TCP port."""

    @property
    def port(self) -> int:
        """Return the TCP port the simulator listens on."""

    async def start(self) -> None:
        """Open the port."""


@dataclass(frozen=True, slots=True)
class DevDevice:
    """A simulated device and the wizard answers that add it."""

    name: str
    wizard: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class DevSetup:
    """A source's simulated devices in the development instance."""

    devices: tuple[DevDevice, ...]
    servers: Callable[[], Mapping[str, DevServer]] = dict
    """Create the servers to start, by a name to print (none by default)."""
    in_process: Callable[[Any], Awaitable[None]] | None = None
    """Prepare Home Assistant (given) before the wizard adds the devices, for a
    device that cannot be served over the network (a simulated SPI bus)."""
