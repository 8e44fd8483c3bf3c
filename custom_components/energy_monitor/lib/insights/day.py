"""One local day of a stepwise signal (power, temperature) as minute means.

A sensor's state holds until the next one; :class:`DayProfile` integrates it
into time-weighted 1-minute means (opengrid's 1-minute data) and
:func:`power_figures` applies opengrid's analyses to one day of them. A day
with too little data gives no figures (never an impossible value).
"""

from dataclasses import dataclass
from datetime import datetime, time
import math

from .analyses import count_peaks, in_window, load_factor

MINUTE = 60.0
MIN_COVERAGE = 0.9
"""Share of a day's minutes that must have data for its figures."""
NIGHT = (time(1), time(6))
EVENING = (time(22), time(6))
"""opengrid's standby windows (the 22:00 one wraps within the calendar day)."""


class DayProfile:
    """Time-weighted minute means of a stepwise signal over one local day."""

    def __init__(self, start: datetime, end: datetime) -> None:
        """Cover [start, end) (aware; 23, 24 or 25 hours)."""
        self.start = start
        self._origin = start.timestamp()
        self._minutes = round((end.timestamp() - self._origin) / MINUTE)
        self._sums = [0.0] * self._minutes
        self._seconds = [0.0] * self._minutes
        self._since: float | None = None
        self._value: float | None = None

    def set(self, moment: float, value: float | None) -> None:
        """Record that the signal is ``value`` (None: unknown) from ``moment`` on."""
        self._advance(moment)
        self._since = moment
        self._value = value

    def close(self, moment: float) -> list[tuple[datetime, float | None]]:
        """Integrate up to ``moment`` (the day's end); return the minute means.

        A minute less than half covered is None.
        """
        self._advance(moment)
        return [
            (
                datetime.fromtimestamp(
                    self._origin + index * MINUTE, self.start.tzinfo
                ),
                self._sums[index] / seconds if seconds >= MINUTE / 2 else None,
            )
            for index, seconds in enumerate(self._seconds)
        ]

    def _advance(self, moment: float) -> None:
        """Add the current value from its start up to ``moment``."""
        if self._since is None or self._value is None:
            return
        begin = max(self._since - self._origin, 0.0)
        end = min(moment - self._origin, self._minutes * MINUTE)
        while begin < end:
            index = int(begin // MINUTE)
            step = min(end, (index + 1) * MINUTE) - begin
            self._sums[index] += self._value * step
            self._seconds[index] += step
            begin += step
        self._since = moment


@dataclass(frozen=True, slots=True)
class PowerFigures:
    """One day's insights from power (W)."""

    standby: float
    """Minimum minute mean in 22:00-06:00 (the day's both ends), W."""
    standby_night: float
    """Minimum minute mean in 01:00-06:00, W."""
    share_of_standby: float
    """Standby over the day's mean power, %."""
    load_factor: float
    """Mean over the largest minute mean, %."""
    peaks: int
    """Rises of more than 3 kW from one minute to the next."""
    energy: float
    """The day's consumption, kWh."""


def power_figures(
    minutes: list[tuple[datetime, float | None]],
) -> PowerFigures | None:
    """Return the day's figures, or None with less than 90 % of its minutes."""
    known = [(moment, value) for moment, value in minutes if value is not None]
    if not minutes or len(known) < MIN_COVERAGE * len(minutes):
        return None
    values = [value for _, value in known]
    mean = math.fsum(values) / len(values)
    local = [(moment.time(), value) for moment, value in known]
    night = [value for moment, value in local if in_window(moment, NIGHT)]
    evening = [value for moment, value in local if in_window(moment, EVENING)]
    if not night or not evening:
        return None
    standby = min(evening)
    return PowerFigures(
        standby=standby,
        standby_night=min(night),
        share_of_standby=100.0 * standby / mean if mean > 0 else 0.0,
        load_factor=100.0 * load_factor(values) if max(values) > 0 else 0.0,
        peaks=count_peaks(values),
        energy=mean * len(minutes) / MINUTE / 1000.0,
    )


def daily_mean(minutes: list[tuple[datetime, float | None]]) -> float | None:
    """Return the mean of the known minutes, None below 90 % coverage."""
    values = [value for _, value in minutes if value is not None]
    if not minutes or len(values) < MIN_COVERAGE * len(minutes):
        return None
    return math.fsum(values) / len(values)
