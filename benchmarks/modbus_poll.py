"""Modbus poll cost: batched reads versus one request per metric.

For every bundled register map, a simulated meter answers over loopback TCP
with an artificial delay per request (5 ms by default, a fast RS485 gateway;
real RTU buses are slower). A *full poll* reads every register of the map
once (all scan groups):

a. our way: the reads :mod:`...lib.modbus.batching` plans (as few as
   possible, at most 125 registers each, gaps of up to 16 spanned, nothing
   split), through :class:`MeterReader`;
b. the seed's way (lotus-leaf): one request per metric.

Printed per map: requests per full poll and the median poll time of each, and
the ratio. A second table counts recorder rows: the state changes per hour of
one meter polled at the default intervals (fast group 5 s, counters 30 s), its
values following the simulator's household over an hour of simulated time,
written on every changed poll (as Home Assistant core's ``modbus`` does) and
as our write policy says.

Run: ``.venv/bin/python benchmarks/modbus_poll.py [--delay 0.005]``
"""

import argparse
import asyncio
from datetime import datetime, timedelta
from pathlib import Path
import statistics
import sys
import time

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from custom_components.energy_monitor.lib.modbus.catalog import (
    bundled_models,
    load_bundled_map,
)
from custom_components.energy_monitor.lib.modbus.client import ModbusLink, TcpEndpoint
from custom_components.energy_monitor.lib.modbus.meter import MeterReader
from custom_components.energy_monitor.lib.modbus.schema import RegisterMap, ScanGroup
from custom_components.energy_monitor.lib.vocabulary import state_decimals, write_policy
from custom_components.energy_monitor.lib.write_policy import WriteGate
from custom_components.energy_monitor.sources.modbus.sensor import describe
from simulators.modbus import LiveValues, ModbusMeterSimulator
from simulators.profile import ZONE

UNIT = 1


async def _batched(reader: MeterReader) -> int:
    """Read every group once; return the number of requests."""
    requests = 0
    for group in reader.groups:
        requests += (await reader.read_group(group)).requests
    return requests


async def _per_metric(link: ModbusLink, register_map: RegisterMap) -> int:
    """Read every register with a request of its own (the seed's way)."""
    for register in register_map.registers:
        await link.read(UNIT, register.register_type, register.address, register.count)
    return len(register_map.registers)


async def _measure(
    model: str, delay: float, polls: int
) -> tuple[int, float, int, float]:
    """Return (requests, median ms) for both ways of polling one meter."""
    register_map = load_bundled_map(model)
    simulator = ModbusMeterSimulator({UNIT: register_map}, delay=delay, live=False)
    await simulator.start()
    link = ModbusLink(TcpEndpoint("127.0.0.1", simulator.port))
    reader = MeterReader(link, UNIT, register_map)
    try:
        await _batched(reader)  # connect, warm up
        batched: list[float] = []
        single: list[float] = []
        batched_requests = single_requests = 0
        for _ in range(polls):
            start = time.perf_counter()
            batched_requests = await _batched(reader)
            batched.append(time.perf_counter() - start)
            start = time.perf_counter()
            single_requests = await _per_metric(link, register_map)
            single.append(time.perf_counter() - start)
    finally:
        await link.close()
        await simulator.stop()
    return (
        batched_requests,
        statistics.median(batched) * 1000,
        single_requests,
        statistics.median(single) * 1000,
    )


async def _run(delay: float, polls: int) -> None:
    """Measure every bundled map and print the table."""
    print(
        f"Modbus full poll, {delay * 1000:.0f} ms per request, median of {polls} polls"
    )
    header = (
        f"{'map':<22}{'batched req':>12}{'ms':>9}"
        f"{'per-metric req':>16}{'ms':>9}{'requests ÷':>12}{'time ÷':>9}"
    )
    print(header)
    print("-" * len(header))
    totals = [0, 0.0, 0, 0.0]
    for model in bundled_models():
        requests, elapsed, single_requests, single_elapsed = await _measure(
            model, delay, polls
        )
        totals = [
            totals[0] + requests,
            totals[1] + elapsed,
            totals[2] + single_requests,
            totals[3] + single_elapsed,
        ]
        print(
            f"{model:<22}{requests:>12}{elapsed:>9.1f}{single_requests:>16}"
            f"{single_elapsed:>9.1f}{single_requests / requests:>12.1f}"
            f"{single_elapsed / elapsed:>9.1f}"
        )
    print("-" * len(header))
    print(
        f"{'all maps':<22}{totals[0]:>12}{totals[1]:>9.1f}{totals[2]:>16}"
        f"{totals[3]:>9.1f}{totals[2] / totals[0]:>12.1f}{totals[3] / totals[1]:>9.1f}"
    )


# Recorder rows (issue 20): state changes per hour, every changed poll vs ours.

FAST_INTERVAL = 5
SLOW_INTERVAL = 30
HOUR_START = datetime(2026, 11, 20, 12, 0, tzinfo=ZONE)


def rows_per_hour(model: str) -> tuple[int, int, int]:
    """Return (sensors, rows written on every changed poll, rows of ours)."""
    sensors = [
        register
        for register in load_bundled_map(model).sensors
        if register.enabled and register.scan_group is not ScanGroup.ONCE
    ]
    live = LiveValues()
    gates = {
        r.key: WriteGate(write_policy(r.key, r.state_class, r.device_class))
        for r in sensors
    }
    decimals = {
        r.key: state_decimals(describe(r).suggested_display_precision) for r in sensors
    }
    core: dict[str, object] = {}
    shown: dict[str, tuple[object, ...]] = {}
    retries: dict[str, float] = {}
    core_rows = our_rows = 0
    for second in range(0, 3600, FAST_INTERVAL):
        moment = HOUR_START + timedelta(seconds=second)
        now = moment.timestamp()
        for key, retry_at in list(retries.items()):
            if retry_at <= now:
                del retries[key]
                our_rows += gates[key].decide(retry_at, (True,), shown[key]).write
        values = live.values(moment)
        for register in sensors:
            if register.scan_group is ScanGroup.SLOW and second % SLOW_INTERVAL:
                continue
            value = values.get(register.key, 0.0)
            core_rows += value != core.get(register.key)
            core[register.key] = value
            places = decimals[register.key]
            if isinstance(value, float) and places is not None:
                value = round(value, places)
            shown[register.key] = (value,)
            if second == 0:
                gates[register.key].prime(now, (True,), (value,))
                continue
            decision = gates[register.key].decide(now, (True,), (value,))
            our_rows += decision.write
            if decision.retry_at is not None:
                retries.setdefault(register.key, decision.retry_at)
    return len(sensors), core_rows, our_rows


def print_rows() -> None:
    """Print the recorder rows per hour of every bundled map."""
    header = f"{'map':<22}{'sensors':>8}{'rows/h core':>12}{'rows/h ours':>12}{'÷':>6}"
    print()
    print("Recorder rows per hour of one meter (5 s fast group, 30 s counters)")
    print(header)
    print("-" * len(header))
    for model in bundled_models():
        sensors, core, ours = rows_per_hour(model)
        print(f"{model:<22}{sensors:>8}{core:>12}{ours:>12}{ours / max(core, 1):>6.2f}")


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--delay", type=float, default=0.005, help="s per request")
    parser.add_argument("--polls", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(_run(args.delay, args.polls))
    print_rows()


if __name__ == "__main__":
    main()
