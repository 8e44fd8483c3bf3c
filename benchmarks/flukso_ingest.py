"""Flukso ingest: messages per second and CPU per message, broker to entity state.

One process runs an MQTT broker (amqtt, loopback), a publisher and a real
Home Assistant. A meter with 16 electricity sensors publishes its gauges
(``/sensor/<id>/gauge``, ``[time, value, "W"]``) and three consumers take
the same messages in turn:

a. nobody (the broker and the publisher alone): the floor, subtracted below;
b. Energy Monitor's Flukso source (its own MQTT connection, decoding,
   validation, one power entity per sensor, written by its write policy);
c. Home Assistant's own MQTT integration (its config entry on the same
   broker with protocol 3.1.1, discovery off) with 16 YAML ``mqtt: sensor:``
   entities, one per gauge topic, whose ``value_template`` takes the value
   out of the array (unit W, device class power, state class measurement):
   what a user would write by hand. amqtt speaks no MQTT 5: the integration's
   own attempt at setup to move the entry to MQTT 5 is refused (logged by
   amqtt, a repair issue in Home Assistant) and it stays on 3.1.1.

Ours checks more than the template does (the array's shape, finite numbers,
the unit, a plausible value for the key); both write every changed value.

Two runs per consumer:

* ``fast``: ``--rounds`` gauges of every sensor, published as fast as the
  broker takes them; messages per second from the first publish to the last
  message's value shown by its entity;
* ``1 Hz``: ``--seconds`` of what an FLM does, 16 gauges once a second (a
  burst each second); messages per second are the publish rate, so CPU per
  message is what counts.

Each consumer is warmed up (a round published until its last value shows,
as Home Assistant subscribes half a second after setup), then measured.
CPU is the whole process's (``time.process_time``) from the first publish to
the last value shown, seen by a state listener on the consumer's 16
entities (the same for both; it counts their state changes, "states").
"Above floor" is a consumer's CPU per message minus the floor's of the same
repeat: the consumer's own work plus the broker's cost of delivering to one
subscriber (the same for both). "Latency" runs from the last publish to its
value shown. Every figure is taken ``--repeats`` times, the consumers
interleaved, and printed as min / median; the ratios b/c compare Energy
Monitor to Home Assistant's MQTT integration (below 1: ours is cheaper),
above the floor and for the whole process (steadier on a busy machine).

Run: ``.venv/bin/python benchmarks/flukso_ingest.py [--rounds N]
[--seconds S] [--repeats R]``
"""

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
import itertools
import json
import logging
import os
from pathlib import Path
import statistics
import sys
import tempfile
import time

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiomqtt
from homeassistant import loader
from homeassistant.components.mqtt.const import PROTOCOL_311
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.energy_monitor.const import DOMAIN
from simulators.flukso import FluksoBroker

SENSORS = 16
PORT = 18831
DEVICE = "b" * 32
IDS = [f"{index + 1:032x}" for index in range(SENSORS)]
FIRST_MARKER = 90_000
"""The last message of a run carries a value above this, unique to the run:
when its entity shows it, every message of the run is in."""

OURS_ENTITIES = [f"sensor.circuit_{index + 1}_power_in" for index in range(SENSORS)]
CORE_ENTITIES = [f"sensor.mqtt_circuit_{index + 1}" for index in range(SENSORS)]
CORE_YAML = "mqtt:\n  sensor:\n" + "".join(
    f"""    - name: MQTT circuit {index + 1}
      unique_id: mqtt_circuit_{index + 1}
      state_topic: /sensor/{sensor_id}/gauge
      value_template: "{{{{ value_json[1] }}}}"
      unit_of_measurement: W
      device_class: power
      state_class: measurement
"""
    for index, sensor_id in enumerate(IDS)
)
"""Home Assistant MQTT sensors equivalent to our source's power entities."""

WARM_UP_TRIES = 10
"""Warm-up rounds published before giving up on a consumer."""

Messages = list[tuple[str, bytes]]


def _number(state: str) -> float | None:
    """Return a state's number (``None``: not a number)."""
    try:
        return float(state)
    except ValueError:
        return None


