"""Values by weekday and local wall time: time-of-use rates, meter registers.

A schedule is a list of rows ``interval_start``-``interval_end`` (``HH:MM``,
``24:00`` allowed as an end) with a value and optionally the weekdays the row
applies to; the first row that matches wins, times no row matches take the
default. A row whose end is not after its start runs past midnight (into the
next weekday). Rows are matched on the local wall clock, so ``02:00-05:00``
lasts two hours on the day clocks go forward and four on the day they go
back.

Two written forms exist: JSON rows as in tariff files
(``{"interval_start": "02:00", "interval_end": "05:00", "rate": 0.18}``) and
one row per line for the settings form (``mon-fri 07:00-22:00 0.30``,
``default 0.25``).
"""

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import pairwise
import math
import re
from typing import Any

from .calendar import day_start, local_date, offset_change

DAY = 86_400
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_CACHED_DAYS = 16


class TariffError(ValueError):
    """A tariff or schedule could not be read; ``code`` names the problem."""

    def __init__(self, code: str, detail: str) -> None:
        """Keep a translation-friendly code and the offending text."""
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    """One row: ``value`` from ``start`` to ``end`` on ``weekdays``."""

    start: int
    """Seconds after local midnight."""
    end: int
    """Seconds after local midnight (86 400 = 24:00); not after start: wraps."""
    value: float
    weekdays: frozenset[int] | None = None
    """0 = Monday; ``None``: every day."""


def parse_time(text: str, *, is_end: bool = False) -> int:
    """Return the seconds after midnight of ``HH:MM`` (``24:00`` as an end).

    Raises:
        TariffError: when ``text`` is not a valid time.
    """
    match = _TIME.match(text.strip())
    if match is None:
        raise TariffError("invalid_time", text)
    hours, minutes = int(match[1]), int(match[2])
    seconds = hours * 3600 + minutes * 60
    if minutes >= 60 or seconds > DAY or (seconds == DAY and not is_end):  # noqa: PLR2004
        raise TariffError("invalid_time", text)
    return seconds


