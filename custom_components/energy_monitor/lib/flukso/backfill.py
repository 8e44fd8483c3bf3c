"""What a history backfill asks the flukso.net API, and the hours it makes.

Per sensor type the unit asked for and what its means amount to: an
electricity sensor's mean power (``watt``) over an interval is energy (kWh
in the end), a gas or water sensor's mean flow (``lperday``) a volume (m³).
A period is asked in windows of :data:`WINDOW` at :data:`RESOLUTION`; the
intervals become hourly amounts with the history import's
:class:`~..history.hourly.HourlyBuilder`, so an interval without data
(``"nan"``) leaves its hour out: a gap, never an invented zero.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..history.hourly import HOUR, HourlyBuilder, HourlySeries
from ..history.model import BadRows, HistoryError, Record, ValueKind
from .cloud import Query
from .model import SensorType

RESOLUTION = "hour"
"""The resolution asked for: one interval per statistics hour."""
WINDOW = 31 * 24 * HOUR
"""Seconds asked in one request (744 hours, about 20 kB)."""
DAY = 86400


@dataclass(frozen=True, slots=True)
class CloudUnit:
    """How a sensor type's history is asked for and counted."""

    api_unit: str
    """The ``unit`` asked of the API."""
    kind: ValueKind
    unit: str
    """The unit of the records given to the builder."""
    per_day: bool = False
    """The API's value is a rate per day (turned into an amount per interval)."""


CLOUD_UNITS: dict[SensorType, CloudUnit] = {
    SensorType.ELECTRICITY: CloudUnit("watt", ValueKind.POWER, "W"),
    SensorType.GAS: CloudUnit("lperday", ValueKind.ENERGY, "l", per_day=True),
    SensorType.WATER: CloudUnit("lperday", ValueKind.ENERGY, "l", per_day=True),
}


def queries(sensor_type: SensorType, since: int, until: int) -> list[Query]:
    """Return the requests for the hours from ``since`` to ``until`` (unix times)."""
    unit = CLOUD_UNITS[sensor_type].api_unit
    return [
        Query(start, min(start + WINDOW, until), RESOLUTION, unit)
        for start in range(since, until, WINDOW)
    ]


def hourly(
    sensor_type: SensorType,
    records: Iterable[Record],
    period: tuple[int, int],
    bad: BadRows,
) -> HourlySeries | None:
    """Return the hourly amounts of the intervals within ``period`` (unix times).

    Intervals given twice (at the edge of two windows) count once, the last
    one; ``None`` when no interval has data.
    """
    cloud = CLOUD_UNITS[sensor_type]
    merged: dict[float, Record] = {}
    for record in records:
        start, end = record.start.timestamp(), (record.end or record.start).timestamp()
        if period[0] <= start and end <= period[1]:
            value = record.value * (end - start) / DAY if cloud.per_day else None
            merged[end] = record if value is None else replace(record, value=value)
    builder = HourlyBuilder(cloud.kind, cloud.unit, bad=bad)
    for end in sorted(merged):
        builder.add(merged[end])
    try:
        return builder.finish()
    except HistoryError:
        return None