def _config() -> bytes:
    """Return the meter's configuration: 16 enabled electricity sensors."""
    return json.dumps(
        {
            str(index + 1): {
                "id": sensor_id,
                "type": "electricity",
                "function": f"Circuit {index + 1}",
                "enable": 1,
            }
            for index, sensor_id in enumerate(IDS)
        }
    ).encode()


def _rounds(rounds: int, marker: float) -> list[Messages]:
    """Return ``rounds`` gauges of every sensor, the very last one ``marker``."""
    batches = [
        [
            (
                f"/sensor/{sensor_id}/gauge",
                json.dumps([1_700_000_000 + r, 100 + r % 50, "W"]).encode(),
            )
            for sensor_id in IDS
        ]
        for r in range(rounds)
    ]
    batches[-1][-1] = (batches[-1][-1][0], json.dumps([1, marker, "W"]).encode())
    return batches


async def _publish(
    batches: list[Messages], interval: float = 0.0, *, retain: bool = False
) -> None:
    """Publish over one connection, a batch every ``interval`` seconds (0: at once)."""
    async with aiomqtt.Client("127.0.0.1", PORT) as client:
        start = time.perf_counter()
        for index, batch in enumerate(batches):
            if interval:
                await asyncio.sleep(start + index * interval - time.perf_counter())
            for topic, payload in batch:
                await client.publish(topic, payload, qos=1, retain=retain)


@dataclass(slots=True)
class Run:
    """What one run cost."""

    messages: int
    wall: float
    """Seconds from the first publish to the last value shown."""
    latency: float
    """Seconds from the last publish to its value shown."""
    cpu: float
    states: int

    @property
    def rate(self) -> float:
        """Return messages per second, first publish to last value shown."""
        return self.messages / self.wall

    @property
    def cpu_us(self) -> float:
        """Return CPU µs per message."""
        return self.cpu / self.messages * 1e6


@dataclass(slots=True)
class Consumer:
    """A consumer of the messages and its runs."""

    label: str
    entities: list[str]
    """Its 16 entities (the last one shows the marker); none for the floor."""
    runs: dict[str, list[Run]] = field(default_factory=dict)


class Bench:
    """Publish runs and measure them in one Home Assistant."""

    def __init__(self, hass: HomeAssistant, rounds: int, seconds: int) -> None:
        """Measure ``rounds`` fast rounds and ``seconds`` at 1 Hz."""
        self.hass = hass
        self._plans = {"fast": (rounds, 0.0), "1 Hz": (seconds, 1.0)}
        self._markers: Iterator[int] = itertools.count(FIRST_MARKER + 1)

    async def measure(self, consumer: Consumer) -> None:
        """Warm ``consumer`` up, then take each run once."""
        await self._warm_up(consumer)
        for name, (rounds, interval) in self._plans.items():
            run = await self._run(consumer, rounds, interval)
            consumer.runs.setdefault(name, []).append(run)

    async def _warm_up(self, consumer: Consumer) -> None:
        """Publish a round until its last value shows (subscriptions are late)."""
        for _ in range(WARM_UP_TRIES - 1):
            try:
                await self._run(consumer, 1, 0.0, timeout=1.0)
            except TimeoutError:
                continue
            return
        await self._run(consumer, 1, 0.0)

    async def _run(
        self, consumer: Consumer, rounds: int, interval: float, timeout: float = 60.0
    ) -> Run:
        """Publish ``rounds`` rounds; return their cost until the last is shown.

        Raises:
            TimeoutError: when the last value did not show within ``timeout``.
        """
        marker = next(self._markers)
        batches = _rounds(rounds, marker)
        shown = asyncio.Event()
        states = 0

        @callback
        def changed(event: Event[EventStateChangedData]) -> None:
            nonlocal states
            states += 1
            new = event.data["new_state"]
            if new is not None and _number(new.state) == marker:
                shown.set()

        undo = async_track_state_change_event(self.hass, consumer.entities, changed)
        if not consumer.entities:
            shown.set()
        wall, cpu = time.perf_counter(), time.process_time()
        await _publish(batches, interval)
        published = time.perf_counter()
        try:
            async with asyncio.timeout(timeout):
                await shown.wait()
        finally:
            undo()
        cpu, end = time.process_time() - cpu, time.perf_counter()
        return Run(rounds * SENSORS, end - wall, end - published, cpu, states)


