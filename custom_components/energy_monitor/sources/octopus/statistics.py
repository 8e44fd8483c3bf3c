"""Half-hourly consumption into Home Assistant's long-term statistics.

Each meter point gets two external statistics (the Energy dashboard picks
them): ``energy_monitor:octopus_<mpan or mprn>_<import|export|gas>`` with the
hourly energy (kWh; a SMETS2 gas meter's m³) and ``..._cost`` with its cost in
the account's currency (the export one is the money earned). Writing is
idempotent: the hours given are compared with the stored ones and only from
the first changed hour on is anything written; sums continue from the stored
hour before it (so they survive restarts), and stored hours after the batch
are shifted by the change, so sums stay continuous.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_add_external_statistics,
    statistics_during_period,
)
from homeassistant.const import UnitOfEnergy, UnitOfVolume
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import EnergyConverter, VolumeConverter

from ...const import DOMAIN
from ...lib.octopus.history import HourTotal, StatisticRow, running_sums
from ...lib.octopus.model import MeterPoint
from .const import CURRENCY

LOOKBACK = timedelta(days=2)
"""How far before a batch stored hours are read to find the sum to continue."""
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
"""Before any smart meter: where a search for the last stored sum starts."""


@dataclass(frozen=True, slots=True)
class StatisticIds:
    """The energy and cost statistics of a meter point."""

    energy: str
    cost: str


def statistic_ids(point: MeterPoint) -> StatisticIds:
    """Return the statistic IDs of a meter point."""
    energy = f"{DOMAIN}:octopus_{point.key.lower()}"
    return StatisticIds(energy, f"{energy}_cost")


def _metadata(
    statistic_id: str, name: str, unit: str, unit_class: str | None
) -> StatisticMetaData:
    """Return the metadata of a summed external statistic."""
    return StatisticMetaData(
        mean_type=StatisticMeanType.NONE,
        has_sum=True,
        name=name,
        source=DOMAIN,
        statistic_id=statistic_id,
        unit_class=unit_class,
        unit_of_measurement=unit,
    )


SUM_TOLERANCE = 1e-9
"""A change of a sum smaller than this is none (float rounding)."""

type Stored = dict[datetime, tuple[float, float]]
"""Stored hours: start -> (state, sum)."""


async def _async_stored(
    hass: HomeAssistant, ids: set[str], start: datetime, end: datetime | None = None
) -> dict[str, Stored]:
    """Return the stored hours of ``ids`` from ``start`` (until ``end``)."""
    types: set[Literal["state", "sum"]] = {"state", "sum"}
    found = await get_instance(hass).async_add_executor_job(
        statistics_during_period, hass, start, end, ids, "hour", None, types
    )
    return {
        statistic_id: {
            dt_util.utc_from_timestamp(row["start"]): (
                row.get("state") or 0.0,
                row.get("sum") or 0.0,
            )
            for row in rows
        }
        for statistic_id, rows in found.items()
    }


async def async_write_hours(
    hass: HomeAssistant,
    point: MeterPoint,
    hours: Sequence[HourTotal],
    *,
    name: str,
    volume: bool = False,
) -> int:
    """Write the hours that are new or changed; return how many rows were written.

    Rows: the changed hours on, and later stored hours whose sums moved.

    ``volume``: the energy is in m³ (a SMETS2 gas meter).
    """
    if not hours:
        return 0
    ids = statistic_ids(point)
    start = hours[0].start
    stored = await _async_stored(hass, {ids.energy, ids.cost}, start - LOOKBACK)
    energy = stored.get(ids.energy, {})
    cost = stored.get(ids.cost, {})
    if not any(moment < start for moment in energy):
        # A gap before the batch: find the last sum before it, however old.
        earlier = await _async_stored(hass, {ids.energy, ids.cost}, EPOCH, start)
        for stored_hours, older in (
            (energy, earlier.get(ids.energy, {})),
            (cost, earlier.get(ids.cost, {})),
        ):
            if older:
                last = max(older)
                stored_hours[last] = older[last]
    first = _first_changed(hours, energy, cost)
    if first is None:
        return 0
    batch = hours[first:]
    energy_rows = _rows(energy, [(h.start, h.energy) for h in batch])
    cost_rows = _rows(cost, [(h.start, h.cost) for h in batch])
    unit, unit_class = (
        (UnitOfVolume.CUBIC_METERS, VolumeConverter.UNIT_CLASS)
        if volume
        else (UnitOfEnergy.KILO_WATT_HOUR, EnergyConverter.UNIT_CLASS)
    )
    async_add_external_statistics(
        hass, _metadata(ids.energy, name, unit, unit_class), _data(energy_rows)
    )
    async_add_external_statistics(
        hass, _metadata(ids.cost, f"{name} cost", CURRENCY, None), _data(cost_rows)
    )
    return len(energy_rows)


def _first_changed(
    hours: Sequence[HourTotal],
    energy: Stored,
    cost: Stored,
    tolerance: float = SUM_TOLERANCE,
) -> int | None:
    """Return the index of the first hour not stored as it is now (None: all are)."""
    for index, hour in enumerate(hours):
        stored_energy = energy.get(hour.start)
        stored_cost = cost.get(hour.start)
        if (
            stored_energy is None
            or stored_cost is None
            or abs(stored_energy[0] - hour.energy) > tolerance
            or abs(stored_cost[0] - hour.cost) > tolerance
        ):
            return index
    return None


def _rows(
    stored: Stored, values: Sequence[tuple[datetime, float]]
) -> list[StatisticRow]:
    """Return the batch's rows, and the stored hours after it shifted to match.

    The sum continues from the stored hour before the batch.
    """
    start, end = values[0][0], values[-1][0]
    before = [moment for moment in stored if moment < start]
    base = stored[max(before)][1] if before else 0.0
    rows = running_sums(values, base)
    written = {row.start for row in rows}
    upto = [moment for moment in stored if moment <= end]
    old_sum = stored[max(upto)][1] if upto else base
    shift = rows[-1].sum - old_sum
    if abs(shift) < SUM_TOLERANCE:
        return rows
    rows.extend(
        StatisticRow(moment, stored[moment][0], stored[moment][1] + shift)
        for moment in sorted(stored)
        if moment > end and moment not in written
    )
    return rows


def _data(rows: Sequence[StatisticRow]) -> list[StatisticData]:
    """Return rows as the recorder's statistic data."""
    return [
        StatisticData(start=row.start, state=row.state, sum=row.sum) for row in rows
    ]
