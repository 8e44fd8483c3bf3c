"""The one validation point for numbers from a device.

Every value a source reads (a telegram, a register, an HTTP answer, an
entity's state) passes :class:`ReadingFilter` before anything uses it: a
number must be finite and within the physical limits of its key
(:func:`..vocabulary.plausible`). An implausible value is dropped, so the
entity keeps no fake value, and counted per key (diagnostics show it). A
value derived from a dropped one (grid power from import and export power)
is dropped with it. Lifetime counters then pass a
:class:`..counters.CounterGuard`.
"""

from collections import Counter
from collections.abc import Mapping

from .vocabulary import Key, plausible

DERIVED: dict[str, tuple[str, ...]] = {
    Key.GRID_POWER: (Key.GRID_POWER_IMPORT, Key.GRID_POWER_EXPORT),
}
"""Values a reader computes from others: dropped when any of them is."""


class ReadingFilter:
    """Drop and count implausible values; see the module docstring."""

    def __init__(self) -> None:
        """Start with nothing rejected."""
        self.rejected: Counter[str] = Counter()

    @property
    def total(self) -> int:
        """Return how many values were rejected."""
        return self.rejected.total()

    def accept(self, key: str, value: object) -> bool:
        """Tell whether ``value`` of ``key`` may be used; count it if not."""
        if plausible(key, value):
            return True
        self.rejected[key] += 1
        return False

    def filter[V](self, values: Mapping[str, V]) -> dict[str, V]:
        """Return the plausible values of a reading (the others are counted)."""
        kept = {key: value for key, value in values.items() if self.accept(key, value)}
        for key, sources in DERIVED.items():
            if key in kept and any(
                source in values and source not in kept for source in sources
            ):
                del kept[key]
                self.rejected[key] += 1
        return kept
