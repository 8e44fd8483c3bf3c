"""Coordinators of a Modbus meter: one per scan group.

Each scan group (fast: power, voltage, ...; slow: energy counters; once:
identity) polls on its own interval, so a failure makes only that group's
entities unavailable; within a group, a failed read leaves only its own
values out. Lifetime counters pass through a :class:`CounterGuard` whose
values are stored, so a 0, a value going backwards or a torn 32-bit read is
never published, not even right after a restart. Home Assistant's
coordinator logs an outage once when it starts and once when it ends.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any, override

from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from ...const import DOMAIN, LOGGER
from ...coordinator import EnergyMonitorConfigEntry
from ...lib.counters import CounterGuard
from ...lib.modbus.client import ModbusError
from ...lib.modbus.meter import MeterReader, Value
from ...lib.modbus.schema import ScanGroup
from ...storage import PeriodicStore
from .const import MAX_RATE_KWH_PER_HOUR

STORAGE_VERSION = 1
SAVE_INTERVAL = 60.0


class ModbusMeter:
    """What the scan groups of one meter share: reader, guards, storage."""

    def __init__(
        self, hass: HomeAssistant, entry: EnergyMonitorConfigEntry, reader: MeterReader
    ) -> None:
        """Guard the meter's lifetime counters."""
        self.hass = hass
        self.reader = reader
        self.device_id = entry.unique_id or entry.entry_id
        self.clock: Callable[[], float] = hass.loop.time
        counters = [r for r in reader.register_map.registers if r.is_counter]
        self._kwh = {r.key for r in counters if r.unit == "kWh"}
        self._other_counters = {r.key for r in counters} - self._kwh
        self._guard = CounterGuard(max_rate_per_hour=MAX_RATE_KWH_PER_HOUR)
        self._other_guard = CounterGuard()
        self._store: PeriodicStore[dict[str, float]] = PeriodicStore(
            hass, STORAGE_VERSION, entry, SAVE_INTERVAL
        )

    async def async_load(self) -> None:
        """Seed the guards with the counter values published before a restart."""
        now = self.clock()
        for key, value in (await self._store.async_load() or {}).items():
            self._guard_for(key).seed(key, value, now)

    def _guard_for(self, key: str) -> CounterGuard:
        """Return the guard of a counter (kWh counters get a rate check)."""
        return self._guard if key in self._kwh else self._other_guard

    def guard(self, values: dict[str, Value]) -> dict[str, Value]:
        """Replace implausible counter readings by the last plausible ones."""
        now = self.clock()
        kwh = self._guard.check_values(values, self._kwh, now)
        other = self._other_guard.check_values(values, self._other_counters, now)
        if kwh or other:
            self._store.async_schedule_save(self._snapshot)
        return values

    def _snapshot(self) -> dict[str, float]:
        """Return the counter values to store."""
        return {**self._other_guard.snapshot(), **self._guard.snapshot()}

    async def async_save(self) -> None:
        """Store the counter values now (on unload)."""
        await self._store.async_save(self._snapshot())

    @property
    def counter_glitches(self) -> int:
        """Return how many counter readings were held back."""
        return self._guard.glitches + self._other_guard.glitches


class ModbusGroupCoordinator(DataUpdateCoordinator[dict[str, Value]]):
    """Poll one scan group of a meter.

    Its data are the values read (None: the meter reports "not available").
    """

    config_entry: EnergyMonitorConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: EnergyMonitorConfigEntry,
        meter: ModbusMeter,
        group: ScanGroup,
        interval: float | None,
    ) -> None:
        """Create the coordinator of ``group`` (``interval`` None: on demand)."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{entry.title} ({group})",
            update_interval=None if interval is None else timedelta(seconds=interval),
        )
        self.meter = meter
        self.group = group

    @override
    async def _async_update_data(self) -> dict[str, Value]:
        """Read the group; fail only when none of its reads succeeded.

        Raises:
            UpdateFailed: when the meter could not be read at all.
        """
        try:
            result = await self.meter.reader.read_group(self.group)
        except ModbusError as err:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="modbus_read_failed",
                translation_placeholders={"error": str(err) or type(err).__name__},
            ) from err
        for error in result.errors:
            LOGGER.debug("%s: a read of %s failed: %s", self.name, self.group, error)
        return self.meter.guard(result.values)

    def diagnostics(self) -> dict[str, Any]:
        """Return the group's state."""
        return {
            "available": self.last_update_success,
            "interval": None
            if self.update_interval is None
            else self.update_interval.total_seconds(),
            "values": self.data if self.last_update_success else None,
        }
