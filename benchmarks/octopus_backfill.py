"""Octopus backfill: half hours per second, from HTTP response to committed statistics.

A year of half-hourly consumption (17,520 rows) of each of an import, an
export and a gas meter point is served by the simulator on loopback; the
source reads it (pages of 25,000, oldest first), reads the rates (a year of
Agile half hours for the import), prices and sums every hour and writes the
energy and cost statistics, until the recorder has committed them. The
baseline is Home Assistant's ``async_add_external_statistics`` alone with the
same hourly rows (energy and cost of the three meter points), measured in the
same run on a fresh statistic ID set: the ratio is what reading, pricing and
summing add to writing.

Run: ``.venv/bin/python benchmarks/octopus_backfill.py``
"""

import asyncio
from datetime import UTC, datetime
from pathlib import Path
import sys
import tempfile
import time

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from homeassistant import loader
from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import async_add_external_statistics
from homeassistant.helpers import recorder as recorder_helper
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_test_home_assistant
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.energy_monitor.lib.octopus.client import OctopusClient
from custom_components.energy_monitor.lib.octopus.history import hourly
from custom_components.energy_monitor.lib.octopus.rates import RateTimeline
from custom_components.energy_monitor.sources.octopus.coordinator import (
    async_point_rates,
)
from custom_components.energy_monitor.sources.octopus.history import (
    async_import_intervals,
)
from simulators.octopus import ACCOUNT_NUMBER, API_KEY, OctopusAccount, OctopusSimulator

DAYS = 365


async def main() -> None:
    """Measure the backfill and the baseline; print rows/s and the ratio."""
    now = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
    account = OctopusAccount(
        now=lambda: now,
        history_start=datetime(2025, 3, 20, 0, 0, tzinfo=UTC),
        switch=datetime(2025, 3, 1, tzinfo=UTC),
    )
    simulator = OctopusSimulator(account)
    await simulator.start()
    with tempfile.TemporaryDirectory() as folder:
        async with async_test_home_assistant(config_dir=folder) as hass:
            await hass.config.async_set_time_zone("Europe/London")
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
            recorder_helper.async_initialize_recorder(hass)
            assert await async_setup_component(
                hass, "recorder", {"recorder": {"db_url": f"sqlite:///{folder}/db"}}
            )
            await hass.async_start()
            await async_wait_recording_done(hass)
            session = aiohttp.ClientSession()
            client = OctopusClient(session, API_KEY, simulator.url)
            points = (await client.account(ACCOUNT_NUMBER)).meter_points
            zone = dt_util.get_default_time_zone()

            started = time.perf_counter()
            rows = 0
            for point in points:
                intervals = await client.consumption(
                    point.fuel, point.identifier, point.serials[0]
                )
                rows += len(intervals)
                await async_import_intervals(
                    hass, client, point, intervals, gas_m3=True, zone=zone
                )
            await async_wait_recording_done(hass)
            full = time.perf_counter() - started

            batches = []
            for point in points:
                intervals = await client.consumption(
                    point.fuel, point.identifier, point.serials[0]
                )
                unit, standing = await async_point_rates(
                    client, point, intervals[0].start, intervals[-1].end
                )
                hours = hourly(
                    intervals, RateTimeline(unit), RateTimeline(standing), zone
                )
                for kind, values in (
                    ("energy", [hour.energy for hour in hours]),
                    ("cost", [hour.cost for hour in hours]),
                ):
                    total = 0.0
                    data = []
                    for hour, value in zip(hours, values, strict=True):
                        total += value
                        data.append(
                            StatisticData(start=hour.start, state=value, sum=total)
                        )
                    statistic_id = f"baseline:{point.key.lower()}_{kind}"
                    batches.append(
                        (
                            StatisticMetaData(
                                mean_type=StatisticMeanType.NONE,
                                has_sum=True,
                                name=statistic_id,
                                source="baseline",
                                statistic_id=statistic_id,
                                unit_class=None,
                                unit_of_measurement="kWh",
                            ),
                            data,
                        )
                    )
            started = time.perf_counter()
            for metadata, data in batches:
                async_add_external_statistics(hass, metadata, data)
            await async_wait_recording_done(hass)
            baseline = time.perf_counter() - started
            await session.close()
            await hass.async_stop()
    await simulator.stop()
    hourly_rows = sum(len(data) for _, data in batches)
    print(f"half hours read: {rows} ({rows // 3} x import/export/gas)")
    print(f"hourly statistic rows written: {hourly_rows}")
    print(
        f"backfill (HTTP -> committed statistics): {full:.2f} s, "
        f"{rows / full:,.0f} half hours/s"
    )
    print(
        f"baseline (async_add_external_statistics alone, same rows): "
        f"{baseline:.2f} s, {rows / baseline:,.0f} half hours/s"
    )
    print(f"ratio backfill / baseline: {full / baseline:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
