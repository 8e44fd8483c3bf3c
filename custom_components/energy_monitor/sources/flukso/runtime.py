"""A loaded Flukso entry: coordinator, reader, history (``entry.runtime_data``)."""

import asyncio
from typing import Any, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PORT, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import UpdateFailed

from ...const import DOMAIN
from ...coordinator import EnergyMonitorConfigEntry, SourceRuntime
from ...lib.flukso.client import SETTLE_TIME, FluksoClient
from .cloud import flukso_cloud
from .const import CONF_HISTORY_TOKENS, CONF_VIA_HA_MQTT, FIRST_CONFIG_TIMEOUT
from .coordinator import FluksoCoordinator
from .history import FluksoHistory
from .sensor import async_setup_sensors


class FluksoRuntime(SourceRuntime):
    """A running Flukso meter: coordinator, reader (own broker), history import."""

    def __init__(
        self,
        hass: HomeAssistant,
        coordinator: FluksoCoordinator,
        client: FluksoClient | None,
        task: asyncio.Task[None] | None,
        history: FluksoHistory | None = None,
    ) -> None:
        """Keep the coordinator, the reader task (``None``: HA's MQTT), the history."""
        self._hass = hass
        self.coordinator = coordinator
        self.client = client
        self._task = task
        self.history = history

    @override
    def async_add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the sensors' entities."""
        async_setup_sensors(self._hass, self.coordinator, async_add_entities)

    @override
    async def async_shutdown(self) -> None:
        """Stop reading and store the counters."""
        if self._task is not None:
            self._task.cancel()
        if self.history is not None:
            self.history.async_stop()
        await self.coordinator.async_stop()

    @override
    def device_in_use(self, identifiers: set[tuple[str, str]]) -> bool:
        """A meter and its configured sensors are in use; removed ones are not."""
        sensors = self.coordinator.data.sensors
        in_use = {(DOMAIN, sensor_id) for sensor_id in sensors} | {
            (DOMAIN, sensor.device_id) for sensor in sensors.values()
        }
        return not in_use.isdisjoint(identifiers)

    @override
    def diagnostics(self) -> dict[str, Any]:
        """Return the sensors, their values and the reader's health."""
        return {
            **self.coordinator.diagnostics(),
            "connection": {
                "available": self.coordinator.last_update_success,
                "reconnects": None if self.client is None else self.client.reconnects,
            },
            "history": None if self.history is None else self.history.diagnostics(),
        }


type FluksoConfigEntry = ConfigEntry[FluksoRuntime]
"""An entry of this source (its ``runtime_data`` is a :class:`FluksoRuntime`)."""


async def async_setup_runtime(
    hass: HomeAssistant, entry: EnergyMonitorConfigEntry
) -> FluksoRuntime:
    """Start reading the meter and wait (bounded) for its configuration.

    With flukso.net tokens the history import starts in the background.

    Raises:
        ConfigEntryNotReady: when the configuration did not arrive in time.
    """
    coordinator = FluksoCoordinator(hass, entry)
    await coordinator.async_load()
    client: FluksoClient | None = None
    task: asyncio.Task[None] | None = None
    if entry.data.get(CONF_VIA_HA_MQTT):
        await coordinator.async_subscribe_ha_mqtt()
    else:
        client = FluksoClient(
            entry.data[CONF_HOST],
            entry.data[CONF_PORT],
            coordinator.decoder,
            coordinator.connection_lost,
        )
        task = entry.async_create_background_task(
            hass, client.run(), f"{DOMAIN} Flukso reader {entry.entry_id}"
        )
    try:
        await coordinator.async_wait_configured(FIRST_CONFIG_TIMEOUT)
    except UpdateFailed as err:
        if task is not None:
            task.cancel()
        await coordinator.async_stop()
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN, translation_key=err.translation_key
        ) from err
    # The port names (``config/flx``) may follow the sensors' configuration.
    await asyncio.sleep(SETTLE_TIME)
    coordinator.async_start_timers()
    history: FluksoHistory | None = None
    if tokens := entry.data.get(CONF_HISTORY_TOKENS):
        history = FluksoHistory(
            hass,
            entry,
            flukso_cloud(hass, entry.data),
            lambda: coordinator.data.sensors,
            tokens,
        )
        history.async_start()
    return FluksoRuntime(hass, coordinator, client, task, history)
