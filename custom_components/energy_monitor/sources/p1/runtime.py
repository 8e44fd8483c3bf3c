"""A loaded P1 meter entry: its coordinator and reader (``entry.runtime_data``)."""

import asyncio
from typing import Any, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError, ConfigEntryNotReady
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import UpdateFailed

from ...const import DOMAIN
from ...coordinator import EnergyMonitorConfigEntry, SourceRuntime
from .const import FIRST_TELEGRAM_TIMEOUT
from .coordinator import P1Coordinator, mbus_device_id
from .event import async_setup_events
from .sensor import async_setup_sensors


class P1Runtime(SourceRuntime):
    """A running P1 meter: its coordinator and the reader task."""

    def __init__(self, coordinator: P1Coordinator, task: asyncio.Task[None]) -> None:
        """Keep the coordinator and the task that runs its reader."""
        self.coordinator = coordinator
        self._task = task

    @override
    def async_add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the meter's sensors or events."""
        if platform is Platform.EVENT:
            async_setup_events(self.coordinator, async_add_entities)
        else:
            async_setup_sensors(self.coordinator, async_add_entities)

    @override
    async def async_shutdown(self) -> None:
        """Stop reading and store the counters."""
        self._task.cancel()
        await self.coordinator.async_stop()

    @override
    def device_in_use(self, identifiers: set[tuple[str, str]]) -> bool:
        """The meter is always in use; a gas/water/heat meter while it reports."""
        coordinator = self.coordinator
        in_use = {(DOMAIN, coordinator.meter_id)} | {
            (DOMAIN, mbus_device_id(coordinator.meter_id, reading))
            for reading in coordinator.data.mbus
        }
        return not in_use.isdisjoint(identifiers)

    @override
    def diagnostics(self) -> dict[str, Any]:
        """Return the meter, its latest values and the reader's health."""
        coordinator = self.coordinator
        telegram = coordinator.latest
        data = coordinator.data
        return {
            "meter": None
            if telegram is None
            else {
                "header": telegram.header,
                "variant": telegram.variant,
                "protocol_version": telegram.protocol_version,
                "equipment_id": telegram.equipment_id,
                "meter_time": telegram.timestamp,
                "skipped_lines": telegram.skipped_lines,
            },
            "values": None if data is None else dict(data.values),
            "mbus": []
            if data is None
            else [
                {
                    "channel": reading.channel,
                    "kind": reading.kind,
                    "equipment_id": reading.equipment_id,
                    "value": reading.value,
                    "unit": reading.unit,
                    "captured_at": reading.captured_at,
                }
                for reading in data.mbus
            ],
            "connection": {
                "available": coordinator.last_update_success,
                **coordinator.diagnostics(),
            },
        }


type P1ConfigEntry = ConfigEntry[P1Runtime]
"""An entry of this source (its ``runtime_data`` is a :class:`P1Runtime`)."""


async def async_setup_runtime(
    hass: HomeAssistant, entry: EnergyMonitorConfigEntry
) -> P1Runtime:
    """Connect to the meter and wait (bounded) for its first telegram.

    Raises:
        ConfigEntryNotReady: when the meter cannot be reached yet.
        ConfigEntryError: when the stored keys are unusable.
    """
    try:
        coordinator = P1Coordinator(hass, entry)
    except ValueError as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN, translation_key="p1_invalid_key"
        ) from err
    await coordinator.async_load()
    task = entry.async_create_background_task(
        hass, coordinator.reader.run(), f"{DOMAIN} P1 reader {entry.entry_id}"
    )
    try:
        await coordinator.async_wait_first_telegram(FIRST_TELEGRAM_TIMEOUT)
    except UpdateFailed as err:
        task.cancel()
        await coordinator.async_stop()
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key=err.translation_key,
            translation_placeholders=err.translation_placeholders,
        ) from err
    return P1Runtime(coordinator, task)
