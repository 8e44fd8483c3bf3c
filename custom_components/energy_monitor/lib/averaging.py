"""Average instantaneous measurements over a publish window.

Meters such as DSMR 5 send a telegram every second. Publishing every one of
them floods the recorder, and dropping all but one (what Home Assistant core's
``dsmr`` integration does) loses information: a 3 kW kettle that ran for
4 seconds disappears. :class:`WindowAverage` keeps a running mean per key
instead, so the published value is the average over the window.
"""

from collections.abc import Iterable, Mapping


class WindowAverage:
    """Running mean of several measurements, emptied by :meth:`take`."""

    __slots__ = ("_counts", "_keys", "_sums")

    def __init__(self, keys: Iterable[str]) -> None:
        """Average only ``keys``; other keys passed to :meth:`add` are ignored."""
        self._keys = frozenset(keys)
        self._sums: dict[str, float] = {}
        self._counts: dict[str, int] = {}

    def add(self, values: Mapping[str, float | str]) -> None:
        """Add one sample of every averaged key present in ``values``."""
        sums = self._sums
        counts = self._counts
        for key in self._keys.intersection(values):
            value = values[key]
            if isinstance(value, str):
                continue
            sums[key] = sums.get(key, 0.0) + value
            counts[key] = counts.get(key, 0) + 1

    def take(self) -> dict[str, float]:
        """Return the mean of every key seen since the last call and reset."""
        means = {
            key: round(total / self._counts[key], 3)
            for key, total in self._sums.items()
        }
        self._sums = {}
        self._counts = {}
        return means
