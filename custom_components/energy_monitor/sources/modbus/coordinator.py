"""Coordinators of a Modbus meter: one per scan group.

Each scan group (fast: power, voltage, ...; slow: energy counters; once:
identity) polls on its own interval, so a failure makes only that group's
entities unavailable; within a group, a failed read leaves only its own
values out. Every value must be plausible for its key (a register of
``0x7F7FFFFF`` is dropped and counted), and lifetime counters pass through a
:class:`CounterGuard` whose values are stored, so a 0, a value going
backwards or a torn 32-bit read is never published, not even right after a
restart. An outage of the meter is logged once when it starts (whichever
group fails first) and once when it ends (every group reads again); the
coordinators' own per-group messages are demoted to debug.
"""

from collections.abc import Callable
from datetime import timedelta
import logging
from typing import Any, override

from homeassistant.core import HomeAssistant
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from ...const import DOMAIN, LOGGER
from ...coordinator import EnergyMonitorConfigEntry
from ...lib.counters import CounterGuard
from ...lib.modbus.client import ModbusError
from ...lib.modbus.meter import MeterReader, Value
from ...lib.modbus.schema import ScanGroup
from ...lib.readings import ReadingFilter
from ...lib.vocabulary import MAX_RATES, Key
from ...storage import CounterStore

_POLL_LOGGER = LOGGER.getChild("modbus")
_PER_GROUP_MESSAGES = ("Error fetching", "Fetching %s data recovered")


class _DemotePerGroupMessages(logging.Filter):
    """Turn the coordinators' per-group outage messages into debug messages.

    Each scan group is a coordinator, and each would log the same outage;
    :class:`ModbusMeter` logs it once for the meter instead.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Demote the per-group messages to debug."""
        if record.levelno > logging.DEBUG and str(record.msg).startswith(
            _PER_GROUP_MESSAGES
        ):
            record.levelno = logging.DEBUG
            record.levelname = logging.getLevelName(logging.DEBUG)
            return _POLL_LOGGER.isEnabledFor(logging.DEBUG)
        return True


_POLL_LOGGER.addFilter(_DemotePerGroupMessages())

COUNTERS = "counters"
"""The section of the stored document that holds the counter values."""


def _sectioned(stored: dict[str, Any]) -> dict[str, Any]:
    """Return a stored document in sections (counters were stored flat)."""
    return stored if COUNTERS in stored else {COUNTERS: stored}


class ModbusMeter:
    """What the scan groups of one meter share: reader, guards, storage."""

    def __init__(
        self, hass: HomeAssistant, entry: EnergyMonitorConfigEntry, reader: MeterReader
    ) -> None:
        """Guard the meter's lifetime counters."""
        self.hass = hass
        self.reader = reader
        self.name = entry.title
        self.device_id = entry.unique_id or entry.entry_id
        self._failing: set[ScanGroup] = set()
        self.clock: Callable[[], float] = hass.loop.time
        counters = [r for r in reader.register_map.registers if r.is_counter]
        self._counters = {r.key for r in counters}
        # A kWh counter of a key the vocabulary lacks grows like any other.
        self._guard = CounterGuard(
            rates={
                **{
                    r.key: MAX_RATES[Key.GRID_ELEC_IMPORT]
                    for r in counters
                    if r.unit == "kWh"
                },
                **MAX_RATES,
            }
        )
        self.readings = ReadingFilter()
        self._store = CounterStore(
            hass, entry, {COUNTERS: self._guard}, migrate=_sectioned
        )

    async def async_load(self) -> None:
        """Seed the guard with the counter values published before a restart."""
        await self._store.async_load(self.clock())

    def guard(self, values: dict[str, Value]) -> dict[str, Value]:
        """Drop implausible readings; replace counter glitches by the last value."""
        values = self.readings.filter(values)
        if self._guard.check_values(values, self._counters, self.clock()):
            self._store.async_schedule_save()
        return values

    def group_failed(self, group: ScanGroup, err: ModbusError) -> None:
        """Note a failed group; log the meter's outage when it starts."""
        if not self._failing:
            LOGGER.error(
                "%s does not answer (%s); its entities are unavailable until it does",
                self.name,
                str(err) or type(err).__name__,
            )
        self._failing.add(group)

    def group_read(self, group: ScanGroup) -> None:
        """Note a group read; log the end of the outage when none fails."""
        if group in self._failing:
            self._failing.discard(group)
            if not self._failing:
                LOGGER.info("%s answers again", self.name)

    async def async_save(self) -> None:
        """Store the counter values now (on unload)."""
        await self._store.async_save()

    @property
    def counter_glitches(self) -> int:
        """Return how many counter readings were held back."""
        return self._guard.glitches


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
            _POLL_LOGGER,
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
            self.meter.group_failed(self.group, err)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="modbus_read_failed",
                translation_placeholders={"error": str(err) or type(err).__name__},
            ) from err
        for error in result.errors:
            LOGGER.debug("%s: a read of %s failed: %s", self.name, self.group, error)
        self.meter.group_read(self.group)
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
