"""Energy per calendar period (today, this year) next to a lifetime counter.

A device may report its own "energy today" and "energy this year", or only a
lifetime counter (Fronius Gen24 answers ``null`` for the periods). Either
way Home Assistant wants a resetting total: the energy since ``last_reset``.

:class:`PeriodTotals` gives that value for every counter it is fed:

* **Derived**: the lifetime counter minus its value at the start of the
  period. The start is local midnight (or the local new year), taken from
  the moment's own time zone, so days of 23 or 25 hours need nothing
  special. The last reading before the boundary is the baseline; readings
  that arrive after a restart or an outage continue from the stored one.
* **Reported**: the device's own period counter is used as it is, but only
  once it has been seen to restart after a boundary. Many inverters keep
  yesterday's "energy today" until they wake up the next morning; counting
  it again for the new day would double it in the Energy dashboard. A
  reported value that exceeds the derived one by more than
  ``reset_tolerance`` right after a boundary is such a leftover, and the
  derived value is shown until the device catches up. Once shown, a
  reported value is kept for the rest of the period when the device stops
  reporting (a sleeping inverter).

When tracking starts in the middle of a period without a reported value,
the derived value counts from that moment, and ``since`` says so (it is
what Home Assistant gets as ``last_reset``). ``since`` never changes within
a period: Home Assistant would count the whole value again at each change.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

DECIMALS = 6
"""Derived totals are rounded to this many decimals (no float noise)."""


class Period(StrEnum):
    """Calendar periods whose energy is reported."""

    DAY = "day"
    YEAR = "year"

    def start(self, moment: datetime) -> datetime:
        """Return the local start of the period that contains ``moment``."""
        midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0, fold=0)
        if self is Period.DAY:
            return midnight
        return midnight.replace(month=1, day=1)


@dataclass(frozen=True, slots=True)
class PeriodValue:
    """The energy of the current period and since when it counts."""

    value: float
    since: datetime


@dataclass(slots=True)
class _Track:
    """What is known about one counter in the current period."""

    start: datetime
    since: datetime
    baseline: float | None
    last: float | None
    trusted: bool
    reported: float | None = None
    """The reported value shown in this period (``None``: derived ones)."""


class PeriodTotals:
    """Turn lifetime (and reported period) counters into period totals."""

    def __init__(self, period: Period, reset_tolerance: float = 0.1) -> None:
        """Track ``period`` totals.

        Args:
            period: today or this year.
            reset_tolerance: how much (in the counters' unit) a reported
                period value may exceed the derived one right after a
                boundary and still count as restarted.
        """
        self.period = period
        self._tolerance = reset_tolerance
        self._tracks: dict[str, _Track] = {}

    def update(
        self,
        key: str,
        moment: datetime,
        lifetime: float | None,
        reported: float | None = None,
    ) -> PeriodValue | None:
        """Return the period total of ``key`` after a reading at ``moment``.

        Args:
            key: the counter's name.
            moment: when the reading was taken, aware, in local time.
            lifetime: the lifetime counter (``None`` when not reported).
            reported: the device's own period counter, if it has one.

        Returns:
            The total, or ``None`` while nothing usable is known.
        """
        start = self.period.start(moment)
        track = self._tracks.get(key)
        if track is None:
            since = moment if reported is None else start
            track = _Track(start, since, lifetime, lifetime, trusted=True)
            self._tracks[key] = track
        elif start > track.start:
            track.start = start
            track.since = start
            track.baseline = track.last
            track.trusted = False
            track.reported = None
        if lifetime is not None:
            if track.baseline is None:
                track.baseline = lifetime
                track.since = track.since if track.reported is not None else moment
            track.last = lifetime
        derived = self._derived(track)
        if reported is not None:
            track.trusted = track.trusted or (
                derived is None or reported <= derived + self._tolerance
            )
            # Switching from derived to reported keeps ``since`` only when the
            # derived value counted from the period's start.
            if track.trusted and (
                track.reported is not None
                or track.since == track.start
                or derived is None
            ):
                track.reported = reported
        if track.reported is not None:
            return PeriodValue(track.reported, track.start)
        if derived is None:
            return None
        return PeriodValue(derived, track.since)

    @staticmethod
    def _derived(track: _Track) -> float | None:
        """Return the counter's increase since the period started."""
        if track.baseline is None or track.last is None:
            return None
        return round(max(track.last - track.baseline, 0.0), DECIMALS)

    def snapshot(self) -> dict[str, dict[str, Any]]:
        """Return what is needed to continue after a restart (JSON-ready)."""
        return {
            key: {
                **asdict(track),
                "start": track.start.isoformat(),
                "since": track.since.isoformat(),
            }
            for key, track in self._tracks.items()
        }

    def restore(self, snapshot: Mapping[str, Mapping[str, Any]]) -> None:
        """Continue from a :meth:`snapshot` (unreadable entries are skipped)."""
        for key, stored in snapshot.items():
            try:
                track = _Track(
                    start=datetime.fromisoformat(stored["start"]),
                    since=datetime.fromisoformat(stored["since"]),
                    baseline=_optional_float(stored["baseline"]),
                    last=_optional_float(stored["last"]),
                    trusted=bool(stored["trusted"]),
                    reported=_optional_float(stored.get("reported")),
                )
            except KeyError, TypeError, ValueError:
                continue
            self._tracks.setdefault(key, track)


def _optional_float(value: object) -> float | None:
    """Return a stored number (``None`` stays ``None``).

    Raises:
        TypeError: when the value is neither a number nor ``None``.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(value)
    return float(value)
