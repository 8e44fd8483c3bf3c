"""Energy site: µs per update as inputs and tariff rows grow.

An update is one input reading: a counter's new value reaches the engine,
its delta is split over the price, day and quarter boundaries it spans and
booked, then (b) every figure is recomputed, as Home Assistant publishes after
each input state change. Readings arrive every 5 seconds per counter, round
robin, for simulated days, so boundary crossings happen at their real rate.

Sites, from small to large:

* ``1 input``: one import total;
* ``5 inputs``: import and export per register (2 + 2) and one inverter;
* ``11 inputs``: plus a second inverter, battery charge/discharge, gas, and
  grid, PV and battery power.

Tariffs, from simple to large: a fixed price (the baseline), a 5-row Flux-like
schedule, 48 half-hour rows, 96 quarter-hour rows for each weekday (672), a
dynamic price entity changing every 15 minutes, and 24 tariff versions.

Then (c) the Home Assistant path for the smallest and largest site: an input
state written with ``hass.states.async_set`` until every entity state is
written. Ratios are to the baseline measured in the same run.

Run: ``.venv/bin/python benchmarks/site_update.py [--days N]``
"""

import argparse
import asyncio
from datetime import date, datetime, timedelta
import gc
from pathlib import Path
import sys
import time
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from homeassistant import loader
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.energy_monitor.lib.site.engine import (
    CounterSpec,
    SiteEngine,
    SiteInputs,
)
from custom_components.energy_monitor.lib.site.ledger import Channel
from custom_components.energy_monitor.lib.site.outputs import (
    build_snapshot,
    provided_keys,
)
from custom_components.energy_monitor.lib.site.schedule import WEEKDAYS
from custom_components.energy_monitor.lib.site.tariff import parse_tariffs

ZONE = ZoneInfo("Europe/Brussels")
START = datetime(2026, 3, 27, 0, 0, tzinfo=ZONE)
STEP = 5.0
"""Seconds between two readings of the same counter."""

_ENERGY = {"unit_of_measurement": "kWh", "device_class": "energy"}
_POWER = {"unit_of_measurement": "W", "device_class": "power"}


def _inputs(size: int) -> SiteInputs:
    """Return the inputs of a site with 1, 5 or 11 inputs."""
    if size == 1:
        return SiteInputs(counters=(CounterSpec("import", Channel.IMPORT),))
    counters = [
        CounterSpec("import_t1", Channel.IMPORT, 1),
        CounterSpec("import_t2", Channel.IMPORT, 2),
        CounterSpec("export_t1", Channel.EXPORT, 1),
        CounterSpec("export_t2", Channel.EXPORT, 2),
        CounterSpec("pv_1", Channel.PV),
    ]
    if size == 5:  # noqa: PLR2004
        return SiteInputs(counters=tuple(counters))
    counters += [
        CounterSpec("pv_2", Channel.PV),
        CounterSpec("charge", Channel.BATTERY_CHARGE),
        CounterSpec("discharge", Channel.BATTERY_DISCHARGE),
        CounterSpec("gas", Channel.GAS),
    ]
    return SiteInputs(
        counters=tuple(counters),
        grid_power="grid",
        pv_power=("pv_power",),
        battery_power="battery",
    )


def _rows(count: int, *, weekdays: bool = False) -> list[dict[str, Any]]:
    """Return ``count`` equal rows over the day (per weekday when asked)."""
    minutes = 24 * 60 // count
    rows = []
    for day in range(7) if weekdays else [None]:
        for index in range(count):
            start, end = index * minutes, (index + 1) * minutes
            row: dict[str, Any] = {
                "interval_start": f"{start // 60:02d}:{start % 60:02d}",
                "interval_end": f"{end // 60:02d}:{end % 60:02d}",
                "rate": 0.1 + (index % 7) / 100,
            }
            if day is not None:
                row["weekdays"] = [WEEKDAYS[day]]
            rows.append(row)
    return rows


def _tariffs() -> dict[str, list[dict[str, Any]]]:
    """Return the tariff set-ups by name."""
    flux = [
        {"interval_start": start, "interval_end": end, "rate": rate}
        for start, end, rate in (
            ("00:00", "02:00", 0.28),
            ("02:00", "05:00", 0.17),
            ("05:00", "16:00", 0.28),
            ("16:00", "19:00", 0.39),
            ("19:00", "24:00", 0.28),
        )
    ]
    extra = {"export": {"mode": "fixed", "rate": 0.05}, "gas": {"rate": 1.1}}
    return {
        "fixed": [{"import": {"mode": "fixed", "rate": 0.3}, **extra}],
        "5 rows": [{"import": {"mode": "schedule", "rates": flux}, **extra}],
        "48 rows": [{"import": {"mode": "schedule", "rates": _rows(48)}, **extra}],
        "672 rows": [
            {"import": {"mode": "schedule", "rates": _rows(96, weekdays=True)}, **extra}
        ],
        "entity": [
            {"import": {"mode": "entity", "entity_id": "price"}, **extra},
        ],
        "24 versions": [
            {
                "valid_from": (date(2025, 1, 1) + timedelta(days=30 * n)).isoformat(),
                "import": {"mode": "schedule", "rates": flux},
                **extra,
            }
            for n in range(24)
        ],
    }


