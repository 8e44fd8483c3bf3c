"""P1 throughput: µs per telegram from bytes to entity states.

Feeds the same telegram stream (a simulated DSMR 5 and a Belgian meter, one
telegram per simulated second) through:

a. ``dsmr_parser`` parsing alone (``TelegramParser.parse`` with its CRC check,
   the variant's specification), the floor every P1 integration pays;
b. our full path: framing, CRC, parsing (``dsmr_parser`` with our layer:
   variant detection, vocabulary, units, MBus grouping), counter guard,
   averaging, publishing and entity state writes, in a real Home Assistant;
c. Home Assistant core's ``dsmr`` integration's full path: its asyncio
   protocol, ``dsmr_parser``, its throttle and its entity state writes.

Both integrations run in one Home Assistant, set up against the simulator
over loopback; then the socket is left idle and the recorded bytes are fed to
each integration's own data entry point, with a simulated clock so that the
publish interval behaves as with a real 1 Hz meter. Two windows are measured:
5 s (ours' default; core set to the same) and 0 s (every telegram published).
The state writes are counted too, as writes per minute at one telegram a
second: the load the recorder of a user carries. Targets: b/a <= 1.3, b/c <= 1.
d/a is our decoding alone (framing, CRC, ``dsmr_parser`` and our layer, no
Home Assistant) against (a): what our layer on the parser costs.

Run: ``.venv/bin/python benchmarks/p1_throughput.py [--telegrams N]``
"""

import argparse
import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
import gc
import os
from pathlib import Path
import sys
import time
from typing import Any
from unittest.mock import patch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dsmr_parser import telegram_specifications
from dsmr_parser.clients.protocol import create_dsmr_reader
from dsmr_parser.parsers import TelegramParser
from homeassistant import loader
from homeassistant.components.dsmr import sensor as core_dsmr_sensor
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.energy_monitor.lib.p1.model import P1Telegram
from custom_components.energy_monitor.lib.p1.stream import P1StreamDecoder
from custom_components.energy_monitor.sources.p1.runtime import P1Runtime
from simulators.p1 import P1Simulator, P1Variant
from simulators.profile import ZONE, SteppingClock

START = datetime(2026, 11, 20, 12, 0, 0, tzinfo=ZONE)
SPECS = {
    P1Variant.DSMR5: telegram_specifications.V5,
    P1Variant.BELGIUM: telegram_specifications.BELGIUM_FLUVIUS,
}


def per_telegram(seconds: float, count: int) -> float:
    """Convert a duration for ``count`` telegrams into µs per telegram."""
    return seconds / count * 1e6


def measure_floor(variant: P1Variant, stream: list[bytes]) -> float:
    """Time dsmr_parser alone (a)."""
    parser = TelegramParser(SPECS[variant])
    texts = [telegram.decode("ascii") for telegram in stream]
    gc.collect()
    started = time.perf_counter()
    for text in texts:
        parser.parse(text)
    return per_telegram(time.perf_counter() - started, len(texts))


def per_minute(writes: int, telegrams: int) -> float:
    """Convert state writes during ``telegrams`` (one a second) into writes/min."""
    return writes / telegrams * 60


def measure_decode(stream: list[bytes]) -> float:
    """Time our decoding alone: framing, CRC and parsing (dsmr_parser + layer)."""
    decoder = P1StreamDecoder()
    gc.collect()
    started = time.perf_counter()
    for chunk in stream:
        decoder.feed(chunk)
    return per_telegram(time.perf_counter() - started, len(stream))


class SteppingSeconds:
    """A monotonic clock that the feeding loop moves one second per telegram."""

    def __init__(self, start: float = 0.0) -> None:
        """Start at ``start``."""
        self.now = start

    def __call__(self) -> float:
        """Return the current time."""
        return self.now


