"""Step functions of time fed by entities: dynamic prices, the active register.

An entity reports a value from some instant on; :class:`StepTimeline` keeps
the recent changes so a counter delta that arrives late is still priced with
the value that was in effect while the energy flowed. The first value known
also applies before it (energy that flowed before a price entity first
reported), the last one until the next change; an unavailable entity keeps
its last value for pricing and only marks itself unavailable.
"""

from bisect import bisect_right
import math
from typing import Any


class StepTimeline:
    """A value that changes at known instants; see the module docstring."""

    __slots__ = ("_times", "_values", "available")

    def __init__(self) -> None:
        """Start without any value."""
        self._times: list[float] = []
        self._values: list[float] = []
        self.available = False

    def __len__(self) -> int:
        """Return how many changes are kept."""
        return len(self._times)

    @property
    def last(self) -> float | None:
        """Return the latest value."""
        return self._values[-1] if self._values else None

    def set(self, t: float, value: float) -> bool:
        """Record ``value`` from ``t`` on; return whether the function changed."""
        self.available = True
        times, values = self._times, self._values
        index = bisect_right(times, t)
        if index and values[index - 1] == value:
            return False
        if index and times[index - 1] == t:
            values[index - 1] = value
        else:
            times.insert(index, t)
            values.insert(index, value)
        return True

    def span(self, t: float) -> tuple[float | None, float]:
        """Return the value at ``t`` and the instant it next changes."""
        times = self._times
        if not times:
            return None, math.inf
        index = bisect_right(times, t) - 1
        if index < 0:
            return self._values[0], times[0]
        following = times[index + 1] if index + 1 < len(times) else math.inf
        return self._values[index], following

    def prune(self, before: float) -> None:
        """Forget changes no longer needed for instants from ``before`` on."""
        index = bisect_right(self._times, before) - 1
        if index > 0:
            del self._times[:index]
            del self._values[:index]

    def dump(self) -> list[list[float]]:
        """Return the changes for storage."""
        return [[t, value] for t, value in zip(self._times, self._values, strict=True)]

    def load(self, data: Any) -> None:
        """Restore changes stored by :meth:`dump` (invalid entries are skipped)."""
        for item in data if isinstance(data, list) else []:
            if (
                isinstance(item, list)
                and len(item) == 2  # noqa: PLR2004
                and all(isinstance(part, int | float) for part in item)
            ):
                self.set(float(item[0]), float(item[1]))
        self.available = False
