"""Helpers for Flukso tests: entries, readings, entity lookup, cloud history."""

import asyncio
import contextlib
from datetime import UTC, date, datetime
import json
from pathlib import Path
from typing import Any

from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.energy_monitor.const import DOMAIN
from simulators.flukso import FluksoSimulator

DAY = 86400
SHIFT = ((datetime.now(UTC).date() - date(2014, 1, 8)).days - 2) * DAY
"""Seconds the January 2014 dumps are moved by: whole days, to end two days ago."""


async def setup_entry(
    hass: HomeAssistant,
    meter: FluksoSimulator,
    port: int | None = None,
    entry_id: str | None = None,
    **extra: Any,
) -> MockConfigEntry:
    """Add and set up the entry of a meter on its broker (or a relay's port).

    ``extra``: more entry data (history tokens, the API root).
    """
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
            **extra,
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


def dump_minutes(folder: Path, sensor: str) -> dict[int, float]:
    """Return a sensor's Flukso dumps merged (name order, the last file wins).

    Watts by the end of their minute (unix time, moved by :data:`SHIFT`);
    ``nan`` rows are left out.
    """
    minutes: dict[int, float] = {}
    for path in sorted(folder.glob(f"FL12345678_sensor{sensor}_FROM_*.csv")):
        for line in path.read_text().splitlines():
            when, _, value = line.partition(",")
            if value != "nan":
                moment = datetime.fromisoformat(when).replace(tzinfo=UTC)
                minutes[int(moment.timestamp()) + SHIFT] = float(value)
    return minutes


def hour_means(minutes: dict[int, float]) -> dict[datetime, float]:
    """Return the kWh of every UTC hour: the mean of its minutes' watts / 1000."""
    hours: dict[int, list[float]] = {}
    for end, watts in minutes.items():
        hours.setdefault((end - 1) // 3600 * 3600, []).append(watts)
    return {
        datetime.fromtimestamp(start, UTC): sum(values) / len(values) / 1000
        for start, values in sorted(hours.items())
    }


async def stored(hass: HomeAssistant, statistic_id: str) -> list[dict[str, Any]]:
    """Return the hourly rows (start, state, sum) of a statistic, oldest first."""
    await async_wait_recording_done(hass)
    rows = await get_instance(hass).async_add_executor_job(
        lambda: statistics_during_period(
            hass,
            datetime(2000, 1, 1, tzinfo=UTC),
            None,
            {statistic_id},
            "hour",
            None,
            {"state", "sum"},
        )
    )
    return [
        {
            "start": datetime.fromtimestamp(row["start"], UTC),
            "state": row["state"],
            "sum": row["sum"],
        }
        for row in rows.get(statistic_id, [])
    ]


async def history_done(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Wait for the entry's latest history run and the recorder's writes."""
    task = entry.runtime_data.history.running
    assert task is not None
    await task
    await async_wait_recording_done(hass)
