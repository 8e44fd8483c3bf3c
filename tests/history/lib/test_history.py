"""The HA-free history import: timestamps, formats, hourly sums, the plan."""

from datetime import UTC, datetime, timedelta
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from custom_components.energy_monitor.lib.history.formats import (
    FileFormat,
    parse_value,
    read_csv,
    read_flukso,
)
from custom_components.energy_monitor.lib.history.hourly import HourlyBuilder
from custom_components.energy_monitor.lib.history.model import (
    BadRows,
    HistoryError,
    Record,
    ValueKind,
)
from custom_components.energy_monitor.lib.history.plan import (
    Overlap,
    OverlapError,
    Recorded,
    plan_import,
)
from custom_components.energy_monitor.lib.history.reader import (
    ReadOptions,
    read_history,
)
from custom_components.energy_monitor.lib.history.timestamps import TimestampParser

BRUSSELS = ZoneInfo("Europe/Brussels")
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def test_timestamps() -> None:
    """Offsets are kept, naive times are local, the repeated hour is ordered."""
    parser = TimestampParser(BRUSSELS)
    assert parser.parse("2017-10-07T00:00:00+0200") == datetime(
        2017, 10, 6, 22, tzinfo=UTC
    )
    assert parser.parse("2020/5/2 00:15") == datetime(2020, 5, 1, 22, 15, tzinfo=UTC)
    assert parser.parse("02/05/2020 00:15") == datetime(2020, 5, 1, 22, 15, tzinfo=UTC)
    fall = [parser.parse(f"2024-10-27 {time}") for time in ("02:30", "02:00", "02:30")]
    assert fall == [
        datetime(2024, 10, 27, 0, 30, tzinfo=UTC),
        datetime(2024, 10, 27, 1, 0, tzinfo=UTC),
        datetime(2024, 10, 27, 1, 30, tzinfo=UTC),
    ]
    for text in ("2024-03-31 02:30", "soon"):
        with pytest.raises(ValueError, match="not"):
            parser.parse(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("1.5", 1.5), ("", None), (" nan ", None), ("+NaN", None), ("-", None)],
)
def test_values(text: str, value: float | None) -> None:
    """Numbers are read; empty values are gaps."""
    assert parse_value(text) == value


def test_infinite_value_is_bad() -> None:
    """An infinite number is no reading."""
    with pytest.raises(ValueError, match="finite"):
        parse_value("inf")


def test_csv_details() -> None:
    """Semicolons with decimal commas; short rows and blank lines."""
    bad = BadRows()
    stream = io.StringIO("t;v\n2024-01-01T00:00+00:00;1,5\n\n2024-01-01T00:01+00:00\n")
    records = list(read_csv(stream, UTC, bad, timestamp_column="t", value_column="v"))
    assert [record.value for record in records] == [1.5]
    assert bad.examples == ["line 4: missing columns"]
    with pytest.raises(HistoryError, match="empty"):
        list(
            read_csv(io.StringIO(""), UTC, bad, timestamp_column="t", value_column="v")
        )


def test_flukso_lines() -> None:
    """Lines without a comma are bad; blank lines are skipped."""
    bad = BadRows()
    stream = io.StringIO("2014-01-07 08:02:00,3480\n\nbroken\n")
    assert len(list(read_flukso([("a.csv", stream)], UTC, bad))) == 1
    assert bad.examples == ["line 3: a.csv: no comma"]


def _records(values: list[tuple[int, float]]) -> list[Record]:
    """Return records at minute offsets from T0."""
    return [
        Record(index, T0 + timedelta(minutes=minute), value)
        for index, (minute, value) in enumerate(values, start=1)
    ]


def test_power_gaps_stay_gaps() -> None:
    """After a gap a sample holds for the usual step, not until the next."""
    builder = HourlyBuilder(ValueKind.POWER, "kW")
    series = builder.add_all(_records([(0, 6.0), (10, 6.0), (190, 12.0)]))
    hours = dict(series.sorted_hours())
    assert hours == {
        T0: pytest.approx(2.0),
        T0 + timedelta(hours=3): pytest.approx(2.0),
    }
    assert series.total == pytest.approx(4.0)


def test_power_spreads_over_hours_and_drops_implausible() -> None:
    """A sample spanning an hour boundary is split; 5 GW is no house."""
    builder = HourlyBuilder(ValueKind.POWER, "W")
    series = builder.add_all(_records([(30, 1000.0), (50, 5e9), (90, 1000.0)]))
    assert dict(series.sorted_hours()) == {
        T0: pytest.approx(0.5),
        T0 + timedelta(hours=1): pytest.approx(1.0),
        T0 + timedelta(hours=2): pytest.approx(0.5),
    }
    assert series.bad.examples == ["line 2: implausible value 5000000000.0"]


def test_counter_gap_lands_in_the_later_hour() -> None:
    """A counter difference across a long gap goes to the later reading's hour."""
    builder = HourlyBuilder(ValueKind.COUNTER, "Wh")
    series = builder.add_all(_records([(0, 1000.0), (30, 1500.0), (300, 4500.0)]))
    assert dict(series.sorted_hours()) == {
        T0: pytest.approx(0.5),
        T0 + timedelta(hours=4): pytest.approx(3.0),
    }


def test_wrong_unit_and_no_rows() -> None:
    """Units must fit the kind; a series needs a valid row."""
    with pytest.raises(HistoryError, match="does not fit"):
        HourlyBuilder(ValueKind.POWER, "kWh")
    with pytest.raises(HistoryError, match="no valid row"):
        HourlyBuilder(ValueKind.ENERGY, "l").add_all([])


def test_plan() -> None:
    """Before: sums from 0 and an adjustment; inside: trimmed; after: appended."""
    hours = [(T0 + timedelta(hours=hour), 1.0) for hour in range(6)]
    recorded = Recorded(hours[2][0], hours[3][0], 10.0)
    plan = plan_import(hours, recorded, Overlap.TRIM, append=True)
    assert [(row.amount, row.sum) for row in plan.rows] == [
        (1.0, 1.0),
        (1.0, 2.0),
        (1.0, 13.0),
        (1.0, 14.0),
    ]
    assert (plan.trimmed, plan.adjustment, plan.adjust_from) == (2, 2.0, hours[2][0])
    entity = plan_import(hours, recorded, Overlap.TRIM, append=False)
    assert (len(entity.rows), entity.trimmed) == (2, 4)
    with pytest.raises(OverlapError) as err:
        plan_import(hours, recorded, Overlap.REFUSE, append=True)
    assert (err.value.hours, err.value.first) == (2, hours[2][0])
    fresh = plan_import(hours, None, Overlap.REFUSE, append=False)
    assert (fresh.total, fresh.adjust_from) == (6.0, None)


def test_reader_errors(tmp_path: Path) -> None:
    """One file per format but Flukso; unreadable files are history errors."""
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("timestamp,v\n")
    second.write_text("timestamp,v\n")
    options = ReadOptions(FileFormat.CSV, value_column="v")
    with pytest.raises(HistoryError, match="2 files"):
        read_history([first, second], options, UTC)
    with pytest.raises(HistoryError, match="No such file"):
        read_history([tmp_path / "missing.csv"], options, UTC)
    second.write_bytes(b"timestamp,v\n\xff\xfe,1\n")
    with pytest.raises(HistoryError, match="codec"):
        read_history([second], options, UTC)
