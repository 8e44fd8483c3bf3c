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
the ratio. Run: ``.venv/bin/python benchmarks/modbus_poll.py [--delay 0.005]``
"""

import argparse
import asyncio
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
from custom_components.energy_monitor.lib.modbus.schema import RegisterMap
from simulators.modbus import ModbusMeterSimulator

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


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--delay", type=float, default=0.005, help="s per request")
    parser.add_argument("--polls", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(_run(args.delay, args.polls))


if __name__ == "__main__":
    main()
