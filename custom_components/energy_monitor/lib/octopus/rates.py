"""Rate windows of a meter point: the price at a moment, the next change.

A :class:`RateTimeline` holds the windows of every agreement (each clipped to
its agreement), so an agreement change mid-month switches tariffs at the
right moment. Windows never overlap: a window ends where the next begins.
"""

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from .model import Rate

FORECAST_HORIZON = timedelta(hours=48)
"""How far an open-ended rate (a fixed tariff) is shown in a forecast."""
PRICE_DIGITS = 6
"""Decimals of a price in pounds (the API's pence have up to 4)."""


@dataclass(frozen=True, slots=True)
class Window:
    """A price from ``start`` until ``end`` (None: until further notice)."""

    start: datetime
    end: datetime | None
    price: float

    def contains(self, moment: datetime) -> bool:
        """Tell whether the price holds at ``moment``."""
        return self.start <= moment and (self.end is None or moment < self.end)


class RateTimeline:
    """Non-overlapping price windows, oldest first."""

    __slots__ = ("_starts", "windows")

    def __init__(self, rates: Iterable[Rate]) -> None:
        """Order the rates; a window ends where the next one starts."""
        ordered = sorted(rates, key=lambda rate: rate.start)
        windows: list[Window] = []
        for index, rate in enumerate(ordered):
            end = rate.end
            if index + 1 < len(ordered):
                following = ordered[index + 1].start
                end = following if end is None else min(end, following)
            if end is None or end > rate.start:
                windows.append(Window(rate.start, end, rate.price))
        self.windows: tuple[Window, ...] = tuple(windows)
        self._starts = [window.start for window in windows]

    def __bool__(self) -> bool:
        """Tell whether any window is known."""
        return bool(self.windows)

    def index_at(self, moment: datetime) -> int | None:
        """Return the index of the window holding at ``moment``, if any."""
        index = bisect_right(self._starts, moment) - 1
        if index >= 0 and self.windows[index].contains(moment):
            return index
        return None

    def at(self, moment: datetime) -> Window | None:
        """Return the window holding at ``moment``, if any."""
        index = self.index_at(moment)
        return None if index is None else self.windows[index]

    def following(self, moment: datetime) -> Window | None:
        """Return the window after the one holding at ``moment`` (gapless)."""
        index = self.index_at(moment)
        if index is None or index + 1 >= len(self.windows):
            return None
        window, after = self.windows[index], self.windows[index + 1]
        return after if after.start == window.end else None

    def preceding(self, moment: datetime) -> Window | None:
        """Return the window before the one holding at ``moment`` (gapless)."""
        index = self.index_at(moment)
        if index is None or index == 0:
            return None
        window, before = self.windows[index], self.windows[index - 1]
        return before if before.end == window.start else None

    def next_change(self, moment: datetime) -> datetime | None:
        """Return the first moment after ``moment`` at which the price changes."""
        index = bisect_right(self._starts, moment)
        candidates = []
        if index > 0 and (end := self.windows[index - 1].end) is not None:
            candidates.append(end)
        if index < len(self.windows):
            candidates.append(self.windows[index].start)
        later = [c for c in candidates if c > moment]
        return min(later) if later else None

    def known_until(self) -> datetime | None:
        """Return the end of the last known window (None: open-ended or none)."""
        return self.windows[-1].end if self.windows else None

    def forecast(self, moment: datetime, zone: tzinfo) -> list[dict[str, Any]]:
        """Return the windows from ``moment`` on as a ``forecast`` attribute.

        The format the site's and the EV planner's price entities use:
        ``{"start", "end", "price"}`` with local ISO 8601 times; an
        open-ended window is shown for :data:`FORECAST_HORIZON`.
        """
        index = self.index_at(moment)
        if index is None:
            index = bisect_right(self._starts, moment)
        return [
            {
                "start": window.start.astimezone(zone).isoformat(),
                "end": (
                    window.end
                    or max(window.start, moment).replace(microsecond=0)
                    + FORECAST_HORIZON
                )
                .astimezone(zone)
                .isoformat(),
                "price": round(window.price, PRICE_DIGITS),
            }
            for window in self.windows[index:]
        ]
