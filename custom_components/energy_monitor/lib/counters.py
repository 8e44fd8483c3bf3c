"""Guard for lifetime energy counters.

A lifetime counter (kWh, m³) only ever grows. Meters, gateways and parsers
sometimes glitch: a 0 after a reboot, a torn Modbus read, a bit flip on a line
without a checksum. Publishing such a value breaks the Energy dashboard: Home
Assistant treats a decrease of a ``total_increasing`` sensor as a meter reset
and counts the whole counter again.

:class:`CounterGuard` decides, per counter, which reading may be published:

* the first reading (or the seeded value restored after a restart) is the
  baseline;
* a reading below the baseline (0 included) is a glitch and is not published;
  only a drop that persists for ``reset_after`` seconds with readings that keep
  growing from there is accepted, as a genuine meter replacement;
* a jump larger than ``max_rate_per_hour`` allows (per hour elapsed, with one
  hour as the least) is held back until the next reading confirms it.
"""

from collections.abc import MutableMapping, Set as AbstractSet
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class _CounterTrack:
    """What the guard knows about one counter."""

    value: float
    at: float
    jump: float | None = None
    jump_at: float = 0.0
    drop: float | None = None
    drop_since: float = 0.0


class CounterGuard:
    """Filter glitches out of lifetime counters; see the module docstring."""

    def __init__(
        self,
        max_rate_per_hour: float | None = None,
        reset_after: float = 900.0,
    ) -> None:
        """Create a guard.

        Args:
            max_rate_per_hour: largest plausible increase per hour (in the
                counter's unit); ``None`` disables the jump check.
            reset_after: seconds a lower reading must persist before it is
                accepted as a genuine counter reset.
        """
        self._max_rate = max_rate_per_hour
        self._reset_after = reset_after
        self._tracks: dict[str, _CounterTrack] = {}
        self.glitches = 0

    def seed(self, key: str, value: float, at: float) -> None:
        """Use a value published before (e.g. restored after a restart)."""
        if key not in self._tracks:
            self._tracks[key] = _CounterTrack(value, at)

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

    def check(self, key: str, value: float, at: float) -> float | None:
        """Return the value to publish for ``key`` given a new reading.

        Args:
            key: the counter's name.
            value: the reading.
            at: when it was read, in seconds on any monotonic clock.

        Returns:
            ``value`` when it is plausible, else the last accepted value
            (``None`` while no plausible value is known yet).
        """
        track = self._tracks.get(key)
        if track is None:
            if value < 0:
                self.glitches += 1
                return None
            self._tracks[key] = _CounterTrack(value, at)
            return value
        if value < track.value:
            return self._handle_drop(track, value, at)
        track.drop = None
        if self._is_jump(track.value, value, at - track.at):
            return self._handle_jump(track, value, at)
        track.jump = None
        track.value = value
        track.at = at
        return value

    def _is_jump(self, previous: float, value: float, elapsed: float) -> bool:
        """Tell whether an increase is larger than the plausible rate allows."""
        if self._max_rate is None:
            return False
        hours = max(elapsed / 3600.0, 1.0)
        return value - previous > self._max_rate * hours

    def _handle_jump(self, track: _CounterTrack, value: float, at: float) -> float:
        """Hold an implausible jump back until a second reading confirms it."""
        pending = track.jump
        if (
            pending is not None
            and value >= pending
            and not self._is_jump(pending, value, at - track.jump_at)
        ):
            track.value = value
            track.at = at
            track.jump = None
            return value
        self.glitches += 1
        track.jump = value
        track.jump_at = at
        return track.value

    def _handle_drop(self, track: _CounterTrack, value: float, at: float) -> float:
        """Ignore a drop unless it persists as a genuine counter reset."""
        if value >= 0 and track.drop is not None and value >= track.drop:
            track.drop = value
            if at - track.drop_since >= self._reset_after:
                track.value = value
                track.at = at
                track.drop = None
                track.jump = None
                return value
        elif value >= 0:
            track.drop = value
            track.drop_since = at
        self.glitches += 1
        return track.value