def format_time(seconds: int) -> str:
    """Return ``HH:MM`` of seconds after midnight."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def parse_weekdays(text: str) -> frozenset[int]:
    """Return the weekdays of ``mon-fri``, ``sat,sun`` or ``wed``.

    Raises:
        TariffError: for an unknown day name.
    """
    days: set[int] = set()
    for part in text.lower().split(","):
        first, _, last = part.strip().partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise TariffError("invalid_weekday", text)
        start = WEEKDAYS.index(first)
        end = WEEKDAYS.index(last) if last else start
        days.update((start + offset) % 7 for offset in range((end - start) % 7 + 1))
    return frozenset(days)


def format_weekdays(days: frozenset[int]) -> str:
    """Return the shortest ``mon-fri,sun`` text of a set of weekdays."""
    parts = []
    day = 0
    while day < 7:  # noqa: PLR2004
        if day not in days:
            day += 1
            continue
        last = day
        while last + 1 < 7 and last + 1 in days:  # noqa: PLR2004
            last += 1
        parts.append(
            WEEKDAYS[day] if last == day else f"{WEEKDAYS[day]}-{WEEKDAYS[last]}"
        )
        day = last + 1
    return ",".join(parts)


def finite_number(value: Any, what: str) -> float:
    """Return ``value`` as a finite float.

    Raises:
        TariffError: when it is not a number.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TariffError("invalid_rate", f"{what}: {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise TariffError("invalid_rate", f"{what}: {value!r}") from None
    if not math.isfinite(number):
        raise TariffError("invalid_rate", f"{what}: {value!r}")
    return number


def _row(
    start_text: str, end_text: str, value: float, weekdays: frozenset[int] | None
) -> ScheduleRow:
    """Build a row, refusing an empty interval.

    Raises:
        TariffError: for invalid times or an empty interval.
    """
    start = parse_time(start_text)
    end = parse_time(end_text, is_end=True)
    if start == end:
        raise TariffError("empty_interval", f"{start_text}-{end_text}")
    return ScheduleRow(start, end, value, weekdays)


def rows_from_json(
    rows: Iterable[Mapping[str, Any]], value_key: str = "rate"
) -> tuple[ScheduleRow, ...]:
    """Read JSON rows ``{"interval_start", "interval_end", value_key, "weekdays"?}``.

    Raises:
        TariffError: for a missing field or an invalid value.
    """
    result = []
    for row in rows:
        if not isinstance(row, Mapping):
            raise TariffError("invalid_row", repr(row))
        try:
            start, end, raw = row["interval_start"], row["interval_end"], row[value_key]
        except KeyError as err:
            raise TariffError("invalid_row", f"missing {err.args[0]}") from None
        days = row.get("weekdays")
        weekdays = None
        if days is not None:
            if isinstance(days, str) or not isinstance(days, Sequence):
                raise TariffError("invalid_weekday", repr(days))
            weekdays = parse_weekdays(",".join(str(day) for day in days))
        result.append(
            _row(str(start), str(end), finite_number(raw, value_key), weekdays)
        )
    return tuple(result)


def rows_to_json(
    rows: Iterable[ScheduleRow], value_key: str = "rate"
) -> list[dict[str, Any]]:
    """Return rows in their JSON form (the inverse of :func:`rows_from_json`)."""
    result: list[dict[str, Any]] = []
    for row in rows:
        item: dict[str, Any] = {
            "interval_start": format_time(row.start),
            "interval_end": format_time(row.end),
            value_key: row.value,
        }
        if row.weekdays is not None:
            item["weekdays"] = [WEEKDAYS[day] for day in sorted(row.weekdays)]
        result.append(item)
    return result


def parse_text(text: str) -> tuple[tuple[ScheduleRow, ...], float | None]:
    """Read the one-row-per-line form; return the rows and the default.

    Lines are ``[weekdays] HH:MM-HH:MM value`` or ``default value``; blank
    lines and ``#`` comments are skipped.

    Raises:
        TariffError: naming the first line that could not be read.
    """
    rows = []
    default: float | None = None
    for raw_line in text.splitlines():
        line = raw_line.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        if words[0].lower() == "default" and len(words) == 2:  # noqa: PLR2004
            default = finite_number(words[1], line)
            continue
        if len(words) not in (2, 3):
            raise TariffError("invalid_row", line)
        weekdays = parse_weekdays(words[0]) if len(words) == 3 else None  # noqa: PLR2004
        start, dash, end = words[-2].partition("-")
        if not dash:
            raise TariffError("invalid_row", line)
        rows.append(_row(start, end, finite_number(words[-1], line), weekdays))
    return tuple(rows), default


def format_text(rows: Iterable[ScheduleRow], default: float | None) -> str:
    """Return the one-row-per-line form (the inverse of :func:`parse_text`)."""
    lines = []
    for row in rows:
        days = "" if row.weekdays is None else f"{format_weekdays(row.weekdays)} "
        times = f"{format_time(row.start)}-{format_time(row.end)}"
        lines.append(f"{days}{times} {format_number(row.value)}")
    if default is not None:
        lines.append(f"default {format_number(default)}")
    return "\n".join(lines)


def format_number(value: float) -> str:
    """Return a number as short text without losing precision (2, 0.18432)."""
    return str(int(value)) if value.is_integer() else repr(value)


def _pieces(rows: Iterable[ScheduleRow]) -> list[ScheduleRow]:
    """Split rows that run past midnight into a part per day."""
    pieces = []
    for row in rows:
        if row.end > row.start:
            pieces.append(row)
            continue
        pieces.append(ScheduleRow(row.start, DAY, row.value, row.weekdays))
        if row.end > 0:
            following = (
                None
                if row.weekdays is None
                else frozenset((day + 1) % 7 for day in row.weekdays)
            )
            pieces.append(ScheduleRow(0, row.end, row.value, following))
    return pieces


class WeekSchedule:
    """A value by local weekday and wall time; see the module docstring."""

    __slots__ = ("_days", "_pieces", "_walls", "default", "rows", "zone")

    def __init__(
        self, rows: Sequence[ScheduleRow], default: float | None, zone: tzinfo
    ) -> None:
        """Compile ``rows`` for lookups in ``zone``."""
        self.rows = tuple(rows)
        self.default = default
        self.zone = zone
        self._pieces = _pieces(rows)
        self._walls = sorted(
            {piece.start for piece in self._pieces}
            | {piece.end for piece in self._pieces}
        )
        self._days: dict[date, tuple[list[float], list[float | None]]] = {}

    def value_at_wall(self, weekday: int, seconds: float) -> float | None:
        """Return the value at a wall time (seconds after midnight) on a weekday."""
        for piece in self._pieces:
            if piece.start <= seconds < piece.end and (
                piece.weekdays is None or weekday in piece.weekdays
            ):
                return piece.value
        return self.default

    def value_at(self, t: float) -> float | None:
        """Return the value at instant ``t``."""
        local = datetime.fromtimestamp(t, self.zone)
        seconds = local.hour * 3600 + local.minute * 60 + local.second
        return self.value_at_wall(local.weekday(), seconds + local.microsecond / 1e6)

    def span(self, t: float) -> tuple[float | None, float]:
        """Return the value at ``t`` and the instant it next may change."""
        bounds, values = self._day_spans(local_date(t, self.zone))
        index = bisect_right(bounds, t) - 1
        return values[index], bounds[index + 1]

    def covers_week(self) -> bool:
        """Tell whether every moment of the week has a value."""
        if self.default is not None:
            return True
        walls = sorted({0, DAY, *self._walls})
        return all(
            self.value_at_wall(weekday, (low + high) / 2) is not None
            for weekday in range(7)
            for low, high in pairwise(walls)
        )

    def _day_spans(self, day: date) -> tuple[list[float], list[float | None]]:
        """Return a day's boundaries and the value between each pair (cached)."""
        cached = self._days.get(day)
        if cached is not None:
            return cached
        start = day_start(day, self.zone)
        end = day_start(day + timedelta(days=1), self.zone)
        candidates = {start, end}
        for wall in self._walls:
            if 0 < wall < DAY:
                moment = time(wall // 3600, wall % 3600 // 60)
                for fold in (0, 1):
                    instant = (
                        datetime.combine(day, moment, self.zone)
                        .replace(fold=fold)
                        .timestamp()
                    )
                    if start < instant < end:
                        candidates.add(instant)
        change = offset_change(start, end, self.zone)
        if change is not None:
            candidates.add(change)
        ordered = sorted(candidates)
        bounds = [ordered[0]]
        values = [self.value_at(ordered[0])]
        for instant in ordered[1:-1]:
            value = self.value_at(instant)
            if value != values[-1]:
                bounds.append(instant)
                values.append(value)
        bounds.append(end)
        if len(self._days) >= _CACHED_DAYS:
            self._days.clear()
        self._days[day] = (bounds, values)
        return bounds, values
