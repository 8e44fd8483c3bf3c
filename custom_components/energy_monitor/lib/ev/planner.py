"""Pick the cheapest hours to charge before a ready-by time.

Prices come as slots (start, end, price per kWh), typically read from the
attributes of a price entity (Energy Monitor's own ``price_import``, Nord Pool,
ENTSO-e, Octopus). The planner takes the cheapest slots before the deadline
until the charging time needed is covered, then shapes the plan so the relay
can follow it exactly: a cut slot keeps the part next to the rest of the
plan, short gaps are charged through and every run lasts the minimum on time.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

_START_KEYS = ("start", "startsAt", "start_time", "time", "valid_from", "from")
_END_KEYS = ("end", "endsAt", "end_time", "valid_to", "valid_until", "to")
_PRICE_KEYS = ("price", "value", "rate", "value_inc_vat", "total")
_DEFAULT_SLOT = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class PriceSlot:
    """A price that holds from ``start`` to ``end``."""

    start: datetime
    end: datetime
    price: float

    def as_dict(self) -> dict[str, Any]:
        """Return the slot as plain data (for an action's response)."""
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "price": self.price,
        }


def plan_cheapest(
    prices: Sequence[PriceSlot],
    now: datetime,
    deadline: datetime,
    needed: timedelta,
    *,
    min_on: timedelta = timedelta(0),
    min_off: timedelta = timedelta(0),
) -> list[PriceSlot]:
    """Return the cheapest slots between now and the deadline covering ``needed``.

    Ties go to the earlier slot. If the slots cannot cover ``needed``, all of
    them are returned (charge whenever possible). The plan is one the relay
    can follow: the part of a slot that is cut lies next to the rest of the
    plan, gaps shorter than ``min_off`` are charged through (and as much is
    left out at the dearest end of a run), and every run lasts at least
    ``min_on``.
    """
    candidates = [
        PriceSlot(max(slot.start, now), min(slot.end, deadline), slot.price)
        for slot in prices
        if min(slot.end, deadline) > max(slot.start, now)
    ]
    chosen = _cheapest(candidates, needed)
    chosen, filled = _fill_short_gaps(chosen, candidates, min_off)
    chosen = _trim(chosen, filled, min_on)
    return _lengthen_short_runs(chosen, candidates, min_on)


def _cheapest(candidates: list[PriceSlot], needed: timedelta) -> list[PriceSlot]:
    """Take the cheapest slots until ``needed`` is covered; cut the last one."""
    chosen: list[PriceSlot] = []
    remaining = needed
    for slot in sorted(candidates, key=lambda slot: (slot.price, slot.start)):
        if remaining <= timedelta(0):
            break
        if slot.end - slot.start > remaining:
            chosen.append(_cut(slot, remaining, chosen))
            break
        chosen.append(slot)
        remaining -= slot.end - slot.start
    return sorted(chosen, key=lambda slot: slot.start)


def _cut(slot: PriceSlot, length: timedelta, chosen: list[PriceSlot]) -> PriceSlot:
    """Return ``length`` of ``slot``: its part nearest to the chosen slots."""
    after = [other.start - slot.end for other in chosen if other.start >= slot.end]
    before = [slot.start - other.end for other in chosen if other.end <= slot.start]
    if after and (not before or min(after) < min(before)):
        return PriceSlot(slot.end - length, slot.end, slot.price)
    return PriceSlot(slot.start, slot.start + length, slot.price)


def _runs(slots: list[PriceSlot]) -> list[list[PriceSlot]]:
    """Group sorted slots into runs of touching slots."""
    runs: list[list[PriceSlot]] = []
    for slot in slots:
        if runs and runs[-1][-1].end == slot.start:
            runs[-1].append(slot)
        else:
            runs.append([slot])
    return runs


def _fill_short_gaps(
    chosen: list[PriceSlot], candidates: list[PriceSlot], min_off: timedelta
) -> tuple[list[PriceSlot], timedelta]:
    """Charge through gaps shorter than ``min_off``; return how long was added."""
    filled = timedelta(0)
    result = list(chosen)
    for before, after in pairwise(_runs(chosen)):
        gap_start, gap_end = before[-1].end, after[0].start
        if gap_end - gap_start >= min_off:
            continue
        parts = [
            PriceSlot(max(slot.start, gap_start), min(slot.end, gap_end), slot.price)
            for slot in candidates
            if min(slot.end, gap_end) > max(slot.start, gap_start)
        ]
        if sum((part.end - part.start for part in parts), timedelta(0)) == (
            gap_end - gap_start
        ):
            result.extend(parts)
            filled += gap_end - gap_start
    return sorted(result, key=lambda slot: slot.start), filled


