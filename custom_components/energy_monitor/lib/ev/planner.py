"""Pick the cheapest hours to charge before a ready-by time.

Prices come as slots (start, end, price per kWh), typically read from the
attributes of a price entity (Energy Monitor's own ``price_import``, Nord Pool,
ENTSO-e, Octopus). The planner takes the cheapest slots before the deadline
until the charging time needed is covered; a slot is cut to what is needed,
keeping its earliest part.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
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
) -> list[PriceSlot]:
    """Return the cheapest slots between now and the deadline covering ``needed``.

    Ties go to the earlier slot. If the slots cannot cover ``needed``, all of
    them are returned (charge whenever possible).
    """
    candidates = [
        PriceSlot(max(slot.start, now), min(slot.end, deadline), slot.price)
        for slot in prices
        if min(slot.end, deadline) > max(slot.start, now)
    ]
    candidates.sort(key=lambda slot: (slot.price, slot.start))
    chosen: list[PriceSlot] = []
    remaining = needed
    for slot in candidates:
        if remaining <= timedelta(0):
            break
        length = slot.end - slot.start
        if length > remaining:
            slot = PriceSlot(slot.start, slot.start + remaining, slot.price)  # noqa: PLW2901
            length = remaining
        chosen.append(slot)
        remaining -= length
    return sorted(chosen, key=lambda slot: slot.start)


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
