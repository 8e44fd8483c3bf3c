"""History from flukso.net into long-term statistics, in the background.

Each sensor with a token gets an external statistic,
``energy_monitor:flukso_<sensor id>`` (kWh; gas and water m³), which the
Energy dashboard can pick. The first run reads :data:`HISTORY_BACKFILL` of
hours; every run after that, each :data:`HISTORY_INTERVAL`, reads the hours
since the last one stored. Hours are fitted to what the statistic has with
the history import's plan (:func:`~...lib.history.plan.plan_import`: sums
continue from the stored ones, stored hours are never written twice), so a
second run imports nothing new. Hours without data stay gaps.

It never holds up setup, and the live entities do not depend on it: while
the cloud does not answer, it logs once and retries with a growing delay
(:class:`~...lib.backoff.Backoff`). A refused token is logged once per
sensor; that sensor is left out until the entry is reconfigured.
"""

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from ...const import DOMAIN, LOGGER
from ...coordinator import EnergyMonitorConfigEntry
from ...history.statistics import (
    async_metadata,
    async_recorded,
    async_write,
    external_id,
    new_metadata,
)
from ...lib.backoff import Backoff
from ...lib.flukso.backfill import hourly, queries
from ...lib.flukso.cloud import FluksoCloud, FluksoCloudAuthError, FluksoCloudError
from ...lib.flukso.keys import sensor_keys
from ...lib.flukso.model import FluksoSensor, ReadingKind
from ...lib.history.hourly import HOUR
from ...lib.history.model import BadRows, Record
from ...lib.history.plan import Overlap, plan_import
from .const import (
    HISTORY_BACKFILL,
    HISTORY_INTERVAL,
    HISTORY_MAX_BACKOFF,
    HISTORY_RETRY,
    UPLOAD_LAG,
)


@dataclass(frozen=True, slots=True)
class SensorImport:
    """What the last run did for one sensor."""

    hours_written: int
    bad_rows: int
    empty_rows: int
    last_hour: datetime | None


def statistic_name(sensor: FluksoSensor) -> str:
    """Return the name in the ID of a sensor's history statistic."""
    return f"flukso_{sensor.sensor_id}"


def counted(sensor: FluksoSensor) -> bool:
    """Tell whether a sensor counts energy or volume (it has history to import)."""
    return ReadingKind.COUNTER in sensor_keys(sensor)