async def _with_entry(
    hass: HomeAssistant, entry: MockConfigEntry, body: Callable[[], Awaitable[None]]
) -> None:
    """Set ``entry`` up, run ``body``, unload and remove it."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await body()
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()


async def _consumers(
    config_dir: str, rounds: int, seconds: int, repeats: int
) -> list[Consumer]:
    """Measure the three consumers ``repeats`` times, interleaved."""
    floor = Consumer("(a) broker + publisher", [])
    ours = Consumer("(b) Energy Monitor", OURS_ENTITIES)
    core = Consumer("(c) HA MQTT sensors", CORE_ENTITIES)
    async with async_test_home_assistant(config_dir=config_dir) as hass:
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        bench = Bench(hass, rounds, seconds)
        for _ in range(repeats):
            await bench.measure(floor)
            ours_entry = MockConfigEntry(
                domain=DOMAIN,
                data={"source": "flukso", "host": "127.0.0.1", "port": PORT},
            )
            await _with_entry(hass, ours_entry, lambda: bench.measure(ours))
            core_entry = MockConfigEntry(
                domain="mqtt",
                version=2,
                minor_version=1,
                data={
                    "broker": "127.0.0.1",
                    "port": PORT,
                    "protocol": PROTOCOL_311,
                    "discovery": False,
                },
            )
            await _with_entry(hass, core_entry, lambda: bench.measure(core))
        await hass.async_stop(force=True)
    return [floor, ours, core]


def _min_med(values: list[float], width: int, decimals: int) -> str:
    """Return ``min / median`` of ``values``."""
    low, middle = min(values), statistics.median(values)
    return f"{low:>{width}.{decimals}f} /{middle:>{width}.{decimals}f}"


def _report(name: str, floor: Consumer, ours: Consumer, core: Consumer) -> None:
    """Print one run's table (min / median over the repeats) and the ratios b/c."""
    count = floor.runs[name][0].messages
    print(f"\n{name}: {SENSORS} sensors, {count} gauge messages per run")
    print(
        f"{'consumer':<23} {'msg/s':>14} {'latency ms':>12} {'CPU us/msg':>14} "
        f"{'above floor':>14} {'states':>6}"
    )
    floor_us = [run.cpu_us for run in floor.runs[name]]
    rate: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    above: dict[str, list[float]] = {}
    for consumer in (floor, ours, core):
        label, runs = consumer.label, consumer.runs[name]
        rate[label] = [run.rate for run in runs]
        cpu[label] = [run.cpu_us for run in runs]
        # Each run against the floor of its own repeat.
        above[label] = [
            us - base for us, base in zip(cpu[label], floor_us, strict=True)
        ]
        print(
            f"{label:<23} {_min_med(rate[label], 6, 0)} "
            f"{_min_med([run.latency * 1e3 for run in runs], 5, 1)} "
            f"{_min_med(cpu[label], 6, 1)} "
            f"{'' if consumer is floor else _min_med(above[label], 6, 1):>14} "
            f"{runs[0].states:>6}"
        )
    b, c = ours.label, core.label
    print(f"b/c CPU per message above floor: {_ratios(above[b], above[c])}")
    print(f"b/c CPU per message, whole process: {_ratios(cpu[b], cpu[c])}")
    print(f"b/c messages per second: {_ratios(rate[b], rate[c])}")


def _ratios(ours: list[float], core: list[float]) -> str:
    """Return the ratios of the minimums and of the medians."""
    low = min(ours) / min(core)
    middle = statistics.median(ours) / statistics.median(core)
    return f"{low:.2f} (min), {middle:.2f} (median)"


async def run(rounds: int, seconds: int, repeats: int) -> None:
    """Measure the three consumers; print the tables."""
    broker = FluksoBroker("127.0.0.1", PORT)
    await broker.start()
    await _publish([[(f"/device/{DEVICE}/config/sensor", _config())]], retain=True)
    with tempfile.TemporaryDirectory() as config_dir:
        (Path(config_dir) / "configuration.yaml").write_text(CORE_YAML)
        floor, ours, core = await _consumers(config_dir, rounds, seconds, repeats)
    await broker.stop()
    for name in ("fast", "1 Hz"):
        _report(name, floor, ours, core)


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("TZ", "UTC")
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(run(args.rounds, args.seconds, args.repeats))


if __name__ == "__main__":
    main()
