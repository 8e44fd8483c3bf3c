"""Fit imported hours to a statistic's recorded history, never doubling one.

The sum before a statistic's first row is 0 (Home Assistant's Energy
dashboard takes the first row's change as its sum). Hours before the recorded
history are written with sums from 0, and the recorded rows' sums then grow by
the imported amount (``adjustment``), so they continue seamlessly. Hours after
the recorded history (only for external statistics) continue from its last
sum. Hours inside it are trimmed, or the import is refused; so importing the
same file again changes nothing.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
import math

from .model import HistoryError


class Overlap(StrEnum):
    """What to do with imported hours the statistic already has."""

    TRIM = "trim"
    REFUSE = "refuse"


@dataclass(frozen=True, slots=True)
class Recorded:
    """A statistic's recorded history: its first and last hour, its last sum."""

    first: datetime
    last: datetime
    last_sum: float


@dataclass(frozen=True, slots=True)
class Row:
    """One hour to write: its amount and the sum at its end."""

    start: datetime
    amount: float
    sum: float


@dataclass(frozen=True, slots=True)
class Plan:
    """What an import writes, and how the recorded sums move."""

    rows: list[Row]
    trimmed: int
    """Imported hours left out because the statistic has them."""
    adjustment: float
    """Added to the sums of the recorded rows from ``adjust_from`` on."""
    adjust_from: datetime | None

    @property
    def total(self) -> float:
        """The amount written."""
        return math.fsum(row.amount for row in self.rows)


class OverlapError(HistoryError):
    """The import overlaps recorded history and the user chose to refuse."""

    def __init__(self, hours: int, first: datetime, last: datetime) -> None:
        """Describe the overlapping hours."""
        super().__init__(f"{hours} hours overlap recorded history ({first} to {last})")
        self.hours = hours
        self.first = first
        self.last = last


def plan_import(
    hours: list[tuple[datetime, float]],
    recorded: Recorded | None,
    overlap: Overlap,
    *,
    append: bool,
) -> Plan:
    """Return the rows to write for ``hours`` (UTC hour starts, in order).

    ``append`` allows hours after the recorded history (external statistics;
    an entity's own recorder writes those).

    Raises:
        OverlapError: when hours overlap and ``overlap`` is refuse.
    """
    if recorded is None:
        return Plan(_cumulate(hours, 0.0), 0, 0.0, None)
    before, inside, after = [], [], []
    for hour in hours:
        if hour[0] < recorded.first:
            before.append(hour)
        elif append and hour[0] > recorded.last:
            after.append(hour)
        else:
            inside.append(hour)
    if inside and overlap is Overlap.REFUSE:
        raise OverlapError(len(inside), inside[0][0], inside[-1][0])
    rows = _cumulate(before, 0.0)
    adjustment = rows[-1].sum if rows else 0.0
    rows += _cumulate(after, recorded.last_sum + adjustment)
    return Plan(rows, len(inside), adjustment, recorded.first if adjustment else None)


def _cumulate(hours: list[tuple[datetime, float]], base: float) -> list[Row]:
    """Return rows with running sums from ``base``."""
    rows = []
    running = base
    for start, amount in hours:
        running += amount
        rows.append(Row(start, amount, running))
    return rows
