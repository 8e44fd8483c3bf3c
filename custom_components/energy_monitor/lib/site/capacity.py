"""Quarter-hour demand, monthly peaks and the Belgian capacity tariff.

Flemish grid operators charge the *capacity tariff* per kW per year on the
average of the monthly peaks of the last 12 months. A monthly peak is the
highest quarter-hour demand (energy imported in a fixed quarter hour times 4)
of the month, and counts as at least 2.5 kW: the minimum applies to each
month's peak before the average (VREG, Fluvius), not only to the average.

:class:`CapacityTracker` receives the imported energy already split on
quarter-hour boundaries, finishes each quarter when its end has passed, and
keeps the peak of every month (with the quarter it happened in). Energy that
arrives late for a finished quarter still updates that quarter, so a batched
meter update cannot hide a peak. A meter that reports its own running
quarter average (OBIS 1-0:1.4.0) and month peak (1-0:1.6.0, with the
13-month history 0-0:98.1.0) can feed those in too.
"""

from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Any

from .calendar import (
    HOUR,
    QUARTER,
    local_date,
    local_isoformat,
    month_key,
    month_keys_back,
    quarter_start,
)

KEPT_QUARTERS = 192
"""Quarters whose energy is kept for late updates (two days)."""
KEPT_MONTHS = 14
QUARTERS_PER_HOUR = HOUR / QUARTER


@dataclass(frozen=True, slots=True)
class MonthPeak:
    """The highest quarter-hour demand of a month."""

    kw: float
    at: float | None
    """Start of the quarter hour (``None`` when a meter gave no time)."""


@dataclass(frozen=True, slots=True)
class QuarterStatus:
    """How the current quarter hour is going."""

    start: float
    energy: float
    """kWh imported so far."""
    known_until: float
    """The instant up to which ``energy`` is known."""
    meter_kw: float | None = None
    """The meter's own running average, when it reports one."""

    @property
    def end(self) -> float:
        """Return the end of the quarter."""
        return self.start + QUARTER

    @property
    def remaining(self) -> float:
        """Return the seconds left after ``known_until`` (at least one)."""
        return max(self.end - self.known_until, 1.0)

    @property
    def average_kw(self) -> float:
        """Return the running average demand of the quarter so far."""
        if self.meter_kw is not None:
            return self.meter_kw
        return self.energy * HOUR / max(self.known_until - self.start, 1.0)

    def projected_kw(self, power_kw: float) -> float:
        """Return the quarter's demand if ``power_kw`` continues to its end."""
        return (self.energy + power_kw * self.remaining / HOUR) * QUARTERS_PER_HOUR

    def headroom_kw(self, threshold_kw: float, power_kw: float) -> float:
        """Return how much more power fits before the quarter exceeds a threshold.

        Positive: kW that can be added for the rest of the quarter; negative:
        kW to shed to stay at the threshold.
        """
        allowed = threshold_kw / QUARTERS_PER_HOUR - self.energy
        return allowed * HOUR / self.remaining - power_kw


