"""Flukso ingest: messages per second and CPU per message, broker to entity state.

One process runs an MQTT broker (amqtt, loopback), a publisher and a real
Home Assistant. A meter with 16 electricity sensors publishes its gauges
(what an FLM does once a second, here as fast as the broker takes them) and
two consumers take the same messages in turn:

a. nobody (the broker and the publisher alone): the floor, subtracted below;
b. Energy Monitor's Flukso source (its own MQTT connection, decoding,
   validation, one entity per sensor);
For (b): messages per second from the first publish to the last state
written, and CPU per message above the floor (and the ratio to the floor).
Home Assistant's own MQTT integration could not be measured here: its client
connects with MQTT 5, which amqtt (the broker the tests and the simulator
use) does not speak.

Run: ``.venv/bin/python benchmarks/flukso_ingest.py [--rounds N]``
"""

import argparse
import asyncio
from collections.abc import Callable
import json
import os
from pathlib import Path
import sys
import tempfile
import time

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiomqtt
from homeassistant import loader
from homeassistant.core import HomeAssistant
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
LAST = 99_999.0
"""The last message's value: when an entity shows it, every message is in."""


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


def _messages(rounds: int) -> list[tuple[str, bytes]]:
    """Return ``rounds`` gauges of every sensor, the very last one marked."""
    messages = [
        (
            f"/sensor/{sensor_id}/gauge",
            json.dumps([1_700_000_000 + r, 100 + r % 50, "W"]).encode(),
        )
        for r in range(rounds)
        for sensor_id in IDS
    ]
    messages[-1] = (messages[-1][0], json.dumps([1, LAST, "W"]).encode())
    return messages


async def _publish(messages: list[tuple[str, bytes]], *, retain: bool = False) -> None:
    """Publish in order over one connection."""
    async with aiomqtt.Client("127.0.0.1", PORT) as client:
        for topic, payload in messages:
            await client.publish(topic, payload, qos=1, retain=retain)


async def _measure(
    hass: HomeAssistant, messages: list[tuple[str, bytes]], done: Callable[[], bool]
) -> tuple[float, float]:
    """Publish ``messages``; return (wall seconds, CPU seconds) until ``done``."""
    wall, cpu = time.perf_counter(), time.process_time()
    await _publish(messages)
    async with asyncio.timeout(60):
        while not done():  # noqa: ASYNC110 - the state is polled, as a user sees it
            await asyncio.sleep(0.005)
    return time.perf_counter() - wall, time.process_time() - cpu


def _last_state(hass: HomeAssistant, entity_id: str) -> Callable[[], bool]:
    """Return a check that the entity shows the last message's value."""

    def done() -> bool:
        state = hass.states.get(entity_id)
        return state is not None and state.state == str(LAST)

    return done


async def _consumers(
    config_dir: str, messages: list[tuple[str, bytes]]
) -> tuple[float, float, float, float]:
    """Return wall and CPU seconds of the floor and of ours."""
    async with async_test_home_assistant(config_dir=config_dir) as hass:
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        # (a) the floor: nobody listens.
        floor_wall, floor_cpu = await _measure(hass, messages, lambda: True)

        # (b) ours.
        ours = MockConfigEntry(
            domain=DOMAIN,
            data={"source": "flukso", "host": "127.0.0.1", "port": PORT},
        )
        ours.add_to_hass(hass)
        assert await hass.config_entries.async_setup(ours.entry_id)
        await hass.async_block_till_done()
        ours_wall, ours_cpu = await _measure(
            hass, messages, _last_state(hass, "sensor.circuit_16_power_in")
        )
        assert await hass.config_entries.async_unload(ours.entry_id)

        await hass.async_stop(force=True)
    return floor_wall, floor_cpu, ours_wall, ours_cpu


async def run(rounds: int) -> None:
    """Measure the three consumers; print a table."""
    broker = FluksoBroker("127.0.0.1", PORT)
    await broker.start()
    await _publish([(f"/device/{DEVICE}/config/sensor", _config())], retain=True)
    messages = _messages(rounds)
    count = len(messages)
    with tempfile.TemporaryDirectory() as config_dir:
        # HA's MQTT integration reads configuration.yaml.
        (Path(config_dir) / "configuration.yaml").write_text("")
        results = await _consumers(config_dir, messages)
    await broker.stop()
    floor_wall, floor_cpu, ours_wall, ours_cpu = results

    ours_us = (ours_cpu - floor_cpu) / count * 1e6
    print(f"Flukso ingest: {SENSORS} sensors, {count} gauge messages")
    print(f"{'consumer':<24} {'msg/s':>8} {'CPU us/msg':>11}")
    floor = f"{count / floor_wall:>8.0f} {floor_cpu / count * 1e6:>11.1f}"
    print(f"{'(a) broker + publisher':<24} {floor}")
    ours = f"{count / ours_wall:>8.0f} {ours_cpu / count * 1e6:>11.1f}"
    print(f"{'(b) + Energy Monitor':<24} {ours}")
    print(f"CPU per message of Energy Monitor (b - a): {ours_us:.1f} us")
    print(f"ratio b/a (whole path to the floor): {ours_cpu / floor_cpu:.2f}")
    share = ours_us * SENSORS / 1e4
    print(f"At 1 Hz ({SENSORS} messages/s) Energy Monitor uses {share:.3f} % of a core")


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("TZ", "UTC")
    asyncio.run(run(args.rounds))


if __name__ == "__main__":
    main()
