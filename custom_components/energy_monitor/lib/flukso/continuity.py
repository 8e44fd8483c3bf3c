"""Keep a Flukso counter continuous across a counter reset or wrap.

An FLM's counter restarts from 0 when its sensor is reconfigured or the
meter is reflashed, and a counter kept in a fixed-size register wraps. The
published lifetime counter must carry on instead: a reading below the last
one is held back; when the next reading continues from it (at least as
large, still below the old series), the meter really restarted, and
everything counted before is kept as an offset added to the new series. A
lone low reading followed by a return to the old series was a glitch and is
dropped. The offsets are stored with the counters (:meth:`snapshot`).
"""

from dataclasses import dataclass
from typing import Any, TypeIs


@dataclass(slots=True)
class _Track:
    """One counter: the offset of its current series and its last readings."""

    offset: float = 0.0
    last: float | None = None
    pending: float | None = None


class CounterContinuity:
    """Add offsets to counters that restarted; see the module docstring."""

    def __init__(self) -> None:
        """Start with no counter known."""
        self._tracks: dict[str, _Track] = {}
        self.resets = 0
        self.glitches = 0

    def value(self, key: str, raw: float) -> float | None:
        """Return the continuous value of a reading (``None``: held back)."""
        track = self._tracks.setdefault(key, _Track())
        if track.last is None or raw >= track.last:
            if track.pending is not None:
                self.glitches += 1
            track.last = raw
            track.pending = None
            return track.offset + raw
        if track.pending is not None and track.pending <= raw:
            # The low series goes on: a restart. Keep what was counted.
            self.resets += 1
            track.offset += track.last
            track.last = raw
            track.pending = None
            return track.offset + raw
        if track.pending is not None:
            self.glitches += 1
        track.pending = raw
        return None

    def snapshot(self) -> dict[str, dict[str, float]]:
        """Return what to store: each counter's offset and last reading."""
        return {
            key: {"offset": track.offset, "last": track.last}
            for key, track in self._tracks.items()
            if track.last is not None
        }

    def restore(self, stored: Any) -> None:
        """Continue from a :meth:`snapshot` (unreadable parts are ignored)."""
        if not isinstance(stored, dict):
            return
        for key, values in stored.items():
            if not isinstance(values, dict):
                continue
            offset, last = values.get("offset"), values.get("last")
            if _number(offset) and _number(last):
                self._tracks[key] = _Track(float(offset), float(last))


def _number(value: object) -> TypeIs[float]:
    """Tell whether ``value`` is a number (not a boolean)."""
    return isinstance(value, int | float) and not isinstance(value, bool)
