"""opengrid's golden values, reproduced from the seed CSVs."""

import csv
from datetime import date, datetime, time, timedelta
import gzip
import json
import math
from zoneinfo import ZoneInfo

import pytest

from custom_components.energy_monitor.lib.insights.analyses import (
    count_peaks,
    daily_mean,
    degree_days,
    load_factor,
    share_of_standby,
    standby,
    temperature_equivalent,
)
from custom_components.energy_monitor.lib.insights.day import (
    DayProfile,
    daily_mean as day_mean,
    power_figures,
)
from tests.common import FIXTURES

OPENGRID = FIXTURES / "opengrid"
BRUSSELS = ZoneInfo("Europe/Brussels")
SENSOR = "064fe87f3b0879ae531fa71dee4ac037"


def _series(name: str, column: str) -> list[tuple[datetime, float]]:
    """Return (local time, value) of one column of an opengrid CSV."""
    path = OPENGRID / name
    opener = gzip.open if name.endswith(".gz") else open
    with opener(path, "rt") as stream:
        rows = list(csv.DictReader(stream))
    time_column = next(iter(rows[0]))
    return [
        (
            datetime.fromisoformat(row[time_column]).astimezone(BRUSSELS),
            float(row[column]) if row[column] else math.nan,
        )
        for row in rows
    ]


@pytest.mark.parametrize("case", [0, 1])
def test_standby_golden(case: int) -> None:
    """Daily standby in 01:00-06:00 and 22:00-06:00 equals opengrid's."""
    golden = json.loads((OPENGRID / "standby_elec_power_min_1sensor.json").read_text())
    expected = golden["cases"][case]
    window = tuple(time.fromisoformat(text) for text in expected["time_window"])
    samples = _series(
        "elec_power_min_1sensor.csv.gz", "064fe87f3b0879ae531fa71dee4ac037"
    )
    result = standby(samples, window)  # type: ignore[arg-type]
    assert {
        str(int(datetime.combine(day, time(), BRUSSELS).timestamp() * 1000)): value
        for day, value in result.items()
    } == pytest.approx(expected["expected"], abs=1e-9)


def test_share_of_standby_golden() -> None:
    """Opengrid's synthetic case: 48 hourly ones, the first set to 0."""
    start = datetime(2018, 3, 4)  # noqa: DTZ001 (opengrid's naive index)
    samples = [(start + timedelta(hours=hour), 1.0) for hour in range(48)]
    samples[0] = (start, 0.0)
    assert share_of_standby(samples) == pytest.approx(0.5106382978723404)


def test_load_factor_golden() -> None:
    """The first 3-hour mean of house e1de over a norm of 800 W."""
    oracle = json.loads((OPENGRID / "analysis_oracles.json").read_text())["cases"][1]
    samples = _series("electricity_e1de_week_hour.csv", "e1de")
    first = [
        value
        for moment, value in samples
        if moment < samples[0][0] + timedelta(hours=3)
    ]
    assert load_factor(first, norm=800) * 800 == pytest.approx(
        oracle["expected_first_value_times_norm"]
    )
    assert load_factor([1.0, 3.0]) == pytest.approx(2 / 3)
    assert math.isnan(load_factor([]))


def test_count_peaks_golden() -> None:
    """Thirteen peaks in the first 100 minutes of gas of house 313b."""
    samples = _series("gas_dec2016_min.csv.gz", "313b")[:100]
    assert count_peaks([value for _, value in samples]) == 13


def test_degree_days() -> None:
    """Heating degree days from the 2016 weather, against a direct computation."""
    samples = _series("weather_2016_hour.csv.gz", "temperature")
    means = daily_mean(samples)
    days = sorted(means)
    equivalent = temperature_equivalent([means[day] for day in days])
    assert math.isnan(equivalent[1])
    day = days.index(date(2016, 1, 15))
    expected = (
        0.6 * means[days[day]] + 0.3 * means[days[day - 1]] + 0.1 * means[days[day - 2]]
    )
    assert equivalent[day] == pytest.approx(expected)
    assert degree_days(equivalent[day], 16.5) == pytest.approx(16.5 - expected)
    assert degree_days(equivalent[day], 16.5, cooling=True) == 0.0
    assert math.isnan(degree_days(math.nan, 16.5))
    heating = [degree_days(value, 16.5) for value in equivalent[2:]]
    assert 2000 < sum(heating) < 3000  # a Belgian year (HDD 16.5 ~ 2300)


def test_day_profile_reproduces_standby() -> None:
    """States fed one by one give opengrid's standby of 8 October 2017."""
    golden = json.loads((OPENGRID / "standby_elec_power_min_1sensor.json").read_text())
    samples = _series("elec_power_min_1sensor.csv.gz", SENSOR)
    start = datetime(2017, 10, 8, tzinfo=BRUSSELS)
    profile = DayProfile(start, datetime(2017, 10, 9, tzinfo=BRUSSELS))
    profile.set(start.timestamp() - 30, None)
    for moment, value in samples:
        if start - timedelta(minutes=1) <= moment < start + timedelta(days=1):
            profile.set(moment.timestamp(), value)
    figures = power_figures(profile.close(start.timestamp() + 86_400))
    assert figures is not None
    key = str(int(start.timestamp() * 1000))
    assert figures.standby == pytest.approx(golden["cases"][1]["expected"][key])
    assert figures.standby_night == pytest.approx(golden["cases"][0]["expected"][key])
    day = [value for moment, value in samples if moment.date() == start.date()]
    mean = sum(day) / len(day)
    assert figures.energy == pytest.approx(mean * 24 / 1000)
    assert figures.share_of_standby == pytest.approx(100 * figures.standby / mean)
    assert figures.load_factor == pytest.approx(100 * mean / max(day))


def test_day_profile_dst_and_gaps() -> None:
    """A 25-hour day has 1500 minutes; a day mostly unknown has no figures."""
    start = datetime(2024, 10, 27, tzinfo=BRUSSELS)
    profile = DayProfile(start, datetime(2024, 10, 28, tzinfo=BRUSSELS))
    profile.set(start.timestamp(), 100.0)
    profile.set(start.timestamp() + 3600, None)
    minutes = profile.close(start.timestamp() + 25 * 3600)
    assert len(minutes) == 1500
    assert minutes[0][1] == 100.0
    assert minutes[60][1] is None
    assert power_figures(minutes) is None
    assert day_mean(minutes) is None
    assert day_mean(minutes[:60]) == 100.0
