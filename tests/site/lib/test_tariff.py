"""Schedules, tariff versions and tariff files, without Home Assistant."""

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from custom_components.energy_monitor.lib.site.calendar import (
    Calendar,
    day_start,
    days_in_month,
    month_keys_back,
    next_month_first,
    offset_change,
)
from custom_components.energy_monitor.lib.site.schedule import (
    ScheduleRow,
    TariffError,
    WeekSchedule,
    format_text,
    format_weekdays,
    parse_text,
    parse_time,
    parse_weekdays,
    rows_from_json,
    rows_to_json,
)
from custom_components.energy_monitor.lib.site.tariff import (
    Direction,
    Price,
    PriceMode,
    TariffVersion,
    dump_tariffs,
    merge_imported,
    parse_tariff_file,
    parse_tariffs,
    start_version,
    version_index,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
FLUX = """
00:00-02:00 0.28
02:00-05:00 0.17
05:00-16:00 0.28
16:00-19:00 0.39
19:00-24:00 0.28
"""


def local(*args: int) -> float:
    """Return the instant of a Brussels wall time."""
    return datetime(*args, tzinfo=BRUSSELS).timestamp()  # type: ignore[misc]


def hours_of(schedule: WeekSchedule, day: date) -> dict[float | None, float]:
    """Return how many hours each value lasts on a local day."""
    result: dict[float | None, float] = {}
    t = day_start(day, BRUSSELS)
    end = day_start(date.fromordinal(day.toordinal() + 1), BRUSSELS)
    while t < end:
        value, until = schedule.span(t)
        result[value] = result.get(value, 0.0) + (min(until, end) - t) / 3600
        t = until
    return result


def test_calendar_days_are_local_and_dst_safe() -> None:
    """Days last 23, 24 and 25 hours; months and keys roll over."""
    calendar = Calendar(BRUSSELS)
    spring = calendar.day(local(2016, 3, 27, 12))
    autumn = calendar.day(local(2016, 10, 30, 12))
    assert spring[1] - spring[0] == 23 * 3600
    assert autumn[1] - autumn[0] == 25 * 3600
    assert calendar.day(local(2016, 10, 30, 1)) == autumn
    start, end = calendar.month(local(2016, 12, 31, 23))
    assert (start, end) == (local(2016, 12, 1), local(2017, 1, 1))
    assert calendar.month(local(2016, 12, 2)) == (start, end)
    assert next_month_first(date(2016, 5, 9)) == date(2016, 6, 1)
    assert month_keys_back(date(2016, 2, 10), 3) == ["2016-02", "2016-01", "2015-12"]
    assert days_in_month(date(2016, 2, 1)) == 29
    assert offset_change(local(2016, 3, 27), local(2016, 3, 28), BRUSSELS) == (
        datetime(2016, 3, 27, 1, tzinfo=UTC).timestamp()
    )
    assert offset_change(local(2016, 3, 28), local(2016, 3, 29), BRUSSELS) is None


def test_text_schedule_round_trip() -> None:
    """The one-row-per-line form reads and writes weekdays, wraps and a default."""
    rows, default = parse_text(
        "# Belgian day tariff\nmon-fri 07:00-22:00 0.32\n\nsat,sun 22:00-07:00 1\n"
        "default 0.21"
    )
    assert rows == (
        ScheduleRow(7 * 3600, 22 * 3600, 0.32, frozenset(range(5))),
        ScheduleRow(22 * 3600, 7 * 3600, 1.0, frozenset({5, 6})),
    )
    assert default == 0.21
    text = format_text(rows, default)
    assert text == "mon-fri 07:00-22:00 0.32\nsat-sun 22:00-07:00 1\ndefault 0.21"
    assert parse_text(text) == (rows, default)
    assert format_weekdays(frozenset({0, 2, 3, 6})) == "mon,wed-thu,sun"
    assert parse_weekdays("fri-mon") == frozenset({4, 5, 6, 0})


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("25:00-26:00 1", "invalid_time"),
        ("7:60-08:00 1", "invalid_time"),
        ("24:00-01:00 1", "invalid_time"),
        ("noon-08:00 1", "invalid_time"),
        ("08:00-08:00 1", "empty_interval"),
        ("monday 08:00-09:00 1", "invalid_weekday"),
        ("08:00/09:00 1", "invalid_row"),
        ("08:00 09:00 1", "invalid_weekday"),
        ("08:00-09:00", "invalid_row"),
        ("08:00-09:00 cheap", "invalid_rate"),
        ("08:00-09:00 nan", "invalid_rate"),
    ],
)
def test_text_schedule_errors(text: str, code: str) -> None:
    """Every unreadable row is refused with a code naming the problem."""
    with pytest.raises(TariffError) as err:
        parse_text(text)
    assert err.value.code == code