def measure_engine(
    size: int, tariffs: list[dict[str, Any]], days: float
) -> tuple[float, float, int]:
    """Return µs per update without and with figures, and the update count."""
    inputs = _inputs(size)
    results = []
    updates = 0
    for with_figures in (False, True):
        engine = SiteEngine(inputs, parse_tariffs(tariffs), ZONE, START.timestamp())
        keys = provided_keys(engine)
        values = dict.fromkeys((spec.input_id for spec in inputs.counters), 100.0)
        t = START.timestamp()
        engine.entity_value("price", 0.2, t)
        for spec in inputs.counters:
            engine.counter(spec.input_id, 100.0, t)
        readings: list[tuple[str, float, float]] = []
        steps = int(days * 86400 / STEP) * len(inputs.counters)
        for step in range(steps):
            t += STEP / len(inputs.counters)
            spec = inputs.counters[step % len(inputs.counters)]
            values[spec.input_id] += 0.001
            readings.append((spec.input_id, values[spec.input_id], t))
        prices = [
            (START.timestamp() + 900.0 * n, 0.2 + (n % 9) / 100)
            for n in range(int(days * 96) + 1)
        ]
        gc.collect()
        started = time.perf_counter()
        next_price = 0
        for input_id, value, at in readings:
            if next_price < len(prices) and prices[next_price][0] <= at:
                engine.entity_value(
                    "price", prices[next_price][1], prices[next_price][0]
                )
                next_price += 1
            engine.counter(input_id, value, at)
            if with_figures:
                build_snapshot(engine, keys)
        results.append((time.perf_counter() - started) / len(readings) * 1e6)
        updates = len(readings)
    return results[0], results[1], updates


_FIELDS = {
    Channel.IMPORT: "grid_import",
    Channel.EXPORT: "grid_export",
    Channel.PV: "pv_energy",
}
_SINGLE_FIELDS = {
    Channel.BATTERY_CHARGE: "battery_charge",
    Channel.BATTERY_DISCHARGE: "battery_discharge",
    Channel.GAS: "gas",
}


def _entry_data(inputs: SiteInputs) -> dict[str, Any]:
    """Return the entry data of a benchmark site (entities named by input)."""
    data: dict[str, Any] = {"source": "site"}
    for spec in inputs.counters:
        entity_id = f"sensor.{spec.input_id}"
        if spec.channel in _FIELDS:
            data.setdefault(_FIELDS[spec.channel], []).append(entity_id)
        else:
            data[_SINGLE_FIELDS[spec.channel]] = entity_id
    if inputs.grid_power:
        data.update(
            grid_power="sensor.grid",
            pv_power=["sensor.pv_power"],
            battery_power="sensor.battery",
        )
    return data


async def measure_home_assistant(size: int, count: int) -> tuple[float, int]:
    """Return µs per input state change through Home Assistant, and entities."""
    async with async_test_home_assistant() as hass:
        hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
        await hass.config.async_set_time_zone("Europe/Brussels")
        inputs = _inputs(size)
        for entity_id in ("sensor.grid", "sensor.pv_power", "sensor.battery"):
            hass.states.async_set(entity_id, "100", _POWER)
        counters = [f"sensor.{spec.input_id}" for spec in inputs.counters]
        for entity_id in counters:
            unit = "m³" if entity_id == "sensor.gas" else "kWh"
            hass.states.async_set(
                entity_id, "100", {**_ENERGY, "unit_of_measurement": unit}
            )
        entry = MockConfigEntry(
            domain="energy_monitor",
            title="Home",
            data=_entry_data(inputs),
            options={"tariffs": _tariffs()["5 rows"]},
        )
        entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        entities = sum(
            1
            for state in hass.states.async_all("sensor")
            if state.entity_id.startswith("sensor.home_")
        )
        value = 100.0
        gc.collect()
        started = time.perf_counter()
        for step in range(count):
            value += 0.001
            entity_id = counters[step % len(counters)]
            hass.states.async_set(entity_id, f"{value:.3f}", _ENERGY)
        await hass.async_block_till_done()
        elapsed = time.perf_counter() - started
        await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_stop(force=True)
    return elapsed / count * 1e6, entities


async def run(days: float, changes: int) -> None:
    """Measure every site and tariff; print a table."""
    tariffs = _tariffs()
    print(
        f"Energy site, µs per update ({days:g} simulated days, "
        f"a reading every {STEP:g} s per counter)"
    )
    print(
        f"{'inputs':>7} {'tariff':<12} {'(a) engine':>10} {'(b) + figures':>13} "
        f"{'a/base':>7} {'b/base':>7}"
    )
    baseline: tuple[float, float] | None = None
    for size in (1, 5, 11):
        for name, tariff in tariffs.items():
            engine, figures, _ = measure_engine(size, tariff, days)
            if baseline is None:
                baseline = (engine, figures)
            print(
                f"{size:>7} {name:<12} {engine:>10.1f} {figures:>13.1f} "
                f"{engine / baseline[0]:>7.2f} {figures / baseline[1]:>7.2f}"
            )
    print()
    print(f"Home Assistant path, {changes} input state changes, 5-row schedule")
    print(f"{'inputs':>7} {'entities':>8} {'(c) µs/change':>14} {'c/b base':>8}")
    assert baseline is not None
    for size in (1, 11):
        per_change, entities = await measure_home_assistant(size, changes)
        ratio = per_change / baseline[1]
        print(f"{size:>7} {entities:>8} {per_change:>14.1f} {ratio:>8.1f}")


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=float, default=2.0)
    parser.add_argument("--changes", type=int, default=5000)
    args = parser.parse_args()
    dt_util.set_default_time_zone(ZONE)
    asyncio.run(run(args.days, args.changes))


if __name__ == "__main__":
    main()
