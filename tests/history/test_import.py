"""The import_history action, through the recorder: what the statistics hold."""

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
import json
from pathlib import Path
from unittest.mock import patch
from zoneinfo import ZoneInfo

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import async_import_statistics
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from tests.common import FIXTURES

from .helpers import ImportHistory, by_hour, hourly, minutes

BRUSSELS = ZoneInfo("Europe/Brussels")
TAIPEI = ZoneInfo("Asia/Taipei")
HISTORY = FIXTURES / "history"


def _local(moment: datetime) -> str:
    """Return a UTC time as naive Brussels text, as exports write it."""
    return moment.astimezone(BRUSSELS).strftime("%Y-%m-%d %H:%M:%S")


def _power_file(folder: Path, start: datetime, count: int) -> tuple[Path, dict]:
    """Write 1-minute power samples (W, naive local); return file, reference."""
    times = minutes(start, count)
    watts = [500 + (index * 37) % 2000 for index in range(count)]
    path = folder / "power.csv"
    lines = ["time;power"] + [
        f"{_local(moment)};{str(value).replace('.', ',')}"
        for moment, value in zip(times, watts, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    reference = by_hour(
        [(moment, value / 60_000) for moment, value in zip(times, watts, strict=True)]
    )
    return path, reference


def _assert_hours(
    rows: list[tuple[datetime, float, float]], reference: dict[datetime, float]
) -> None:
    """Assert every hour's change and the running sums match the reference."""
    assert [row[0] for row in rows] == sorted(reference)
    running = 0.0
    for start, change, total in rows:
        running += reference[start]
        assert change == pytest.approx(reference[start], abs=1e-9)
        assert total == pytest.approx(running, abs=1e-6)


async def test_csv_power_samples_and_reimport(
    hass: HomeAssistant, allowed: Path, import_history: ImportHistory
) -> None:
    """Two days of 1-minute power: hourly energy; importing again changes nothing."""
    start = datetime(2024, 1, 9, 23, 0, tzinfo=UTC)
    path, reference = _power_file(allowed, start, 2 * 1440)
    args = {
        "file": str(path),
        "format": "csv",
        "timestamp_column": "time",
        "value_column": "power",
        "name": "old_meter",
    }
    dry = await import_history(**args, dry_run=True)
    assert await hourly(hass, "energy_monitor:old_meter") == []
    response = await import_history(**args)
    assert dry == {**response, "dry_run": True}
    assert response == {
        "statistic_id": "energy_monitor:old_meter",
        "dry_run": False,
        "rows": 2880,
        "bad_rows": 0,
        "bad_row_examples": [],
        "empty_rows": 0,
        "hours": 48,
        "trimmed_hours": 0,
        "first_hour": "2024-01-09T23:00:00+00:00",
        "last_hour": "2024-01-11T22:00:00+00:00",
        "total": round(sum(reference.values()), 3),
        "unit": "kWh",
    }
    rows = await hourly(hass, "energy_monitor:old_meter")
    _assert_hours(rows, reference)

    again = await import_history(**args)
    assert (again["hours"], again["trimmed_hours"]) == (0, 48)
    assert await hourly(hass, "energy_monitor:old_meter") == rows
    notification = hass.states.get(
        "persistent_notification.energy_monitor_import_history"
    )
    assert notification is None or "48 hours already recorded" in str(notification)


async def test_progress_is_shown(
    hass: HomeAssistant, allowed: Path, import_history: ImportHistory
) -> None:
    """A long file shows how far the reading got, then the summary."""
    path, _ = _power_file(allowed, datetime(2024, 1, 1, tzinfo=UTC), 25_000)
    shown: list[str] = []
    with (
        patch(
            "custom_components.energy_monitor.history.services.PROGRESS_EVERY", 10_000
        ),
        patch(
            "homeassistant.components.persistent_notification.async_create",
            side_effect=lambda _hass, message, **_: shown.append(message),
        ),
    ):
        await import_history(
            file=str(path),
            format="csv",
            timestamp_column="time",
            value_column="power",
            name="progress",
        )
    assert shown[0] == f"Reading {path}."
    assert f"Reading {path}: 10,000 rows so far." in shown
    assert f"Reading {path}: 20,000 rows so far." in shown
    assert shown[-1].startswith(f"{path}: 25,000 rows, 417 hours written")


async def test_dst_days(
    hass: HomeAssistant, allowed: Path, import_history: ImportHistory
) -> None:
    """Naive local 15-minute energy: 25 hours in October, 23 in March."""
    lines = ["timestamp,energy"]
    pieces = []
    for day in (
        datetime(2024, 3, 30, 23, tzinfo=UTC),
        datetime(2024, 10, 26, 22, tzinfo=UTC),
    ):
        for index in range(100):
            moment = day + timedelta(minutes=15 * index)
            lines.append(f"{_local(moment)},{100 + index}")
            pieces.append((moment, (100 + index) / 1000))
    lines.insert(5, "2024-03-31 02:15:00,99")  # the hour the clocks skip
    path = allowed / "dst.csv"
    path.write_text("\n".join(lines) + "\n")
    response = await import_history(
        file=str(path),
        format="csv",
        value_column="energy",
        value_kind="energy",
        unit_of_measurement="Wh",
        name="dst",
    )
    assert response["bad_rows"] == 1, response["bad_row_examples"]
    assert response["bad_row_examples"][0].startswith("line 6: ")
    rows = await hourly(hass, "energy_monitor:dst")
    _assert_hours(rows, by_hour(pieces))
    local_days = {}
    for start, *_ in rows:
        day = start.astimezone(BRUSSELS).date()
        local_days[day] = local_days.get(day, 0) + 1
    assert local_days[date(2024, 3, 31)] == 23
    assert local_days[date(2024, 10, 27)] == 25


async def test_bad_rows_and_empty_file(
    hass: HomeAssistant, allowed: Path, import_history: ImportHistory
) -> None:
    """Bad rows are counted with line numbers; a file without any is refused."""
    path = allowed / "bad.csv"
    path.write_text(
        "timestamp,kwh\n"
        "2024-05-01T00:00:00+02:00,10\n"
        "yesterday,11\n"
        "2024-05-01T00:30:00+02:00,lots\n"
        "2024-05-01T01:00:00+02:00,nan\n"
        "2024-05-01T01:00:00+02:00\n"
        "2024-05-01T02:00:00+02:00,9\n"
        "2024-05-01T01:30:00+02:00,12\n"
        "2024-05-01T03:00:00+02:00,13\n"
    )
    response = await import_history(
        file=str(path),
        format="csv",
        value_column="kwh",
        value_kind="counter",
        unit_of_measurement="kWh",
        name="counter",
    )
    assert response["rows"] == 3
    assert response["empty_rows"] == 1
    assert response["bad_rows"] == 5
    assert [example.split(":")[0] for example in response["bad_row_examples"]] == [
        "line 3",
        "line 4",
        "line 6",
        "line 7",
        "line 8",
    ]
    assert "counter went back" in response["bad_row_examples"][3]
    # 10 -> 9 is a reset (no energy); 9 -> 13 over an hour.
    assert [
        (row[1], row[2]) for row in await hourly(hass, "energy_monitor:counter")
    ] == [(4.0, 4.0)]

    empty = allowed / "empty.csv"
    empty.write_text("timestamp,kwh\nnever,1\n")
    with pytest.raises(ServiceValidationError) as err:
        await import_history(
            file=str(empty), format="csv", value_column="kwh", name="empty"
        )
    assert err.value.translation_key == "history_invalid"
    assert "no valid row" in str(err.value.translation_placeholders)


@pytest.mark.parametrize(
    ("content", "args", "key"),
    [
        ("", {}, "history_invalid"),
        ("timestamp,power\n", {"value_column": "missing"}, "history_invalid"),
        ("timestamp,power\n", {}, "history_invalid"),
        (
            "timestamp,power\n",
            {"value_column": "power", "unit_of_measurement": "kWh"},
            "history_invalid",
        ),
    ],
)
async def test_unreadable_files(
    hass: HomeAssistant,
    allowed: Path,
    import_history: ImportHistory,
    *,
    content: str,
    args: dict,
    key: str,
) -> None:
    """Files that cannot be imported at all give a clear error."""
    path = allowed / "file.csv"
    path.write_text(content)
    with pytest.raises(ServiceValidationError) as err:
        await import_history(file=str(path), format="csv", name="x", **args)
    assert err.value.translation_key == key


async def test_paths(
    hass: HomeAssistant,
    allowed: Path,
    import_history: ImportHistory,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Only files in the allowed folders are read; a target is required."""
    outside = tmp_path_factory.mktemp("outside") / "secret.csv"
    outside.write_text("timestamp,power\n2024-01-01 00:00,1\n")
    for name in (str(outside), "../../etc/passwd", str(allowed / "../x/*.csv")):
        with pytest.raises(ServiceValidationError) as err:
            await import_history(
                file=name, format="csv", name="x", value_column="power"
            )
        assert err.value.translation_key == "path_not_allowed"
    for name in (str(allowed / "missing.csv"), str(allowed / "none_*.csv")):
        with pytest.raises(ServiceValidationError) as err:
            await import_history(
                file=name, format="csv", name="x", value_column="power"
            )
        assert err.value.translation_key == "file_unreadable"
    with pytest.raises(ServiceValidationError) as err:
        await import_history(file=str(outside), format="csv")
    assert err.value.translation_key == "history_target_required"


async def test_flukso_last_file_wins(
    hass: HomeAssistant, allowed: Path, import_history: ImportHistory
) -> None:
    """Overlapping Flukso dumps merge in name order, the last file wins."""
    merged: dict[datetime, float] = {}
    empty = 0
    for source in sorted(HISTORY.glob("FL12345678_sensorD_*.csv")):
        (allowed / source.name).write_bytes(source.read_bytes())
        for line in source.read_text().splitlines():
            when, value = line.split(",")
            empty += value == "nan"
            if value != "nan":
                moment = datetime.fromisoformat(when).replace(tzinfo=BRUSSELS)
                merged[moment.astimezone(UTC)] = float(value)
    response = await import_history(
        file=str(allowed / "FL12345678_sensorD_*.csv"),
        format="flukso",
        name="flukso_d",
        time_zone="Europe/Brussels",
    )
    times = sorted(merged)
    assert all(b - a == timedelta(minutes=1) for a, b in pairwise(times))
    assert response["rows"] == len(merged)
    assert response["empty_rows"] == empty
    _assert_hours(
        await hourly(hass, "energy_monitor:flukso_d"),
        by_hour([(moment, watts / 60_000) for moment, watts in merged.items()]),
    )
    with pytest.raises(ServiceValidationError) as err:
        await import_history(
            file=str(allowed / "FL12345678_sensorD_*.csv"), format="csv", name="x"
        )
    assert err.value.translation_key == "history_invalid"


@pytest.mark.parametrize(
    ("file", "column", "values"),
    [
        ("ABRI_BEMS_README_example.csv", None, [21.96, 21.58, 21.62]),
        ("ABRI_BEMS_README_example.csv", "total_load", [21.96, 21.58, 21.62]),
        (
            "Carlab_BEMS_README_example.csv",
            None,
            [12.228, 11.817, 12.13, 12.264, 12.069],
        ),
        (
            "NCKU_BEMS_README_example.csv",
            "grid_power",
            [1.075, 1.087, 1.072, 1.067, 1.073],
        ),
    ],
)
async def test_bems(
    hass: HomeAssistant,
    allowed: Path,
    import_history: ImportHistory,
    *,
    file: str,
    column: str | None,
    values: list[float],
) -> None:
    """BEMS/AMI 15-minute kW exports: a quarter hour of each value."""
    (allowed / file).write_bytes((HISTORY / file).read_bytes())
    args = {"value_column": column} if column else {}
    await import_history(
        file=str(allowed / file),
        format="bems",
        name="bems",
        time_zone="Asia/Taipei",
        **args,
    )
    rows = await hourly(hass, "energy_monitor:bems")
    assert sum(row[1] for row in rows) == pytest.approx(sum(values) / 4)
    day = {"ABRI": date(2020, 5, 2), "Carlab": date(2020, 4, 25)}.get(
        file.split("_", maxsplit=1)[0], date(2020, 3, 14)
    )
    assert rows[0][0] == datetime(day.year, day.month, day.day, tzinfo=TAIPEI)
    assert rows[0][1] == pytest.approx(sum(values[:4]) / 4)
    (allowed / "other.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ServiceValidationError):
        await import_history(file=str(allowed / "other.csv"), format="bems", name="x")


async def test_octopus_json_lines(
    hass: HomeAssistant, allowed: Path, import_history: ImportHistory
) -> None:
    """octopus_viz cache lines, newest first, with a duplicate and bad lines."""
    start = datetime(2023, 7, 1, tzinfo=UTC)
    records = []
    reference = []
    for index in range(48):
        begin = start + timedelta(minutes=30 * index)
        value = round(0.1 + index / 100, 3)
        records.append(
            {
                "consumption": value,
                "unit": "kWh",
                "interval_start": begin.astimezone(
                    ZoneInfo("Europe/London")
                ).isoformat(),
                "interval_end": (begin + timedelta(minutes=30)).isoformat(),
            }
        )
        reference.append((begin, value))
    lines = [json.dumps(record) for record in reversed(records)]
    lines += [
        json.dumps(records[0]),
        "{not json",
        json.dumps({"consumption": 1}),
        "",
        json.dumps({**records[1], "consumption": None}),
        json.dumps({**records[1], "interval_end": records[1]["interval_start"]}),
    ]
    path = allowed / "octopus.jsonl"
    path.write_text("\n".join(lines) + "\n")
    response = await import_history(file=str(path), format="octopus", name="octopus")
    assert (response["rows"], response["bad_rows"], response["empty_rows"]) == (
        48,
        3,
        1,
    )
    _assert_hours(await hourly(hass, "energy_monitor:octopus"), by_hour(reference))


async def test_external_statistic_grows_at_both_ends(
    hass: HomeAssistant, allowed: Path, import_history: ImportHistory
) -> None:
    """A longer file adds hours before and after, sums seamless, none doubled."""
    start = datetime(2024, 2, 1, tzinfo=UTC)
    path = allowed / "kwh.csv"

    def write(first: int, last: int) -> dict[datetime, float]:
        rows = [
            (start + timedelta(hours=hour), 1 + hour / 10)
            for hour in range(first, last)
        ]
        path.write_text(
            "timestamp,kwh\n"
            + "".join(f"{moment.isoformat()},{value}\n" for moment, value in rows)
        )
        return dict(rows)

    middle = write(10, 20)
    args = {
        "file": str(path),
        "format": "csv",
        "value_column": "kwh",
        "value_kind": "energy",
        "unit_of_measurement": "kWh",
        "name": "grow",
    }
    await import_history(**args)
    everything = write(0, 30)
    with pytest.raises(ServiceValidationError) as err:
        await import_history(**args, overlap="refuse")
    assert err.value.translation_key == "history_overlap"
    assert err.value.translation_placeholders["hours"] == "10"
    response = await import_history(**args)
    assert (response["hours"], response["trimmed_hours"]) == (20, 10)
    assert middle.items() <= everything.items()
    _assert_hours(await hourly(hass, "energy_monitor:grow"), everything)


async def test_entity_history_continues(
    hass: HomeAssistant, allowed: Path, import_history: ImportHistory
) -> None:
    """History goes in front of an entity's own; its sums continue seamlessly."""
    entity_id = "sensor.grid_import"
    hass.states.async_set(
        entity_id,
        "1006",
        {
            "device_class": "energy",
            "state_class": "total_increasing",
            "unit_of_measurement": "Wh",
        },
    )
    with pytest.raises(ServiceValidationError) as err:
        await import_history(
            file=str(HISTORY / "../history/none.csv"),
            format="csv",
            statistic_id=entity_id,
        )
    first = datetime(2024, 6, 1, 12, tzinfo=UTC)
    own = [(first + timedelta(hours=hour), 1000.0) for hour in range(6)]
    async_import_statistics(
        hass,
        StatisticMetaData(
            mean_type=StatisticMeanType.NONE,
            has_sum=True,
            name=None,
            source="recorder",
            statistic_id=entity_id,
            unit_class="energy",
            unit_of_measurement="Wh",
        ),
        [
            StatisticData(
                start=moment, sum=1000.0 * (index + 1), state=1000.0 * (index + 1)
            )
            for index, (moment, _) in enumerate(own)
        ],
    )
    await async_wait_recording_done(hass)
    path = allowed / "before.csv"
    imported = [
        (first - timedelta(hours=10) + timedelta(hours=hour), 0.5) for hour in range(13)
    ]
    path.write_text(
        "timestamp,kwh\n" + "".join(f"{m.isoformat()},{v}\n" for m, v in imported)
    )
    args = {
        "file": str(path),
        "format": "csv",
        "value_column": "kwh",
        "value_kind": "energy",
        "unit_of_measurement": "kWh",
        "statistic_id": entity_id,
    }
    with pytest.raises(ServiceValidationError) as err:
        await import_history(**args, overlap="refuse")
    assert err.value.translation_key == "history_overlap"
    response = await import_history(**args)
    assert (response["hours"], response["trimmed_hours"], response["total"]) == (
        10,
        3,
        5.0,
    )
    rows = await hourly(hass, entity_id)
    assert [row[1] for row in rows] == [500.0] * 10 + [1000.0] * 6
    assert rows[-1][2] == 11_000.0
    assert (await import_history(**args))["hours"] == 0
    assert await hourly(hass, entity_id) == rows

    gas = allowed / "gas.csv"
    gas.write_text("timestamp,m3\n2024-01-01T00:00:00+00:00,1\n")
    with pytest.raises(ServiceValidationError) as err:
        await import_history(
            file=str(gas),
            format="csv",
            value_column="m3",
            value_kind="energy",
            unit_of_measurement="m³",
            statistic_id=entity_id,
        )
    assert err.value.translation_key == "history_unit_mismatch"
    hass.states.async_set("sensor.new", "1", {"device_class": "energy"})
    with pytest.raises(ServiceValidationError) as err:
        await import_history(**{**args, "statistic_id": "sensor.new"})
    assert err.value.translation_key == "history_no_statistics"