class CapacityTracker:
    """Quarter demand and monthly peaks; see the module docstring."""

    __slots__ = (
        "_finished_until",
        "_meter",
        "_quarters",
        "_zone",
        "import_known_until",
        "now",
        "peaks",
    )

    def __init__(self, zone: tzinfo) -> None:
        """Start without history, in local time ``zone``."""
        self._zone = zone
        self._quarters: dict[float, float] = {}
        self._finished_until = 0.0
        self._meter: tuple[float, float] | None = None
        self.peaks: dict[str, MonthPeak] = {}
        self.now = 0.0
        self.import_known_until = 0.0

    def book(self, energy: float, t: float) -> None:
        """Add imported kWh that flowed at ``t`` (already split per quarter)."""
        start = quarter_start(t)
        if start < self.now - KEPT_QUARTERS * QUARTER:
            return
        total = self._quarters.get(start, 0.0) + energy
        self._quarters[start] = total
        if start + QUARTER <= self._finished_until:
            self._finish(start, total)

    def imported_until(self, t: float) -> None:
        """Record that imported energy is known up to ``t``."""
        self.import_known_until = max(self.import_known_until, t)

    def advance(self, now: float) -> None:
        """Finish every quarter that ended by ``now``."""
        if now <= self.now:
            return
        self.now = now
        finished = quarter_start(now)
        if finished <= self._finished_until:
            return
        for start, energy in self._quarters.items():
            if self._finished_until <= start + QUARTER <= finished:
                self._finish(start, energy)
        self._finished_until = finished
        oldest = finished - KEPT_QUARTERS * QUARTER
        self._quarters = {
            start: energy for start, energy in self._quarters.items() if start >= oldest
        }

    def _finish(self, start: float, energy: float) -> None:
        """Let a finished quarter raise its month's peak."""
        self._raise_peak(energy * QUARTERS_PER_HOUR, start, start)

    def _raise_peak(self, kw: float, at: float | None, when: float) -> None:
        """Make ``kw`` (quarter start ``at``) the peak of ``when``'s month if higher."""
        key = month_key(local_date(when, self._zone))
        peak = self.peaks.get(key)
        if peak is None or kw > peak.kw:
            self.peaks[key] = MonthPeak(kw, at)

    def meter_demand(self, kw: float, t: float) -> None:
        """Use the meter's running quarter average (1-0:1.4.0) read at ``t``."""
        self._meter = (kw, t)

    def meter_month_peak(self, kw: float, at: float | None, t: float) -> None:
        """Use the meter's month peak (1-0:1.6.0) read at ``t``."""
        self._raise_peak(kw, at, t if at is None else at)

    def seed_history(self, history: list[tuple[date, float, float | None]]) -> None:
        """Add monthly peaks (month, kW, time) a meter remembers (0-0:98.1.0)."""
        for month, kw, at in history:
            key = month_key(month)
            if key not in self.peaks:
                self.peaks[key] = MonthPeak(kw, at)

    def status(self, now: float) -> QuarterStatus:
        """Return the current quarter: energy so far, from the meter if it says."""
        start = quarter_start(now)
        if self._meter is not None and self._meter[1] >= start:
            kw, read = self._meter
            return QuarterStatus(start, kw * (read - start) / HOUR, read, kw)
        known = max(min(self.import_known_until, now), start)
        return QuarterStatus(start, self._quarters.get(start, 0.0), known)

    def month_peak(self, now: float) -> MonthPeak | None:
        """Return the peak of the month containing ``now`` (finished quarters)."""
        return self.peaks.get(month_key(local_date(now, self._zone)))

    def billed_kw(self, t: float, minimum: float) -> float:
        """Return the kW the capacity tariff charges at ``t``.

        The average of the peaks of ``t``'s month and the 11 before (months
        without data are left out), each counted as at least ``minimum``;
        ``minimum`` without any peak.
        """
        peaks = [
            max(peak.kw, minimum)
            for key in month_keys_back(local_date(t, self._zone), 12)
            if (peak := self.peaks.get(key)) is not None
        ]
        return sum(peaks) / len(peaks) if peaks else minimum

    def history(self, now: float) -> list[dict[str, Any]]:
        """Return the peaks of the last 12 months, newest first."""
        result = []
        for key in month_keys_back(local_date(now, self._zone), 12):
            peak = self.peaks.get(key)
            if peak is not None:
                result.append(
                    {
                        "month": key,
                        "demand_kw": round(peak.kw, 3),
                        "peak_time": local_isoformat(peak.at, self._zone),
                    }
                )
        return result

    def dump(self) -> dict[str, Any]:
        """Return the state for storage."""
        return {
            "quarters": [[start, energy] for start, energy in self._quarters.items()],
            "finished_until": self._finished_until,
            "peaks": {key: [peak.kw, peak.at] for key, peak in self.peaks.items()},
            "now": self.now,
            "import_known_until": self.import_known_until,
        }

    def load(self, data: dict[str, Any]) -> None:
        """Restore the state stored by :meth:`dump`."""
        self._quarters = {float(start): float(kwh) for start, kwh in data["quarters"]}
        self._finished_until = float(data["finished_until"])
        self.peaks = {
            key: MonthPeak(float(kw), None if at is None else float(at))
            for key, (kw, at) in data["peaks"].items()
        }
        self.now = float(data["now"])
        self.import_known_until = float(data["import_known_until"])

    def prune_months(self, now: float) -> None:
        """Forget peaks older than the months the tariff looks back on."""
        keep = set(month_keys_back(local_date(now, self._zone), KEPT_MONTHS))
        self.peaks = {key: peak for key, peak in self.peaks.items() if key in keep}
