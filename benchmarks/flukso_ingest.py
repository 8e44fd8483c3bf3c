"""Flukso ingest: messages per second and CPU per message, broker to entity state.

One process runs an MQTT broker (amqtt, loopback), a publisher and a real
Home Assistant. A meter with 16 electricity sensors publishes its gauges
(what an FLM does once a second, here as fast as the broker takes them) and
three consumers take the same messages in turn:

a. nobody (the broker and the publisher alone): the floor, subtracted below;
b. Energy Monitor's Flukso source (its own MQTT connection, decoding,
   validation, one entity per sensor);
c. Home Assistant's own MQTT integration with 16 MQTT sensors
   (``value_template: {{ value_json[1] }}``) on the same topics.

For (b) and (c): messages per second from the first publish to the last
state written, and CPU per message above the floor, as a ratio (b/c).

Run: ``.venv/bin/python benchmarks/flukso_ingest.py [--rounds N]``
"""

import argparse
import asyncio
from collections.abc import Callable
import json
import os
from pathlib import Path
import sys
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
        (f"/sensor/{sensor_id}/gauge", json.dumps([1_700_000_000 + r, 100 + r % 50, "W"]).encode())
        for r in range(rounds)
        for sensor_id in IDS
    ]
    messages[-1] = (messages[-1][0], json.dumps([1, LAST, "W"]).encode())
    return messages


async def _publish(messages: list[tuple[str, bytes]], *, retain: bool = False) -> None:
    """Publish in order over one connection."""
    async with aiomqtt.Client("127.0.0.1", PORT) as client:
        for topic, payload in messages:
            await client.publish(topic, payload, retain=retain)


async def _measure(
    hass: HomeAssistant, messages: list[tuple[str, bytes]], done: Callable[[], bool]
) -> tuple[float, float]:
    """Publish ``messages``; return (wall seconds, CPU seconds) until ``done``."""
    wall, cpu = time.perf_counter(), time.process_time()
    await _publish(messages)
    while not done():
        await asyncio.sleep(0.005)
    return time.perf_counter() - wall, time.process_time() - cpu


def _last_state(hass: HomeAssistant, entity_id: str) -> Callable[[], bool]:
    """Return a check that the entity shows the last message's value."""

    def done() -> bool:
        state = hass.states.get(entity_id)
        return state is not None and float(state.state or 0) == LAST if state.state not in ("unknown", "unavailable") else False  # noqa: E501

    return done


async def run(rounds: int) -> None:
    """Measure the three consumers; print a table."""
    broker = FluksoBroker("127.0.0.1", PORT)
    await broker.start()
    await _publish([(f"/device/{DEVICE}/config/sensor", _config())], retain=True)
    messages = _messages(rounds)
    count = len(messages)
    async with async_test_home_assistant() as hass:
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

        # (c) Home Assistant's MQTT integration with MQTT sensors.
        core = MockConfigEntry(
            domain="mqtt", data={"broker": "127.0.0.1", "port": PORT}
        )
        core.add_to_hass(hass)
        assert await hass.config_entries.async_setup(core.entry_id)
        await hass.async_block_till_done()
        await _publish(
            [
                (
                    f"homeassistant/sensor/flukso_{index}/config",
                    json.dumps(
                        {
                            "name": f"MQTT circuit {index + 1}",
                            "unique_id": f"bench_{sensor_id}",
                            "state_topic": f"/sensor/{sensor_id}/gauge",
                            "value_template": "{{ value_json[1] }}",
                            "unit_of_measurement": "W",
                            "device_class": "power",
                            "state_class": "measurement",
                        }
                    ).encode(),
                )
                for index, sensor_id in enumerate(IDS)
            ]
        )
        while hass.states.get("sensor.mqtt_circuit_16") is None:
            await asyncio.sleep(0.05)
        core_wall, core_cpu = await _measure(
            hass, messages, _last_state(hass, "sensor.mqtt_circuit_16")
        )
        await hass.config_entries.async_unload(core.entry_id)
        await hass.async_stop(force=True)
    await broker.stop()

    ours_us = (ours_cpu - floor_cpu) / count * 1e6
    core_us = (core_cpu - floor_cpu) / count * 1e6
    print(f"Flukso ingest: {SENSORS} sensors, {count} gauge messages")
    print(f"{'consumer':<26} {'msg/s':>8} {'CPU µs/msg':>11} {'above floor':>12}")
    print(f"{'(a) broker + publisher':<26} {count / floor_wall:>8.0f} {floor_cpu / count * 1e6:>11.1f} {'-':>12}")  # noqa: E501
    print(f"{'(b) Energy Monitor':<26} {count / ours_wall:>8.0f} {ours_cpu / count * 1e6:>11.1f} {ours_us:>12.1f}")  # noqa: E501
    print(f"{'(c) HA MQTT sensors':<26} {count / core_wall:>8.0f} {core_cpu / count * 1e6:>11.1f} {core_us:>12.1f}")  # noqa: E501
    print(f"CPU per message above the floor, b/c: {ours_us / core_us:.2f}")
    print(f"At 1 Hz a meter sends {SENSORS} messages/s: (b) uses {ours_us * SENSORS / 1e4:.3f} % of a core")  # noqa: E501


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("TZ", "UTC")
    asyncio.run(run(args.rounds))


if __name__ == "__main__":
    main()
