"""The price of every direction at any instant, and when it next changes.

:class:`Pricer` answers "what did a kWh imported at instant t cost, and until
when does that price hold?" from the versioned tariffs, the local schedules
and the entity-fed timelines. Knowing where the price changes is what lets
the engine split a counter delta over the price periods it spans instead of
pricing it at the moment it arrived. The latest answer per question is
cached, so the usual update (a few seconds after the previous one, same
price) costs a comparison.
"""

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from datetime import tzinfo
import math

from .calendar import day_start
from .schedule import WeekSchedule
from .tariff import Direction, Price, PriceMode, TariffVersion
from .timeline import StepTimeline

type Span = tuple[float | None, float]
"""A price (``None``: unknown) and the instant it may change."""
type Slot = tuple[float, float, float]
"""A price that holds from one instant to another: (start, end, price)."""

FORECAST_SLOTS = 200
"""Most slots a forecast holds (a 48-hour quarter-hour schedule fits)."""
FORECAST_REFRESH = 300.0
"""Seconds a forecast is kept after a timeline changed (it is a planning aid)."""


class Pricer:
    """Prices from versioned tariffs; see the module docstring."""

    __slots__ = (
        "_cache",
        "_forecast_stale",
        "_forecasts",
        "_inferred",
        "_register_entity",
        "_schedules",
        "_starts",
        "_timelines",
        "versions",
    )

    def __init__(
        self,
        versions: Sequence[TariffVersion],
        zone: tzinfo,
        timelines: Mapping[str, StepTimeline],
        *,
        register_entity: StepTimeline | None,
        inferred_register: StepTimeline,
    ) -> None:
        """Price with ``versions``.

        Args:
            versions: the tariff versions, oldest first.
            zone: the local time zone of schedules and version start days.
            timelines: entity-fed values by entity ID (dynamic prices).
            register_entity: the meter's active register, when configured.
            inferred_register: the register whose counter moved last.
        """
        self.versions = tuple(versions)
        self._starts = [
            day_start(version.valid_from, zone)
            for version in self.versions[1:]
            if version.valid_from is not None
        ]
        self._timelines = timelines
        self._register_entity = register_entity
        self._inferred = inferred_register
        self._schedules: dict[int, WeekSchedule] = {}
        for version in self.versions:
            for direction in Direction:
                price = version.price(direction)
                if price.rows and id(price) not in self._schedules:
                    self._schedules[id(price)] = price.schedule(zone)
        self._cache: dict[
            tuple[Direction, int | None], tuple[float, float, float | None]
        ]
        self._cache = {}
        self._forecasts: dict[Direction, tuple[float, float, tuple[Slot, ...]]] = {}
        self._forecast_stale = False

    def entity_ids(self) -> set[str]:
        """Return the entities any version reads its price from."""
        return {
            price.entity_id
            for version in self.versions
            for direction in Direction
            if (price := version.price(direction)).entity_id is not None
        }

    def invalidate(self) -> None:
        """Forget cached answers (a timeline changed)."""
        self._cache.clear()
        self._forecast_stale = True

    def forecast(
        self, direction: Direction, t: float, horizon: float
    ) -> tuple[Slot, ...]:
        """Return the known prices from ``t`` for ``horizon`` seconds.

        The slots run until the horizon or the first unknown price (a dynamic
        price is known only until its entity's next change). The answer is
        cached until its first slot ends; after a timeline changed it is
        renewed at most every :data:`FORECAST_REFRESH` seconds, so asking on
        every update is cheap.
        """
        cached = self._forecasts.get(direction)
        if (
            cached is not None
            and cached[0] <= t < cached[1]
            and (not self._forecast_stale or t - cached[0] < FORECAST_REFRESH)
        ):
            return cached[2]
        if self._forecast_stale:
            self._forecasts.clear()
            self._forecast_stale = False
        slots: list[Slot] = []
        start = t
        limit = t + horizon
        while start < limit and len(slots) < FORECAST_SLOTS:
            price, end = self.span(direction, start)
            if price is None:
                break
            end = min(end, limit)
            slots.append((start, end, price))
            start = end
        forecast = tuple(slots)
        self._forecasts[direction] = (t, slots[0][1] if slots else t, forecast)
        return forecast

    def version_at(self, t: float) -> tuple[TariffVersion, float]:
        """Return the version in effect at ``t`` and the instant it ends."""
        index = bisect_right(self._starts, t)
        until = self._starts[index] if index < len(self._starts) else math.inf
        return self.versions[index], until

    def span(self, direction: Direction, t: float, register: int | None = None) -> Span:
        """Return the price at ``t`` and the instant it may next change.

        Args:
            direction: import, export or gas.
            t: the instant.
            register: the meter register the energy was counted in, when the
                counter is per register; ``None`` to use the active register.
        """
        key = (direction, register)
        cached = self._cache.get(key)
        if cached is not None and cached[0] <= t < cached[1]:
            return cached[2], cached[1]
        version, until = self.version_at(t)
        value, end = self._price_span(version.price(direction), t, register)
        end = min(end, until)
        self._cache[key] = (t, end, value)
        return value, end

    def known(self, direction: Direction, t: float, register: int | None) -> bool:
        """Tell whether the price at ``t`` can be known yet.

        A price read from an entity (a dynamic price, the active register)
        is not known before that entity's first value.
        """
        price = self.version_at(t)[0].price(direction)
        if price.mode is PriceMode.ENTITY:
            timeline = self._timelines.get(price.entity_id or "")
            return timeline is not None and len(timeline) > 0
        if price.mode is PriceMode.REGISTERS and register is None and not price.rows:
            return len(self._register_source()) > 0
        return True

    def available(self, direction: Direction, t: float) -> bool:
        """Tell whether the entities the price at ``t`` depends on are available."""
        price = self.version_at(t)[0].price(direction)
        if price.mode is PriceMode.ENTITY:
            timeline = self._timelines.get(price.entity_id or "")
            return timeline is not None and timeline.available
        if price.mode is PriceMode.REGISTERS and not price.rows:
            source = self._register_entity
            return source is None or source.available
        return True

    def _price_span(self, price: Price, t: float, register: int | None) -> Span:
        """Return the price of one version's component at ``t``."""
        mode = price.mode
        if mode is PriceMode.FIXED:
            return price.rate, math.inf
        if mode is PriceMode.SCHEDULE:
            return self._schedules[id(price)].span(t)
        if mode is PriceMode.REGISTERS:
            return self._register_price(price, t, register)
        timeline = self._timelines.get(price.entity_id or "")
        if timeline is None:
            return None, math.inf
        value, end = timeline.span(t)
        if value is None:
            return None, end
        return (value + price.markup) * price.multiplier, end

    def _register_price(self, price: Price, t: float, register: int | None) -> Span:
        """Return the rate of ``register``, or of the register active at ``t``."""
        if register is not None:
            return price.register_rates.get(register), math.inf
        active, end = self._register_span(price, t)
        if active is None:
            return None, end
        return price.register_rates.get(int(active)), end

    def _register_span(self, price: Price, t: float) -> Span:
        """Return the active register at ``t`` and when it may change."""
        if price.rows:
            return self._schedules[id(price)].span(t)
        return self._register_source().span(t)

    def _register_source(self) -> StepTimeline:
        """Return where the active register comes from without a schedule.

        The meter's active-tariff entity when configured (even before its
        first value), else the register whose counter moved last.
        """
        if self._register_entity is not None:
            return self._register_entity
        return self._inferred
