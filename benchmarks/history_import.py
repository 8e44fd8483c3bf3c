"""History import: rows per second end to end, against HA's import alone.

Two files of a whole year (naive Brussels time, DST days included):

* 1-minute power samples in W (525,600 rows; 527,040 in a leap year), a CSV
  integrated into hourly energy;
* 15-minute energy rows in Wh (35,040 rows), a CSV summed per hour.

End to end is one ``energy_monitor.import_history`` call: reading the file in
an executor, the hourly sums, the check against the recorded statistic and
the committed rows in a SQLite recorder. The baseline, measured in the same
run on the same recorder, is Home Assistant's ``async_add_external_statistics``
alone with the same hourly rows, until committed. The ratio is end to end
over the baseline (how much the reading and the hourly maths add).

Run: ``.venv/bin/python benchmarks/history_import.py [--days N]``
"""

import argparse
import asyncio
from datetime import datetime
from pathlib import Path
import sys
import tempfile
import time
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from homeassistant import loader
from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import async_add_external_statistics
from homeassistant.components.recorder.tasks import SynchronizeTask
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import async_initialize_recorder, get_instance
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import async_test_home_assistant

ZONE = ZoneInfo("Europe/Brussels")
START = datetime(2025, 1, 1, tzinfo=ZONE)


def write_files(folder: Path, days: int) -> dict[str, tuple[Path, int, dict[str, Any]]]:
    """Write the two files; return per name its path, rows and action data."""
    utc_start = START.timestamp()
    minute_path = folder / "power_1min.csv"
    with minute_path.open("w") as stream:
        stream.write("timestamp,power\n")
        for index in range(days * 1440):
            moment = datetime.fromtimestamp(utc_start + 60 * index, ZONE)
            stream.write(f"{moment:%Y-%m-%d %H:%M:%S},{300 + index % 2500}\n")
    quarter_path = folder / "energy_15min.csv"
    with quarter_path.open("w") as stream:
        stream.write("timestamp,energy\n")
        for index in range(days * 96):
            moment = datetime.fromtimestamp(utc_start + 900 * index, ZONE)
            stream.write(f"{moment:%Y-%m-%d %H:%M:%S},{50 + index % 400}\n")
    return {
        "1-minute power": (
            minute_path,
            days * 1440,
            {"format": "csv", "value_column": "power"},
        ),
        "15-minute energy": (
            quarter_path,
            days * 96,
            {
                "format": "csv",
                "value_column": "energy",
                "value_kind": "energy",
                "unit_of_measurement": "Wh",
            },
        ),
    }


async def committed(hass: HomeAssistant) -> None:
    """Wait until the recorder has run everything queued so far."""
    future: asyncio.Future[None] = hass.loop.create_future()
    get_instance(hass).queue_task(SynchronizeTask(future))
    await future


async def baseline(
    hass: HomeAssistant, name: str, hours: list[tuple[float, float]]
) -> float:
    """Return the seconds HA's import alone takes for the hourly rows."""
    metadata = StatisticMetaData(
        mean_type=StatisticMeanType.NONE,
        has_sum=True,
        name=name,
        source="energy_monitor",
        statistic_id=f"energy_monitor:{name}",
        unit_class="energy",
        unit_of_measurement="kWh",
    )
    begin = time.perf_counter()
    rows = [
        StatisticData(start=datetime.fromtimestamp(start, ZONE), sum=total, state=total)
        for start, total in hours
    ]
    async_add_external_statistics(hass, metadata, rows)
    await committed(hass)
    return time.perf_counter() - begin


async def run(days: int) -> None:
    """Measure both files and print the figures."""
    with tempfile.TemporaryDirectory() as folder:
        files = write_files(Path(folder), days)
        async with async_test_home_assistant(config_dir=folder) as hass:
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
            await hass.config.async_set_time_zone("Europe/Brussels")
            hass.config.allowlist_external_dirs = {folder}
            async_initialize_recorder(hass)
            assert await async_setup_component(
                hass, "recorder", {"recorder": {"db_url": f"sqlite:///{folder}/db"}}
            )
            await get_instance(hass).async_db_ready
            assert await async_setup_component(hass, "energy_monitor", {})
            await hass.async_block_till_done()
            print(f"History import, {days} days (ratio: end to end / HA import alone)")
            for index, (label, (path, rows, data)) in enumerate(files.items()):
                begin = time.perf_counter()
                response = await hass.services.async_call(
                    "energy_monitor",
                    "import_history",
                    {**data, "file": str(path), "name": f"file_{index}"},
                    blocking=True,
                    return_response=True,
                )
                end_to_end = time.perf_counter() - begin
                assert response is not None
                hours = int(str(response["hours"]))
                step = 3600.0
                first = datetime.fromisoformat(str(response["first_hour"])).timestamp()
                total = float(str(response["total"]))
                sums = [
                    (first + step * hour, total * (hour + 1) / hours)
                    for hour in range(hours)
                ]
                alone = await baseline(hass, f"baseline_{index}", sums)
                print(
                    f"  {label:17} {rows:>8,} rows -> {hours:>5,} hours: "
                    f"end to end {end_to_end:6.2f} s "
                    f"({rows / end_to_end:>9,.0f} rows/s, "
                    f"{hours / end_to_end:>7,.0f} hours/s); "
                    f"HA import alone {alone:5.2f} s "
                    f"({hours / alone:>7,.0f} hours/s); "
                    f"ratio {end_to_end / alone:5.1f}"
                )
            await hass.async_stop(force=True)


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=365)
    asyncio.run(run(parser.parse_args().days))


if __name__ == "__main__":
    main()
