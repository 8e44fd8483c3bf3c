"""Guard for lifetime energy counters.

A lifetime counter (kWh, m³) only ever grows. Meters, gateways and parsers
sometimes glitch: a 0 after a reboot, a torn Modbus read, a bit flip on a line
without a checksum, a register full of ``0x7F7FFFFF``. Publishing such a value
breaks the Energy dashboard: Home Assistant treats a decrease of a
``total_increasing`` sensor as a meter reset and counts the whole counter
again.

:class:`CounterGuard` decides, per counter, which reading may be published:

* ``None``, NaN and infinity are *no reading*: never stored, never compared;
* the first reading (or the seeded value restored after a restart) is the
  baseline; a reading that grows from it at a plausible rate (at most the
  counter's maximum rate per hour elapsed, one hour as the least) is
  published and becomes the baseline;
* any other reading (a 0, a value below the baseline, an implausible jump) is
  a glitch and is not published. Glitches that form a *series* of their own
  (each reading at least the previous one, growing at a plausible rate) may
  replace the baseline, once the series has grown from its first value:
  at once for a series above the baseline (a jump that the meter confirms by
  counting on from it), after ``reset_after`` seconds for a series below it
  (a genuine meter replacement). Repeating a value never confirms anything,
  so repeated garbage stays garbage, and a counter that reads 0 for a while
  and then returns to its old value continues its history.
"""

from collections.abc import Mapping, MutableMapping, Set as AbstractSet
from dataclasses import dataclass
import math
from typing import Any, TypeIs


@dataclass(slots=True)
class _Series:
    """Readings that disagree with the baseline but agree with each other."""

    first: float
    since: float
    last: float
    last_at: float


@dataclass(slots=True)
class _CounterTrack:
    """What the guard knows about one counter."""

    value: float
    at: float
    series: _Series | None = None


def is_counter_value(value: object) -> TypeIs[float]:
    """Tell whether ``value`` can be a counter reading: a finite number >= 0."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )


def _plausible(
    max_rate: float | None, previous: float, value: float, elapsed: float
) -> bool:
    """Tell whether growing from ``previous`` to ``value`` is plausible.

    The allowed growth is ``max_rate`` per hour elapsed, one hour as the least.
    """
    if max_rate is None:
        return True
    return value - previous <= max_rate * max(elapsed / 3600.0, 1.0)


class CounterGuard:
    """Filter glitches out of lifetime counters; see the module docstring."""

    def __init__(
        self,
        max_rate_per_hour: float | None = None,
        reset_after: float = 900.0,
        *,
        rates: Mapping[str, float] | None = None,
    ) -> None:
        """Create a guard.

        Args:
            max_rate_per_hour: largest plausible increase per hour (in the
                counter's unit) of a counter without a rate of its own;
                ``None``: no rate check.
            reset_after: seconds a lower series must grow before it is
                accepted as a genuine counter reset.
            rates: the largest increase per hour by counter kind (see
                :meth:`check`), e.g. ``vocabulary.MAX_RATES``.
        """
        self._max_rate = max_rate_per_hour
        self._rates: Mapping[str, float] = rates or {}
        self._reset_after = reset_after
        self._tracks: dict[str, _CounterTrack] = {}
        self.glitches = 0

    def seed(self, key: str, value: object, at: float) -> bool:
        """Use a value published before (e.g. restored after a restart).

        Returns:
            Whether the value was usable: a finite number, not negative (a
            counter already known keeps its value).
        """
        if not is_counter_value(value):
            return False
        if key not in self._tracks:
            self._tracks[key] = _CounterTrack(float(value), at)
        return True

    def snapshot(self) -> dict[str, float]:
        """Return the last accepted value of every counter."""
        return {key: track.value for key, track in self._tracks.items()}

    def last(self, key: str) -> float | None:
        """Return the last accepted value of ``key`` (``None`` if none yet)."""
        track = self._tracks.get(key)
        return None if track is None else track.value

    def check_values(
        self, values: MutableMapping[str, Any], keys: AbstractSet[str], at: float
    ) -> bool:
        """Check, in place, the readings of ``keys`` that ``values`` holds.

        Each numeric reading becomes the value to publish (see :meth:`check`);
        a counter with no plausible value yet is removed from ``values``.

        Returns:
            Whether any counter is left to publish.
        """
        published = False
        for key in keys & values.keys():
            value = values[key]
            if not isinstance(value, float):
                continue
            checked = self.check(key, value, at)
            if checked is None:
                del values[key]
            else:
                values[key] = checked
                published = True
        return published

    def check(
        self, key: str, value: float | None, at: float, *, kind: str | None = None
    ) -> float | None:
        """Return the value to publish for ``key`` given a new reading.

        Args:
            key: the counter's name.
            value: the reading (``None``, NaN or infinity: no reading).
            at: when it was read, in seconds on any monotonic clock.
            kind: the counter's kind for its maximum rate (default ``key``).

        Returns:
            ``value`` when it is plausible, else the last accepted value
            (``None`` while no plausible value is known yet).
        """
        track = self._tracks.get(key)
        if value is None or not math.isfinite(value):
            return None if track is None else track.value
        if track is None:
            if value < 0:
                self.glitches += 1
                return None
            self._tracks[key] = _CounterTrack(value, at)
            return value
        max_rate = self._rates.get(kind or key, self._max_rate)
        if value >= track.value and _plausible(
            max_rate, track.value, value, at - track.at
        ):
            return self._accept(track, value, at)
        if value >= 0 and self._confirms(track, max_rate, value, at):
            return self._accept(track, value, at)
        self.glitches += 1
        return track.value

    @staticmethod
    def _accept(track: _CounterTrack, value: float, at: float) -> float:
        """Make ``value`` the baseline and publish it."""
        track.value = value
        track.at = at
        track.series = None
        return value

    def _confirms(
        self, track: _CounterTrack, max_rate: float | None, value: float, at: float
    ) -> bool:
        """Add a disagreeing reading to its series; tell whether it now holds.

        A reading that does not continue the current series starts a new one.
        """
        series = track.series
        if (
            series is None
            or value < series.last
            or not _plausible(max_rate, series.last, value, at - series.last_at)
        ):
            track.series = _Series(value, at, value, at)
            return False
        series.last = value
        series.last_at = at
        if value <= series.first:
            return False
        return series.first > track.value or at - series.since >= self._reset_after
