"""Local calendar arithmetic on POSIX timestamps, safe across DST changes.

Instants are seconds since the epoch (UTC). Days and months are local to one
time zone, so a day lasts 23, 24 or 25 hours: every boundary is computed from
the zone's rules, never by adding 86 400 seconds. Quarter hours are aligned
on the epoch, which is the local quarter hour in every zone whose offset is a
multiple of 15 minutes (all of them).
"""

from calendar import isleap, monthrange
from datetime import date, datetime, timedelta, tzinfo
import math

QUARTER = 900.0
"""Seconds in the quarter hour of the capacity tariff."""
HOUR = 3600.0


def local_date(t: float, zone: tzinfo) -> date:
    """Return the local date at instant ``t``."""
    return datetime.fromtimestamp(t, zone).date()


def local_isoformat(t: float | None, zone: tzinfo) -> str | None:
    """Return an instant as local ISO 8601 text (``None`` for none or never)."""
    if t is None or not math.isfinite(t):
        return None
    return datetime.fromtimestamp(t, zone).isoformat()


def day_start(day: date, zone: tzinfo) -> float:
    """Return the instant local ``day`` starts (its midnight)."""
    return datetime(day.year, day.month, day.day, tzinfo=zone).timestamp()


def month_first(day: date) -> date:
    """Return the first day of ``day``'s month."""
    return day.replace(day=1)


def next_month_first(day: date) -> date:
    """Return the first day of the month after ``day``'s."""
    if day.month == 12:  # noqa: PLR2004 - December
        return date(day.year + 1, 1, 1)
    return date(day.year, day.month + 1, 1)


def month_key(day: date) -> str:
    """Return ``YYYY-MM`` of ``day``'s month (how monthly peaks are keyed)."""
    return f"{day.year:04d}-{day.month:02d}"


def month_keys_back(day: date, count: int) -> list[str]:
    """Return the keys of ``day``'s month and the ``count - 1`` months before."""
    year, month = day.year, day.month
    keys = []
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return keys


def days_in_year(year: int) -> int:
    """Return 365 or 366."""
    return 366 if isleap(year) else 365


def days_in_month(day: date) -> int:
    """Return the number of days of ``day``'s month."""
    return monthrange(day.year, day.month)[1]


def quarter_start(t: float) -> float:
    """Return the start of the quarter hour containing ``t``."""
    return t - t % QUARTER


def offset_change(start: float, end: float, zone: tzinfo) -> float | None:
    """Return the instant in ``[start, end)`` the zone's UTC offset changes.

    Only one change per interval is looked for (a local day has at most one).
    """
    last = end - 1.0
    before = datetime.fromtimestamp(start, zone).utcoffset()
    after = datetime.fromtimestamp(last, zone).utcoffset()
    if before == after:
        return None
    low, high = start, last
    while high - low > 1.0:
        middle = float(int((low + high) / 2))
        if datetime.fromtimestamp(middle, zone).utcoffset() == before:
            low = middle
        else:
            high = middle
    return high


class Calendar:
    """The local days and months of one zone, with the latest ones cached."""

    __slots__ = ("_day", "_month", "zone")

    def __init__(self, zone: tzinfo) -> None:
        """Use ``zone`` for every local boundary."""
        self.zone = zone
        self._day = (0.0, 0.0)
        self._month = (0.0, 0.0)

    def day(self, t: float) -> tuple[float, float]:
        """Return the start and end of the local day containing ``t``."""
        start, end = self._day
        if start <= t < end:
            return self._day
        day = local_date(t, self.zone)
        self._day = (
            day_start(day, self.zone),
            day_start(day + timedelta(days=1), self.zone),
        )
        return self._day

    def month(self, t: float) -> tuple[float, float]:
        """Return the start and end of the local month containing ``t``."""
        start, end = self._month
        if start <= t < end:
            return self._month
        day = local_date(t, self.zone)
        self._month = (
            day_start(month_first(day), self.zone),
            day_start(next_month_first(day), self.zone),
        )
        return self._month

    def date(self, t: float) -> date:
        """Return the local date at ``t``."""
        return local_date(t, self.zone)