def test_json_rows() -> None:
    """Tariff-file rows read and write, weekdays included."""
    data = [
        {"interval_start": "16:00", "interval_end": "19:00", "rate": 0.43},
        {
            "interval_start": "00:00",
            "interval_end": "24:00",
            "rate": "0.3",
            "weekdays": ["sat", "sun"],
        },
    ]
    rows = rows_from_json(data)
    assert rows[1] == ScheduleRow(0, 86400, 0.3, frozenset({5, 6}))
    assert rows_from_json(rows_to_json(rows)) == rows
    for bad, code in (
        (["not a row"], "invalid_row"),
        ([{"interval_start": "00:00", "rate": 1}], "invalid_row"),
        ([{**data[0], "weekdays": "mon"}], "invalid_weekday"),
        ([{**data[0], "weekdays": []}], "invalid_weekday"),
        ([{**data[0], "rate": True}], "invalid_rate"),
        ([{**data[0], "rate": None}], "invalid_rate"),
    ):
        with pytest.raises(TariffError) as err:
            rows_from_json(bad)
        assert err.value.code == code
    assert parse_time("24:00", is_end=True) == 86400


def test_schedule_follows_the_wall_clock_across_dst() -> None:
    """02:00-05:00 lasts 2 hours in spring, 4 in autumn; weekdays wrap midnight."""
    rows, default = parse_text(FLUX)
    flux = WeekSchedule(rows, default, BRUSSELS)
    assert hours_of(flux, date(2016, 3, 27)) == {0.28: 18.0, 0.17: 2.0, 0.39: 3.0}
    assert hours_of(flux, date(2016, 10, 30)) == {0.28: 18.0, 0.17: 4.0, 0.39: 3.0}
    assert hours_of(flux, date(2016, 6, 1)) == {0.28: 18.0, 0.17: 3.0, 0.39: 3.0}
    assert flux.value_at(local(2016, 10, 30, 2, 30)) == 0.17
    night = WeekSchedule(*parse_text("fri 22:00-06:00 2\ndefault 1"), BRUSSELS)
    assert night.value_at(local(2016, 6, 4, 3)) == 2  # Saturday 03:00
    assert night.value_at(local(2016, 6, 5, 3)) == 1  # Sunday 03:00
    assert night.covers_week()
    gaps = WeekSchedule(*parse_text("mon 08:00-09:00 1"), BRUSSELS)
    assert not gaps.covers_week()
    assert gaps.span(local(2016, 6, 6, 10)) == (None, local(2016, 6, 7))
    for day in range(1, 20):
        hours_of(flux, date(2016, 1, day))
    assert flux.value_at(local(2016, 1, 1, 17)) == 0.39


def test_a_row_changing_within_the_repeated_hour() -> None:
    """A boundary inside the hour clocks repeat counts twice; the jump back too."""
    schedule = WeekSchedule(*parse_text("02:00-02:30 1\ndefault 2"), BRUSSELS)
    assert hours_of(schedule, date(2016, 10, 30)) == {1.0: 1.0, 2.0: 24.0}


PRICES: list[dict[str, Any]] = [
    {"mode": "fixed", "rate": 0.3},
    {
        "mode": "registers",
        "rates": {"1": 0.32, "2": 0.21},
        "schedule": [
            {"interval_start": "07:00", "interval_end": "22:00", "register": 1}
        ],
        "default_register": 2,
    },
    {"mode": "registers", "rates": {"1": 0.32, "2": 0.21}},
    {
        "mode": "schedule",
        "rates": [{"interval_start": "00:00", "interval_end": "12:00", "rate": 0.2}],
        "default_rate": 0.3,
    },
    {
        "mode": "entity",
        "entity_id": "sensor.price",
        "markup": 0.1,
        "multiplier": 1.06,
    },
]


@pytest.mark.parametrize("data", PRICES)
def test_price_round_trip(data: dict[str, Any]) -> None:
    """Every price mode reads and writes its stored form."""
    price = Price.from_dict(data)
    assert price.to_dict() == data


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ("fixed", "invalid_price"),
        ({"mode": "cheap"}, "invalid_mode"),
        ({"mode": "fixed", "rate": "x"}, "invalid_rate"),
        ({"mode": "registers", "rates": {}}, "invalid_registers"),
        ({"mode": "registers", "rates": {"day": 1}}, "invalid_registers"),
        ({"mode": "registers", "rates": {"0": 1}}, "invalid_registers"),
        (
            {"mode": "registers", "rates": {"1": 1}, "default_register": 2},
            "invalid_registers",
        ),
        (
            {
                "mode": "registers",
                "rates": {"1": 1},
                "schedule": [
                    {"interval_start": "07:00", "interval_end": "08:00", "register": 1}
                ],
            },
            "schedule_gap",
        ),
        ({"mode": "schedule", "rates": []}, "schedule_gap"),
        ({"mode": "schedule", "rates": "02:00-05:00"}, "invalid_rows"),
        (
            {
                "mode": "schedule",
                "rates": [
                    {"interval_start": "00:00", "interval_end": "12:00", "rate": 1}
                ],
            },
            "schedule_gap",
        ),
        ({"mode": "entity", "entity_id": ""}, "invalid_entity"),
    ],
)
def test_price_errors(data: Any, code: str) -> None:
    """Invalid prices are refused with a code."""
    with pytest.raises(TariffError) as err:
        Price.from_dict(data)
    assert err.value.code == code


