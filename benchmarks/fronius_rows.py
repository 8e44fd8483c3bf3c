"""Fronius recorder rows: state changes per hour, with and without our policy.

A simulated Fronius Symo (the simulator's household, over loopback HTTP)
serves our integration in a real Home Assistant; an hour of simulated time
is stepped in 10 s (the power flow's poll), the coordinator refreshed as it
would be. Counted: the state changes (the recorder's rows), written on every
changed poll (what Home Assistant core's ``fronius`` entities do; core's own
integration needs its ``modbus`` dependency's packages, not installed here)
and as our write policy says. Both runs start from the same simulated hour.

Run: ``.venv/bin/python benchmarks/fronius_rows.py [--minutes 60]``
"""

import argparse
import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
import sys
from typing import Any
from unittest.mock import patch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from homeassistant import loader
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.energy_monitor.lib.write_policy import LIVE
from custom_components.energy_monitor.sources.fronius.runtime import FroniusRuntime
from simulators.fronius import FroniusSimulator
from simulators.profile import ZONE

START = datetime(2026, 6, 20, 11, 0, tzinfo=ZONE)
STEP = 10


class Clock:
    """Simulated time, moved by the benchmark."""

    def __init__(self) -> None:
        """Start at START."""
        self.now = START

    def __call__(self) -> datetime:
        """Return the simulated time."""
        return self.now


@contextmanager
def simulated_utcnow(clock: Clock) -> Iterator[None]:
    """Make Home Assistant (state times, our write policy) see the clock.

    Zeroconf (which HTTP sessions resolve ``.local`` names with) is left out,
    as in Home Assistant's tests: no multicast here.
    """
    with (
        patch("homeassistant.util.dt.utcnow", lambda: clock.now.astimezone(UTC)),
        patch(
            "homeassistant.util.dt.now", lambda zone=None: clock.now.astimezone(zone)
        ),
        patch("homeassistant.components.zeroconf._async_get_zc_args", lambda _: {}),
        patch("homeassistant.components.zeroconf.HaZeroconf", autospec=True),
    ):
        yield


class Rows:
    """Count the state changes of one entry's entities."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Listen to state changes."""
        registry = er.async_get(hass)
        self.entities = {
            entity.entity_id
            for entity in er.async_entries_for_config_entry(registry, entry_id)
            if hass.states.get(entity.entity_id) is not None
        }
        self.count = 0
        self.stop = hass.bus.async_listen("state_changed", self._changed)

    @callback
    def _changed(self, event: Any) -> None:
        if event.data["entity_id"] in self.entities:
            self.count += 1


async def step_hour(
    hass: HomeAssistant,
    clock: Clock,
    minutes: int,
    coordinators: Callable[[], list[DataUpdateCoordinator[Any]]],
) -> None:
    """Step the clock; refresh each coordinator when its interval is due."""
    due: dict[int, datetime] = {}
    for _ in range(minutes * 60 // STEP):
        clock.now += timedelta(seconds=STEP)
        for coordinator in coordinators():
            interval = coordinator.update_interval or timedelta(hours=1)
            if clock.now >= due.get(id(coordinator), START) + interval:
                due[id(coordinator)] = clock.now
                await coordinator.async_refresh()
        await hass.async_block_till_done()


async def measure(
    hass: HomeAssistant,
    clock: Clock,
    minutes: int,
    entry: MockConfigEntry,
    coordinators: Callable[[], list[DataUpdateCoordinator[Any]]],
) -> tuple[int, int]:
    """Set an entry up, step the hour; return (entities, rows)."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    rows = Rows(hass, entry.entry_id)
    await step_hour(hass, clock, minutes, coordinators)
    rows.stop()
    await hass.config_entries.async_unload(entry.entry_id)
    return len(rows.entities), rows.count


def our_runtime(entry: MockConfigEntry) -> FroniusRuntime:
    """Return our entry's runtime."""
    runtime = entry.runtime_data
    assert isinstance(runtime, FroniusRuntime)
    return runtime


async def run_ours(hass: HomeAssistant, minutes: int) -> tuple[int, int]:
    """Measure our integration on a fresh simulated system; (entities, rows)."""
    clock = Clock()
    simulator = FroniusSimulator(clock=clock)
    await simulator.start()
    entry = MockConfigEntry(
        domain="energy_monitor",
        data={"source": "fronius", "host": simulator.address},
    )
    try:
        with simulated_utcnow(clock):
            return await measure(
                hass, clock, minutes, entry, lambda: [our_runtime(entry).coordinator]
            )
    finally:
        await simulator.stop()


async def run(minutes: int) -> None:
    """Measure both ways of writing and print the table."""
    async with async_test_home_assistant() as hass:
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        with patch(
            "custom_components.energy_monitor.written.write_policy",
            lambda *_: LIVE,
        ):
            every = await run_ours(hass, minutes)
        ours = await run_ours(hass, minutes)
        await hass.async_stop(force=True)
    hours = minutes / 60
    print(f"Fronius Symo, {minutes} simulated minutes, state changes per hour")
    print(f"{'written':<16}{'entities':>9}{'rows/h':>9}")
    for name, (entities, rows) in (("every change", every), ("our policy", ours)):
        print(f"{name:<16}{entities:>9}{rows / hours:>9.0f}")
    print(f"ours / every change: {ours[1] / max(every[1], 1):.2f}")


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=int, default=60)
    args = parser.parse_args()
    asyncio.run(run(args.minutes))


if __name__ == "__main__":
    main()
