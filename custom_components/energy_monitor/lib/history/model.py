"""The values a history import passes around: records, kinds, units, errors."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class HistoryError(Exception):
    """A file that cannot be imported at all (no valid row, unknown column)."""


class ValueKind(StrEnum):
    """What the numbers of a file mean."""

    POWER = "power"
    """Power samples, integrated over time (each holds until the next)."""
    COUNTER = "counter"
    """Readings of a lifetime counter; energy is the difference."""
    ENERGY = "energy"
    """Energy (or volume) per interval starting at the row's timestamp."""


class Direction(StrEnum):
    """Which sign of a power or energy value is imported."""

    IMPORT = "import"
    """Positive values (consumption, grid import); negative ones count as 0."""
    EXPORT = "export"
    """Negative values, as positive amounts (grid export)."""


UNIT_FACTORS: dict[str, tuple[str, float]] = {
    "W": ("kWh", 0.001),
    "kW": ("kWh", 1.0),
    "Wh": ("kWh", 0.001),
    "kWh": ("kWh", 1.0),
    "m³": ("m³", 1.0),
    "l": ("m³", 0.001),
}
"""Per file unit: the statistic's unit and the factor to it (power: to kW)."""

POWER_UNITS = frozenset({"W", "kW"})


def check_unit(kind: ValueKind, unit: str) -> tuple[str, float]:
    """Return the statistic unit and factor of ``unit`` for ``kind``.

    Raises:
        HistoryError: for a unit that does not fit the kind.
    """
    if unit not in UNIT_FACTORS or (kind is ValueKind.POWER) != (unit in POWER_UNITS):
        raise HistoryError(f"unit {unit} does not fit {kind} values")
    return UNIT_FACTORS[unit]


@dataclass(frozen=True, slots=True)
class Record:
    """One valid row: a value at ``start`` (UTC); ``end`` if the file says."""

    line: int
    start: datetime
    value: float
    end: datetime | None = None


@dataclass(slots=True)
class BadRows:
    """Rows that were skipped: how many, and the first line numbers of each."""

    count: int = 0
    examples: list[str] = field(default_factory=list)
    empty: int = 0
    """Rows without a value (``nan``, blank): gaps, not errors."""

    def add(self, line: int, reason: str) -> None:
        """Count a bad row; keep the first few for the report."""
        self.count += 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(f"line {line}: {reason}")


MAX_EXAMPLES = 10
