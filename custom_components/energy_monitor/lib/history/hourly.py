"""Hourly energy from records: power integrated, counters differenced.

Every record becomes a piece of energy over an interval, split over the UTC
hours it covers (Home Assistant's statistics are hourly and a local hour is a
UTC hour in every whole-hour time zone, DST included):

* power: a sample holds until the next one (opengrid's step), at most
  :data:`MAX_GAP`; the last sample, and one before a longer gap, holds for
  the file's usual step;
* energy per interval: likewise, or up to the record's own end;
* counter: the difference to the previous reading, over the time between
  them; across a longer gap the difference lands in the hour of the later
  reading; a counter that goes back is a bad row (and the new reference).

Hours without data stay out: gaps stay gaps. Records must come in time order;
one that does not is a bad row.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
import math

from ..vocabulary import Key, plausible
from .model import BadRows, Direction, HistoryError, Record, ValueKind, check_unit

HOUR = 3600
MAX_GAP = 3600.0
"""Seconds between two records up to which the first holds until the second."""


@dataclass(slots=True)
class HourlySeries:
    """The hours of an import and what was read to make them."""

    unit: str
    hours: dict[int, float] = field(default_factory=dict)
    """Energy (kWh) or volume (m³) per hour, keyed by the hour's UTC epoch."""
    rows: int = 0
    """Valid rows read."""
    bad: BadRows = field(default_factory=BadRows)

    def sorted_hours(self) -> list[tuple[datetime, float]]:
        """Return (UTC hour start, amount) in time order."""
        return [
            (datetime.fromtimestamp(hour, UTC), self.hours[hour])
            for hour in sorted(self.hours)
        ]

    @property
    def total(self) -> float:
        """The amount of every hour together."""
        return math.fsum(self.hours.values())


class HourlyBuilder:
    """Turn records, in time order, into :class:`HourlySeries`."""

    def __init__(
        self,
        kind: ValueKind,
        unit: str,
        direction: Direction = Direction.IMPORT,
        bad: BadRows | None = None,
    ) -> None:
        """Build hours of ``kind`` values in ``unit``.

        Raises:
            HistoryError: for a unit that does not fit the kind.
        """
        statistic_unit, self._factor = check_unit(kind, unit)
        self.series = HourlySeries(statistic_unit, bad=bad or BadRows())
        self._kind = kind
        self._sign = 1.0 if direction is Direction.IMPORT else -1.0
        self._watts = 1000.0 if unit == "kW" else 1.0
        self._previous: Record | None = None
        self._step = 0.0

    def add_all(
        self, records: Iterable[Record], progress: Callable[[int], None] | None = None
    ) -> HourlySeries:
        """Add every record, then finish; ``progress`` hears every 10,000 rows."""
        for record in records:
            self.add(record)
            if progress is not None and self.series.rows % 10_000 == 0:
                progress(self.series.rows)
        return self.finish()

    def add(self, record: Record) -> None:
        """Add one record (a bad one is counted and skipped)."""
        if self._kind is ValueKind.POWER and not plausible(
            Key.GRID_POWER, record.value * self._watts
        ):
            self.series.bad.add(record.line, f"implausible value {record.value}")
            return
        previous = self._previous
        if previous is not None and record.start <= previous.start:
            self.series.bad.add(record.line, "not after the previous row")
            return
        self.series.rows += 1
        self._previous = record
        if self._kind is ValueKind.COUNTER:
            self._add_counter(previous, record)
        elif previous is not None:
            self._add_interval(previous, record.start)

    def finish(self) -> HourlySeries:
        """Close the last interval and return the series.

        Raises:
            HistoryError: when no row was valid.
        """
        if self.series.rows == 0:
            raise HistoryError("the file has no valid row")
        if self._kind is not ValueKind.COUNTER and self._previous is not None:
            self._add_interval(self._previous, None)
            self._previous = None
        return self.series

    def _add_interval(self, record: Record, following: datetime | None) -> None:
        """Add a power or energy record that held until ``following``."""
        start = record.start.timestamp()
        if record.end is not None:
            end = record.end.timestamp()
        elif (
            following is not None and (gap := following.timestamp() - start) <= MAX_GAP
        ):
            self._step = gap
            end = start + gap
        else:
            end = start + self._step
        if end <= start:
            return
        value = max(self._sign * record.value, 0.0) * self._factor
        if self._kind is ValueKind.POWER:
            value *= (end - start) / HOUR
        self._spread(start, end, value)

    def _add_counter(self, previous: Record | None, record: Record) -> None:
        """Add the difference of two counter readings."""
        if previous is None:
            return
        delta = (record.value - previous.value) * self._factor
        if delta < 0:
            self.series.bad.add(record.line, "the counter went back")
            return
        start, end = previous.start.timestamp(), record.start.timestamp()
        if end - start > MAX_GAP:
            start = end - 1e-6
        self._spread(start, end, delta)

    def _spread(self, start: float, end: float, amount: float) -> None:
        """Split ``amount`` over the hours of [start, end) by time."""
        hours = self.series.hours
        hour = int(start // HOUR) * HOUR
        if end <= hour + HOUR:
            hours[hour] = hours.get(hour, 0.0) + amount
            return
        length = end - start
        while hour < end:
            part = (min(end, hour + HOUR) - max(start, hour)) / length
            hours[hour] = hours.get(hour, 0.0) + amount * part
            hour += HOUR
