"""Helpers of the history-import tests: read statistics back, references."""

from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from homeassistant.components.recorder.statistics import statistics_during_period
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

type ImportHistory = Callable[..., Awaitable[dict[str, Any]]]
"""The import_history action: keyword arguments in, response out."""


async def hourly(
    hass: HomeAssistant, statistic_id: str
) -> list[tuple[datetime, float, float]]:
    """Return (hour start UTC, change, sum) of every hourly row of a statistic."""
    rows = await get_instance(hass).async_add_executor_job(
        lambda: statistics_during_period(
            hass, EPOCH, None, {statistic_id}, "hour", None, {"sum", "change"}
        )
    )
    return [
        (datetime.fromtimestamp(row["start"], UTC), row["change"], row["sum"])
        for row in rows.get(statistic_id, [])
    ]


def by_hour(samples: list[tuple[datetime, float]]) -> dict[datetime, float]:
    """Return the amounts of (UTC time, amount) pieces per UTC hour."""
    hours: dict[datetime, float] = defaultdict(float)
    for moment, amount in samples:
        hours[moment.astimezone(UTC).replace(minute=0, second=0)] += amount
    return dict(hours)


def minutes(start: datetime, count: int) -> list[datetime]:
    """Return ``count`` times a minute apart from ``start``."""
    return [start + timedelta(minutes=index) for index in range(count)]