@contextmanager
def stepping_utcnow(clock: SteppingSeconds) -> Iterator[None]:
    """Make Home Assistant's throttle see the simulated clock."""
    base = dt_util.utcnow()
    with patch(
        "homeassistant.util.utcnow", lambda: base + timedelta(seconds=clock.now)
    ):
        yield


class StateWrites:
    """Count the state changes Home Assistant records while measuring."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Listen to state changes."""
        self.count = 0
        self.stop = hass.bus.async_listen("state_changed", self._changed)

    @callback
    def _changed(self, _event: object) -> None:
        self.count += 1


async def set_up_ours(
    hass: HomeAssistant, port: int, window: float
) -> tuple[MockConfigEntry, P1Runtime]:
    """Set our integration up against the simulator, then stop its reader."""
    entry = MockConfigEntry(
        domain="energy_monitor",
        data={"source": "p1", "host": "127.0.0.1", "port": port},
        options={"update_interval": window},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    runtime = entry.runtime_data
    assert isinstance(runtime, P1Runtime)
    await runtime.async_shutdown()  # stop the socket reader; bytes are fed below
    return entry, runtime


async def measure_ours(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    runtime: P1Runtime,
    stream: list[bytes],
) -> tuple[float, int, int]:
    """Time our full path (b); return µs/telegram, entities and state writes."""
    coordinator = runtime.coordinator
    clock = SteppingSeconds(coordinator.clock())
    coordinator.clock = clock
    decoder = P1StreamDecoder()
    entities = len(entity_states(hass, entry.entry_id))
    writes = StateWrites(hass)

    def feed(chunk: bytes) -> None:
        for item in decoder.feed(chunk):
            if isinstance(item, P1Telegram):
                coordinator.telegram_received(item)
            else:
                coordinator.telegram_rejected(item)

    with simulated_wall_clock(clock):
        elapsed = await time_stream(hass, stream, clock, feed)
    writes.stop()
    await remove(hass, entry)
    return per_telegram(elapsed, len(stream)), entities, writes.count


async def measure_core(
    hass: HomeAssistant,
    port: int,
    variant: P1Variant,
    stream: list[bytes],
    window: float,
) -> tuple[float, int, int]:
    """Time core's dsmr integration (c); return µs/telegram, entities, writes."""
    protocols: list[Any] = []
    original: Callable[..., Any] = create_dsmr_reader

    def recording_reader(*args: Any, **kwargs: Any) -> Any:
        async def connect() -> Any:
            transport, protocol = await original(*args, **kwargs)
            protocols.append(protocol)
            return transport, protocol

        return connect()

    entry = MockConfigEntry(
        domain="dsmr",
        data={
            "port": f"socket://127.0.0.1:{port}",
            "dsmr_version": variant.value,
            "serial_id": "E0044007382246019",
            "serial_id_gas": "G0039001936990619",
            "protocol": "dsmr_protocol",
        },
        options={"time_between_update": window},
    )
    entry.add_to_hass(hass)
    with patch.object(core_dsmr_sensor, "create_dsmr_reader", recording_reader):
        assert await hass.config_entries.async_setup(entry.entry_id)
        # Core adds its entities with the first telegram its throttle lets by.
        for _ in range(1000):
            await asyncio.sleep(0.02)
            if entity_states(hass, entry.entry_id):
                break
    await asyncio.sleep(0.2)
    entities = len(entity_states(hass, entry.entry_id))
    protocol = protocols[0]
    clock = SteppingSeconds()
    writes = StateWrites(hass)
    with stepping_utcnow(clock):
        elapsed = await time_stream(hass, stream, clock, protocol.data_received)
    writes.stop()
    await remove(hass, entry)
    return per_telegram(elapsed, len(stream)), entities, writes.count


async def time_stream(
    hass: HomeAssistant,
    stream: list[bytes],
    clock: SteppingSeconds,
    feed: Callable[[bytes], None],
) -> float:
    """Feed the stream one telegram per simulated second; return the seconds."""
    gc.collect()
    started = time.perf_counter()
    for chunk in stream:
        clock.now += 1.0
        feed(chunk)
    await hass.async_block_till_done()
    return time.perf_counter() - started


async def remove(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Unload and delete an entry after its run."""
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.config_entries.async_remove(entry.entry_id)


def entity_states(hass: HomeAssistant, entry_id: str) -> list[str]:
    """Return the entity IDs of an entry that have a state."""
    registry = er.async_get(hass)
    return [
        entity.entity_id
        for entity in er.async_entries_for_config_entry(registry, entry_id)
        if hass.states.get(entity.entity_id) is not None
    ]


async def run(count: int) -> None:
    """Measure every variant and window; print a table."""
    print(f"P1 throughput, {count} telegrams per run, µs per telegram")
    print(
        f"{'meter':<6} {'window':>6} {'(a) parser':>10} {'(b) ours':>9} "
        f"{'(c) core':>9} {'b/a':>5} {'b/c':>5} {'d/a':>5}  entities b/c  "
        "state writes per minute b/c"
        f"  {ROWS_HEADER}"
    )
    async with async_test_home_assistant() as hass:
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        # Core dsmr depends on usb discovery, which needs no USB bus here.
        hass.config.components.add("usb")
        for variant in (P1Variant.DSMR5, P1Variant.BELGIUM):
            for window in (5.0, 0.0):
                simulator = P1Simulator(
                    variant=variant, interval=0.05, clock=SteppingClock(START)
                )
                await simulator.start()
                try:
                    entry, runtime = await set_up_ours(hass, simulator.port, window)
                    simulator.pause()
                    await simulator.disconnect_clients()
                    stream = [simulator.next_payload() for _ in range(count)]
                    floor = measure_floor(variant, stream)
                    decode = measure_decode(stream)
                    ours, ours_entities, ours_writes = await measure_ours(
                        hass, entry, runtime, stream
                    )
                    simulator.resume()
                    core, core_entities, core_writes = await measure_core(
                        hass, simulator.port, variant, stream, window
                    )
                finally:
                    await simulator.stop()
                print(
                    f"{variant.value:<6} {window:>5.0f}s {floor:>10.1f} "
                    f"{ours:>9.1f} {core:>9.1f} {ours / floor:>5.2f} "
                    f"{ours / core:>5.2f} {decode / floor:>5.2f}  "
                    f"{ours_entities:>5}/{core_entities:<5} "
                    f"{per_minute(ours_writes, count):>10.0f}/"
                    f"{per_minute(core_writes, count):.0f}"
                    f"  {rows_per_hour(ours_writes, core_writes, count)}"
                )
        await hass.async_stop(force=True)
    print(
        "d: our decoding alone (framing, CRC, dsmr_parser and our layer); "
        "targets: b/a <= 1.3, d/a: our layer's cost on top of dsmr_parser, b/c <= 1"
    )


# Recorder rows (issue 20): state writes per hour per meter, ours and core's.

ROWS_HEADER = f"{'rows/h b':>8} {'rows/h c':>8} {'b/c':>5}"


@contextmanager
def simulated_wall_clock(clock: SteppingSeconds) -> Iterator[None]:
    """Let our write policy (and state timestamps) see the simulated seconds.

    The policy writes counters once a minute by the wall clock: replayed at
    full speed on the real clock, an hour of telegrams would fit in a minute.
    """
    base = dt_util.utcnow()
    with patch(
        "homeassistant.util.dt.utcnow", lambda: base + timedelta(seconds=clock.now)
    ):
        yield


def rows_per_hour(ours: int, core: int, telegrams: int) -> str:
    """Return the state writes per hour of both (one telegram a second)."""
    hours = telegrams / 3600
    return f"{ours / hours:>8.0f} {core / hours:>8.0f} {ours / max(core, 1):>5.2f}"


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--telegrams", type=int, default=2000)
    args = parser.parse_args()
    os.environ.setdefault("TZ", "UTC")
    asyncio.run(run(args.telegrams))


if __name__ == "__main__":
    main()
