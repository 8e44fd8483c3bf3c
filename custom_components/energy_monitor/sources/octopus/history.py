"""Consumption history: long-term statistics and the latest complete day.

Octopus publishes half-hourly consumption a day or more late, so it goes into
external statistics (see :mod:`.statistics`) rather than into entity states.
On the first run the whole history is read (pages of 25,000 half hours,
oldest first); later runs read from :data:`HISTORY_REFETCH` before the last
stored hour, so late corrections are picked up, every
:data:`HISTORY_INTERVAL`. The latest complete local day of each meter point
is shown by the "yesterday" entities.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any, override

from homeassistant.components.recorder.statistics import get_last_statistics
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.recorder import get_instance
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from ...const import DOMAIN, LOGGER
from ...coordinator import EnergyMonitorConfigEntry
from ...lib.backoff import Backoff
from ...lib.octopus.client import OctopusAuthError, OctopusClient, OctopusError
from ...lib.octopus.history import (
    DayTotal,
    gas_kwh_per_m3,
    hour_of,
    hourly,
    latest_complete_day,
)
from ...lib.octopus.model import Flow, Interval, MeterPoint
from ...lib.octopus.rates import RateTimeline
from .const import (
    CONF_GAS_UNIT,
    GAS_UNIT_KWH,
    HISTORY_INTERVAL,
    HISTORY_REFETCH,
    MAX_BACKOFF,
)
from .coordinator import OctopusCoordinator, async_point_rates
from .statistics import async_write_hours, statistic_ids


@dataclass(frozen=True, slots=True)
class Imported:
    """What one import of a meter point's half hours did."""

    intervals: int
    hours_written: int
    day: DayTotal | None


def gas_in_m3(data: Mapping[str, Any]) -> bool:
    """Tell whether an entry's gas meter reports m³ (SMETS2, the default)."""
    return data.get(CONF_GAS_UNIT) != GAS_UNIT_KWH


async def async_import_intervals(
    hass: HomeAssistant,
    client: OctopusClient,
    point: MeterPoint,
    intervals: list[Interval],
    *,
    gas_m3: bool,
    zone: tzinfo,
) -> Imported:
    """Price half hours by the rates in force and write them as statistics.

    Raises:
        OctopusError: when the rates cannot be read.
    """
    if not intervals:
        return Imported(0, 0, None)
    unit, standing = await async_point_rates(
        client, point, intervals[0].start, intervals[-1].end
    )
    unit_rates, standing_charges = RateTimeline(unit), RateTimeline(standing)
    volume = point.flow is Flow.GAS and gas_m3
    factor = gas_kwh_per_m3() if volume else 1.0
    written = 0
    if "recorder" in hass.config.components:
        hours = hourly(intervals, unit_rates, standing_charges, zone, factor)
        written = await async_write_hours(
            hass,
            point,
            hours,
            name=f"Octopus {point.flow} {point.identifier}",
            volume=volume,
        )
    day = latest_complete_day(intervals, unit_rates, standing_charges, zone, factor)
    return Imported(len(intervals), written, day)


class OctopusHistory(DataUpdateCoordinator[dict[str, DayTotal]]):
    """Import every meter point's consumption; publish the latest complete days."""

    config_entry: EnergyMonitorConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: EnergyMonitorConfigEntry,
        rates: OctopusCoordinator,
    ) -> None:
        """Create the importer (nothing is requested yet)."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"Octopus {rates.account_number} history",
            update_interval=HISTORY_INTERVAL,
        )
        self.rates = rates
        self.backoff = Backoff(first=300.0, maximum=MAX_BACKOFF)
        self.last_error: str | None = None
        self.imported: dict[str, Imported] = {}

    @override
    async def _async_update_data(self) -> dict[str, DayTotal]:
        """Import what is new of every meter point.

        Raises:
            ConfigEntryAuthFailed: when the API key was revoked.
            UpdateFailed: when the API fails and nothing was imported yet.
        """
        data = self.rates.data
        days = dict(self.data or {})
        try:
            for point in data.account.meter_points:
                imported = await self._async_import(point)
                self.imported[point.key] = imported
                if imported.day is not None:
                    days[point.key] = imported.day
        except OctopusAuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN,
                translation_key="octopus_auth_failed",
                translation_placeholders={"account": self.rates.account_number},
            ) from err
        except OctopusError as err:
            delay = self.backoff.failed()
            self.last_error = str(err)
            if self.data is None:
                raise UpdateFailed(
                    translation_domain=DOMAIN,
                    translation_key="octopus_unreachable",
                    translation_placeholders={
                        "account": self.rates.account_number,
                        "error": str(err),
                    },
                    retry_after=delay,
                ) from err
            LOGGER.debug("%s: %s; retrying later", self.name, err)
            return days
        self.backoff.succeeded()
        self.last_error = None
        return days

    async def _async_import(self, point: MeterPoint) -> Imported:
        """Read and import one meter point's new half hours.

        Raises:
            OctopusError: when a request fails.
        """
        since = await self._async_last_hour(point)
        period_from = None if since is None else since - HISTORY_REFETCH
        if period_from is None and "recorder" not in self.hass.config.components:
            period_from = hour_of(dt_util.utcnow()) - HISTORY_REFETCH
        merged: dict[datetime, Interval] = {}
        client = self.rates.client
        for serial in point.serials:
            for interval in await client.consumption(
                point.fuel, point.identifier, serial, period_from
            ):
                merged[interval.start] = interval
        intervals = [merged[start] for start in sorted(merged)]
        return await async_import_intervals(
            self.hass,
            client,
            point,
            intervals,
            gas_m3=gas_in_m3(self.config_entry.data),
            zone=dt_util.get_default_time_zone(),
        )

    async def _async_last_hour(self, point: MeterPoint) -> datetime | None:
        """Return the start of the last stored hour (None: none, or no recorder)."""
        if "recorder" not in self.hass.config.components:
            return None
        statistic_id = statistic_ids(point).energy
        last = await get_instance(self.hass).async_add_executor_job(
            get_last_statistics,
            self.hass,
            1,
            statistic_id,
            True,  # noqa: FBT003
            set(),
        )
        if not last.get(statistic_id):
            return None
        return dt_util.utc_from_timestamp(last[statistic_id][0]["start"])

    def diagnostics(self) -> dict[str, Any]:
        """Return what the last imports did."""
        return {
            "last_error": self.last_error,
            "failures": self.backoff.failures,
            "imported": [
                {
                    "flow": key.rpartition("_")[2],
                    "intervals": imported.intervals,
                    "hours_written": imported.hours_written,
                    "latest_day": imported.day and imported.day.day.isoformat(),
                }
                for key, imported in self.imported.items()
            ],
        }
