"""Keep what one valid telegram left out, for as long as the meter counts as live.

Meters now and then send a telegram with a correct CRC that lacks a register,
or the ID line of an MBus device. A lifetime counter that flickers to unknown,
or a second gas meter for the reading without an ID, would be wrong:

* :class:`HeldValues` offers the last value of a key the latest telegram
  lacked, for at most ``window`` seconds after it was seen (the same window in
  which a silent meter still counts as live); older, the key is *expired*:
  unavailable, never shown as a live value;
* :class:`MbusIdentities` gives an MBus reading without an equipment ID the ID
  last seen for the same kind of device on its channel.
"""

from collections.abc import Mapping
from dataclasses import replace

from .model import MbusKind, MbusReading

MAX_HELD = 64
"""Most keys remembered; a noisy line inventing keys pushes the oldest out."""


class HeldValues[T]:
    """The last value of every key, offered for ``window`` seconds."""

    __slots__ = ("_seen", "_window")

    def __init__(self, window: float) -> None:
        """Hold values for ``window`` seconds after they were last seen."""
        self._window = window
        self._seen: dict[str, tuple[T, float]] = {}

    def fill(
        self, present: Mapping[str, T], now: float
    ) -> tuple[dict[str, T], frozenset[str]]:
        """Record the values ``present`` now; return what the others fill in.

        Returns:
            The held values of keys missing from ``present`` that were seen
            within the window, and the keys whose last value is older.
        """
        seen = self._seen
        for key, value in present.items():
            seen[key] = (value, now)
        while len(seen) > MAX_HELD:
            del seen[min(seen, key=lambda key: seen[key][1])]
        held: dict[str, T] = {}
        expired: set[str] = set()
        for key, (value, at) in seen.items():
            if key in present:
                continue
            if now - at <= self._window:
                held[key] = value
            else:
                expired.add(key)
        return held, frozenset(expired)


class MbusIdentities:
    """Remember the equipment ID of every MBus device by channel and kind."""

    __slots__ = ("_ids",)

    def __init__(self) -> None:
        """Start knowing no device."""
        self._ids: dict[tuple[int, MbusKind], str] = {}

    def identify(self, reading: MbusReading) -> MbusReading:
        """Return the reading with the ID its device was last seen with."""
        slot = (reading.channel, reading.kind)
        if reading.equipment_id is not None:
            self._ids[slot] = reading.equipment_id
            return reading
        known = self._ids.get(slot)
        return reading if known is None else replace(reading, equipment_id=known)