class FluksoHistory:
    """Import the history of every sensor with a token; see the module docstring."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: EnergyMonitorConfigEntry,
        cloud: FluksoCloud,
        sensors: Callable[[], Mapping[str, FluksoSensor]],
        tokens: Mapping[str, str],
    ) -> None:
        """Import the sensors ``sensors()`` names that have one of ``tokens``."""
        self._hass = hass
        self._entry = entry
        self._cloud = cloud
        self._sensors = sensors
        self._tokens = dict(tokens)
        self._refused: set[str] = set()
        self._unschedule: CALLBACK_TYPE | None = None
        self.running: asyncio.Task[None] | None = None
        """The latest run's task."""
        self.backoff = Backoff(first=HISTORY_RETRY, maximum=HISTORY_MAX_BACKOFF)
        self.last_error: str | None = None
        self.imported: dict[str, SensorImport] = {}

    @callback
    def async_start(self) -> None:
        """Run an import in the background; it schedules the next one."""
        self.running = self._entry.async_create_background_task(
            self._hass,
            self._async_run(),
            f"{DOMAIN} Flukso history {self._entry.entry_id}",
        )

    @callback
    def async_stop(self) -> None:
        """Cancel the next run (a running one ends with the entry)."""
        if self._unschedule is not None:
            self._unschedule()
            self._unschedule = None

    async def _async_run(self) -> None:
        """Import, then schedule the next run (sooner after a failure)."""
        self._unschedule = None
        delay = HISTORY_INTERVAL.total_seconds()
        try:
            await self.async_backfill()
        except Exception as err:  # noqa: BLE001 - nothing may end the schedule
            delay = self.backoff.failed()
            self.last_error = str(err) or type(err).__name__
            first = self.backoff.failures == 1
            if isinstance(err, FluksoCloudError):
                (LOGGER.warning if first else LOGGER.debug)(
                    "Flukso history: flukso.net did not answer (%s); the live "
                    "values are not affected, retrying in %.0f s",
                    err,
                    delay,
                )
            else:
                (LOGGER.exception if first else LOGGER.debug)(
                    "Flukso history: the import failed unexpectedly; the live "
                    "values are not affected, retrying in %.0f s",
                    delay,
                )
        else:
            if self.backoff.failures:
                LOGGER.info("Flukso history: flukso.net answers again")
            self.backoff.succeeded()
            self.last_error = None
        self._unschedule = async_call_later(self._hass, delay, self._scheduled)

    @callback
    def _scheduled(self, _now: datetime) -> None:
        """Start the scheduled run."""
        self.async_start()

    async def async_backfill(self) -> None:
        """Import the new hours of every sensor with a token.

        Raises:
            FluksoCloudError: when the cloud does not answer (not for a
                refused token: that sensor is left out).
        """
        if "recorder" not in self._hass.config.components:
            return
        sensors = self._sensors()
        for sensor_id, token in self._tokens.items():
            sensor = sensors.get(sensor_id)
            if sensor is None or not counted(sensor) or sensor_id in self._refused:
                continue
            try:
                self.imported[sensor_id] = await self._async_sensor(sensor, token)
            except FluksoCloudAuthError as err:
                self._refused.add(sensor_id)
                LOGGER.warning(
                    "Flukso history: flukso.net refused the token of sensor %s "
                    "(%s); reconfigure the meter to enter a new one",
                    sensor.name,
                    err,
                )

    async def _async_sensor(self, sensor: FluksoSensor, token: str) -> SensorImport:
        """Read and import one sensor's hours since the last stored one.

        Raises:
            FluksoCloudError: when a request fails.
        """
        hass = self._hass
        name = statistic_name(sensor)
        metadata = await async_metadata(hass, external_id(name))
        recorded = await async_recorded(hass, external_id(name)) if metadata else None
        now = int((dt_util.utcnow() - UPLOAD_LAG).timestamp())
        until = now - now % HOUR
        since = (
            int(recorded.last.timestamp()) + HOUR
            if recorded is not None
            else until - int(HISTORY_BACKFILL.total_seconds())
        )
        bad = BadRows()
        records: list[Record] = []
        for query in queries(sensor.type, since, until):
            records += await self._cloud.readings(sensor.sensor_id, token, query, bad)
        series = hourly(sensor.type, records, (since, until), bad)
        if series is None:
            return SensorImport(0, bad.count, bad.empty, None)
        plan = plan_import(series.sorted_hours(), recorded, Overlap.TRIM, append=True)
        key = sensor_keys(sensor)[ReadingKind.COUNTER]
        title = f"Flukso {sensor.name} {key.replace('_', ' ')}"
        await async_write(
            hass, metadata or new_metadata(name, series.unit, title), plan, series.unit
        )
        return SensorImport(len(plan.rows), bad.count, bad.empty, plan.rows[-1].start)

    def diagnostics(self) -> dict[str, Any]:
        """Return what the last runs did (sensor IDs are redacted as sensor_id)."""
        return {
            "last_error": self.last_error,
            "failures": self.backoff.failures,
            "requests": self._cloud.requests,
            "sensors": [
                {
                    "sensor_id": sensor_id,
                    "refused": sensor_id in self._refused,
                    "hours_written": imported.hours_written if imported else None,
                    "bad_rows": imported.bad_rows if imported else None,
                    "empty_rows": imported.empty_rows if imported else None,
                    "last_hour": imported.last_hour.isoformat()
                    if imported and imported.last_hour
                    else None,
                }
                for sensor_id in self._tokens
                for imported in (self.imported.get(sensor_id),)
            ],
        }