def test_versions() -> None:
    """Versions sort, end where the next starts, and copy forward."""
    versions = parse_tariffs(
        [
            {"valid_from": "2024-07-01", "import": PRICES[0], "standing_charge": 0.5},
            {"valid_from": None, "import": PRICES[3], "valid_until": "2020-01-01"},
        ]
    )
    assert [v.valid_from for v in versions] == [None, date(2024, 7, 1)]
    assert versions[0].valid_until == date(2024, 7, 1)
    assert versions[1].valid_until is None
    assert version_index(versions, date(2024, 6, 30)) == 0
    assert version_index(versions, date(2024, 7, 1)) == 1
    assert parse_tariffs(dump_tariffs(versions)) == versions
    grown, index = start_version(versions, date(2025, 1, 1))
    assert index == 2
    assert grown[2].standing_charge == 0.5
    assert grown[1].valid_until == date(2025, 1, 1)
    with pytest.raises(TariffError):
        start_version(grown, date(2025, 1, 1))
    assert parse_tariffs(None) == (TariffVersion(),)
    assert parse_tariffs([]) == (TariffVersion(),)
    last = parse_tariffs([{"valid_from": "2024-01-01", "valid_until": "2023-01-01"}])
    assert last[0].valid_until is None
    assert (
        TariffVersion().with_price(Direction.GAS, Price(rate=1.2)).gas_price.rate == 1.2
    )


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ([{"valid_from": None}, {}], "duplicate_version"),
        (["version"], "invalid_version"),
        ([{"valid_from": "first of may"}], "invalid_date"),
        ([{"capacity_rate": -1}], "invalid_rate"),
        ({"valid_from": None}, "invalid_rows"),
    ],
)
def test_version_errors(data: Any, code: str) -> None:
    """Invalid versions are refused."""
    with pytest.raises(TariffError) as err:
        parse_tariffs(data)
    assert err.value.code == code


FILE = {
    "meters": {"api_key": "<key>", "serial": "<serial>", "meters": []},
    "tariffs": {
        "flux_import": {
            "unit": "electricity_importing_kwh",
            "currency": "GBP",
            "rates": [
                {"interval_start": "00:00", "interval_end": "16:00", "rate": 0.3},
                {"interval_start": "16:00", "interval_end": "19:00", "rate": 0.43},
                {"interval_start": "19:00", "interval_end": "24:00", "rate": 0.3},
            ],
            "standing_charge": 0.6,
        },
        "flux_export": {
            "unit": "electricity_exporting_kwh",
            "currency": "GBP",
            "rates": [
                {"interval_start": "00:00", "interval_end": "24:00", "rate": 0.1}
            ],
        },
    },
}


def test_tariff_file_replaces_the_current_prices() -> None:
    """Without a start day, a file's tariffs replace today's version's prices."""
    imported = parse_tariff_file(FILE)
    assert [(t.name, t.direction, t.currency) for t in imported] == [
        ("flux_import", Direction.IMPORT, "GBP"),
        ("flux_export", Direction.EXPORT, "GBP"),
    ]
    before = parse_tariffs([{"import": PRICES[0], "capacity_rate": 40}])
    after = merge_imported(before, imported, valid_from=None, today=date(2024, 5, 1))
    assert len(after) == 1
    assert after[0].import_price.mode is PriceMode.SCHEDULE
    assert after[0].export_price.rows[0].value == 0.1
    assert after[0].standing_charge == 0.6
    assert after[0].capacity_rate == 40


def test_tariff_file_with_start_days() -> None:
    """A start day (the file's or the action's) adds or updates a version."""
    dated = {
        "tariffs": {
            name: {**tariff, "valid_from": "2024-07-01"}
            for name, tariff in FILE["tariffs"].items()
        }
    }
    before = parse_tariffs([{"import": PRICES[0]}])
    after = merge_imported(
        before, parse_tariff_file(dated), valid_from=None, today=date(2024, 5, 1)
    )
    assert [v.valid_from for v in after] == [None, date(2024, 7, 1)]
    assert after[0].import_price.mode is PriceMode.FIXED
    again = merge_imported(
        after,
        parse_tariff_file(
            {
                "tariffs": {
                    "gas": {
                        **FILE["tariffs"]["flux_export"],
                        "unit": "gas_importing_m3",
                    }
                }
            }
        ),
        valid_from=date(2024, 7, 1),
        today=date(2024, 5, 1),
    )
    assert len(again) == 2
    assert again[1].gas_price.mode is PriceMode.SCHEDULE


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ([], "invalid_file"),
        ({"tariffs": {}}, "invalid_file"),
        ({"tariffs": {"x": "y"}}, "invalid_file"),
        ({"tariffs": {"x": {"unit": "water_m3", "rates": []}}}, "unknown_unit"),
        (
            {"tariffs": {"x": {"unit": "electricity_importing_kwh", "rates": []}}},
            "schedule_gap",
        ),
    ],
)
def test_tariff_file_errors(data: Any, code: str) -> None:
    """Files without usable tariffs are refused."""
    with pytest.raises(TariffError) as err:
        parse_tariff_file(data)
    assert err.value.code == code