def _trim(
    chosen: list[PriceSlot], excess: timedelta, min_on: timedelta
) -> list[PriceSlot]:
    """Leave ``excess`` out at the dearest ends of runs longer than ``min_on``."""
    runs = _runs(chosen)
    while excess > timedelta(0):
        ends = [
            (run[-1].price, index, True)
            for index, run in enumerate(runs)
            if _length(run) > min_on
        ] + [
            (run[0].price, index, False)
            for index, run in enumerate(runs)
            if _length(run) > min_on
        ]
        if not ends:
            break
        _, index, at_end = max(ends, key=lambda end: (end[0], end[2]))
        run = runs[index]
        edge = run[-1] if at_end else run[0]
        cut = min(excess, edge.end - edge.start, _length(run) - min_on)
        if at_end:
            run[-1] = PriceSlot(edge.start, edge.end - cut, edge.price)
        else:
            run[0] = PriceSlot(edge.start + cut, edge.end, edge.price)
        runs[index] = [slot for slot in run if slot.end > slot.start]
        excess -= cut
    return [slot for run in runs for slot in run]


def _lengthen_short_runs(
    chosen: list[PriceSlot], candidates: list[PriceSlot], min_on: timedelta
) -> list[PriceSlot]:
    """Lengthen runs shorter than ``min_on`` into the following (or earlier) slots."""
    result = list(chosen)
    for run in _runs(chosen):
        missing = min_on - _length(run)
        for forward in (True, False):
            edge = run[-1].end if forward else run[0].start
            for slot in sorted(
                candidates, key=lambda slot: slot.start, reverse=not forward
            ):
                if missing <= timedelta(0):
                    break
                if forward and slot.start <= edge < slot.end:
                    end = min(slot.end, edge + missing)
                    result.append(PriceSlot(edge, end, slot.price))
                    missing -= end - edge
                    edge = end
                elif not forward and slot.start < edge <= slot.end:
                    start = max(slot.start, edge - missing)
                    result.append(PriceSlot(start, edge, slot.price))
                    missing -= edge - start
                    edge = start
    return sorted(result, key=lambda slot: slot.start)


def _length(run: list[PriceSlot]) -> timedelta:
    """Return how long a run of touching slots lasts."""
    return run[-1].end - run[0].start


def slot_at(slots: Iterable[PriceSlot], moment: datetime) -> PriceSlot | None:
    """Return the slot that contains ``moment``, if any."""
    return next((s for s in slots if s.start <= moment < s.end), None)


def _first(item: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    """Return the value of the first of ``keys`` present in ``item``."""
    return next((item[key] for key in keys if key in item), None)


def _moment(value: Any) -> datetime | None:
    """Read a timestamp given as a datetime or ISO 8601 text."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def parse_price_forecast(attributes: Mapping[str, Any]) -> list[PriceSlot]:
    """Find a price forecast in a price entity's attributes.

    Any attribute holding a list of mappings with a start time and a price
    counts (``forecast``, Nord Pool's ``raw_today``/``raw_tomorrow``, ENTSO-e's
    ``prices``, ...). A slot without an end lasts until the next slot starts
    (or an hour). Slots without a timezone are skipped.
    """
    slots: list[PriceSlot] = []
    for value in attributes.values():
        if not isinstance(value, list):
            continue
        points: list[tuple[datetime, datetime | None, float]] = []
        for item in value:
            if not isinstance(item, Mapping):
                continue
            start = _moment(_first(item, _START_KEYS))
            end = _moment(_first(item, _END_KEYS))
            price = _first(item, _PRICE_KEYS)
            if (
                start is None
                or start.tzinfo is None
                or (end is not None and end.tzinfo is None)
                or not isinstance(price, int | float)
            ):
                continue
            points.append((start, end, float(price)))
        points.sort(key=lambda point: point[0])
        for index, (start, given_end, price) in enumerate(points):
            end = given_end or (
                points[index + 1][0]
                if index + 1 < len(points)
                else start + _DEFAULT_SLOT
            )
            slots.append(PriceSlot(start, end, price))
    unique = {slot.start: slot for slot in slots}
    return sorted(unique.values(), key=lambda slot: slot.start)
