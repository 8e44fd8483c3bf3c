"""Helpers for Flukso tests: entries, readings, entity lookup."""

import asyncio
import contextlib
import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_monitor.const import DOMAIN
from simulators.flukso import FluksoSimulator


async def setup_entry(
    hass: HomeAssistant,
    meter: FluksoSimulator,
    port: int | None = None,
    entry_id: str | None = None,
) -> MockConfigEntry:
    """Add and set up the entry of a meter on its broker (or a relay's port)."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        entry_id=entry_id,
        title=f"Fluksometer {meter.device_id[:8]}",
        unique_id=meter.device_id,
        data={
            "source": "flukso",
            "host": meter.host,
            "port": port or meter.port,
            "device_id": meter.device_id,
        },
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def reading(
    sensor_id: str, kind: str, value: float, unit: str, at: int = 1_459_065_180
) -> tuple[str, bytes]:
    """Return the topic and payload of one gauge or counter message."""
    return f"/sensor/{sensor_id}/{kind}", json.dumps([at, value, unit]).encode()


def unique_id(sensor_id: str, key: str) -> str:
    """Return the unique ID of a sensor's entity."""
    return f"{sensor_id}_{key}"


class Outage:
    """A TCP relay in front of the broker that can go down and come back.

    A broker restart, as the reader sees it: connections drop, new ones are
    refused, then accepted again on the same port (the broker keeps its
    retained topics, like a broker with persistence).
    """

    def __init__(self, target_port: int) -> None:
        """Relay to ``target_port`` on loopback once started."""
        self._target = target_port
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def start(self) -> None:
        """Accept connections (on the same port as before, if any)."""
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Drop every connection and refuse new ones."""
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        self._writers.clear()
        await self._server.wait_closed()

    async def _relay(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Pipe one client to the broker and back."""
        upstream_reader, upstream_writer = await asyncio.open_connection(
            "127.0.0.1", self._target
        )
        self._writers += [writer, upstream_writer]

        async def pipe(
            source: asyncio.StreamReader, sink: asyncio.StreamWriter
        ) -> None:
            with contextlib.suppress(OSError):
                while data := await source.read(4096):
                    sink.write(data)
                    await sink.drain()
            sink.close()

        await asyncio.gather(
            pipe(reader, upstream_writer), pipe(upstream_reader, writer)
        )
