"""The recorder side of a history import: what a statistic has, and writing.

Runs the recorder's blocking queries in its own executor and waits for the
written rows to be committed.
"""

import asyncio
from datetime import UTC, datetime
from typing import Literal

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_add_external_statistics,
    async_import_statistics,
    get_metadata,
    statistics_during_period,
)
from homeassistant.components.recorder.tasks import SynchronizeTask
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from homeassistant.util.unit_conversion import EnergyConverter, VolumeConverter

from ..const import DOMAIN
from ..lib.history.plan import Plan, Recorded

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
UNIT_CLASSES = {"kWh": EnergyConverter.UNIT_CLASS, "m³": VolumeConverter.UNIT_CLASS}
CONVERTERS = {
    EnergyConverter.UNIT_CLASS: EnergyConverter,
    VolumeConverter.UNIT_CLASS: VolumeConverter,
}


def external_id(name: str) -> str:
    """Return the ID of the external statistic ``name``."""
    return f"{DOMAIN}:{name}"


async def async_metadata(
    hass: HomeAssistant, statistic_id: str
) -> StatisticMetaData | None:
    """Return the statistic's metadata, if it has any."""
    found = await get_instance(hass).async_add_executor_job(
        lambda: get_metadata(hass, statistic_ids={statistic_id})
    )
    return found[statistic_id][1] if statistic_id in found else None


async def async_recorded(hass: HomeAssistant, statistic_id: str) -> Recorded | None:
    """Return the hours the statistic has (hourly and 5-minute rows)."""
    return await get_instance(hass).async_add_executor_job(
        _recorded, hass, statistic_id
    )


def _recorded(hass: HomeAssistant, statistic_id: str) -> Recorded | None:
    """Query the statistic's rows (blocking)."""
    starts: list[float] = []
    last_sum = 0.0
    periods: tuple[Literal["hour", "5minute"], ...] = ("hour", "5minute")
    for period in periods:
        rows = statistics_during_period(
            hass, EPOCH, None, {statistic_id}, period, None, {"sum"}
        ).get(statistic_id, [])
        if rows:
            starts += [rows[0]["start"], rows[-1]["start"]]
            if period == "hour":
                last_sum = rows[-1].get("sum") or 0.0
    if not starts:
        return None
    return Recorded(_hour(min(starts)), _hour(max(starts)), last_sum)


def _hour(timestamp: float) -> datetime:
    """Return the start of the UTC hour of an epoch timestamp."""
    return datetime.fromtimestamp(timestamp - timestamp % 3600, UTC)


def new_metadata(name: str, unit: str, title: str | None = None) -> StatisticMetaData:
    """Return the metadata of a new external statistic in ``unit``.

    ``title`` is the name shown (``name``, the statistic ID's part, if none).
    """
    return StatisticMetaData(
        mean_type=StatisticMeanType.NONE,
        has_sum=True,
        name=title or name,
        source=DOMAIN,
        statistic_id=external_id(name),
        unit_class=UNIT_CLASSES[unit],
        unit_of_measurement=unit,
    )


def convertible(unit: str, metadata: StatisticMetaData) -> bool:
    """Tell whether amounts in ``unit`` fit the statistic."""
    return metadata["unit_class"] == UNIT_CLASSES[unit]


async def async_write(
    hass: HomeAssistant, metadata: StatisticMetaData, plan: Plan, unit: str
) -> None:
    """Write the plan's rows, move the recorded sums, wait for the commit."""
    target = metadata["unit_of_measurement"]
    converter = CONVERTERS[UNIT_CLASSES[unit]]

    def convert(value: float) -> float:
        return converter.convert(value, unit, target)

    rows = [
        StatisticData(start=row.start, sum=convert(row.sum), state=convert(row.sum))
        for row in plan.rows
    ]
    statistic_id = metadata["statistic_id"]
    instance = get_instance(hass)
    if plan.adjust_from is not None:
        # First, so the rows written after the recorded ones are not moved.
        instance.async_adjust_statistics(
            statistic_id, plan.adjust_from, plan.adjustment, unit
        )
    if metadata["source"] == DOMAIN:
        async_add_external_statistics(hass, metadata, rows)
    else:
        async_import_statistics(hass, metadata, rows)
    # The recorder may already be running the import (its queue empty), so
    # async_block_till_done could return at once: wait for a task behind it.
    committed: asyncio.Future[None] = hass.loop.create_future()
    instance.queue_task(SynchronizeTask(committed))
    await committed
