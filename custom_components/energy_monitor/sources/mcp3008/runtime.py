"""A loaded ADC entry: its coordinator and channels (``entry.runtime_data``).

Setup opens the spidev node in an executor thread; a node that cannot be
opened makes the entry not ready (retried), with the reason a user can act
on. Channels are the entry's options; entities of channels that were
removed or changed kind are removed with their devices.
"""

from typing import Any, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...const import DOMAIN
from ...coordinator import EnergyMonitorConfigEntry, SourceRuntime
from ...lib.mcp3008.channels import Channel, channel_from_dict, channel_to_dict
from .connection import AdcUnusableError, open_adc, spi_io
from .const import CONF_CHANNELS
from .coordinator import Mcp3008Coordinator
from .sensor import channel_sensors


class Mcp3008Runtime(SourceRuntime):
    """A running ADC: its coordinator."""

    def __init__(self, hass: HomeAssistant, coordinator: Mcp3008Coordinator) -> None:
        """Keep what the entities, actions and shutdown need."""
        self.hass = hass
        self.coordinator = coordinator

    @override
    def async_add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the channels' sensors; forget those of channels no longer there."""
        sensors = channel_sensors(self.coordinator)
        entry = self.coordinator.config_entry
        wanted = {sensor.unique_id for sensor in sensors}
        registry = er.async_get(self.hass)
        for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
            if entity.unique_id not in wanted:
                registry.async_remove(entity.entity_id)
        devices = dr.async_get(self.hass)
        kept = {(DOMAIN, entry.entry_id)} | {
            identifier
            for sensor in sensors
            for identifier in (sensor.device_info or {}).get("identifiers", set())
        }
        for device in dr.async_entries_for_config_entry(devices, entry.entry_id):
            if not device.identifiers & kept:
                devices.async_update_device(
                    device.id, remove_config_entry_id=entry.entry_id
                )
        async_add_entities(sensors)

    @override
    async def async_shutdown(self) -> None:
        """Store the energy totals and close the node."""
        await self.coordinator.async_save()
        await self.hass.async_add_executor_job(self.coordinator.close)

    @override
    def diagnostics(self) -> dict[str, Any]:
        """Return the channels and the last reports."""
        return {
            "channels": [channel_to_dict(c) for c in self.coordinator.channels],
            "coordinator": self.coordinator.diagnostics(),
        }


type Mcp3008ConfigEntry = ConfigEntry[Mcp3008Runtime]
"""An entry of this source (its ``runtime_data`` is a :class:`Mcp3008Runtime`)."""


def entry_channels(entry: ConfigEntry) -> list[Channel]:
    """Return the channels in an entry's options, by channel number."""
    channels = [channel_from_dict(c) for c in entry.options.get(CONF_CHANNELS, [])]
    return sorted(channels, key=lambda channel: channel.channel)


async def async_setup_runtime(
    hass: HomeAssistant, entry: EnergyMonitorConfigEntry
) -> Mcp3008Runtime:
    """Open the ADC, restore the energy totals and report once.

    Raises:
        ConfigEntryNotReady: when the ADC cannot be opened or read.
    """
    try:
        adc = await hass.async_add_executor_job(open_adc, spi_io(hass), entry.data)
    except AdcUnusableError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="mcp3008_unusable",
            translation_placeholders={"error": str(err)},
        ) from err
    for domain, issue_id in list(ir.async_get(hass).issues):
        if (
            domain == DOMAIN
            and issue_id.startswith("mcp3008_clipping_")
            and issue_id.endswith(entry.entry_id)
        ):
            ir.async_delete_issue(hass, DOMAIN, issue_id)
    coordinator = Mcp3008Coordinator(hass, entry, adc, entry_channels(entry))
    coordinator.adc_device_id = (
        dr.async_get(hass)
        .async_get_or_create(
            config_entry_id=entry.entry_id,
            identifiers={(DOMAIN, entry.entry_id)},
            name=entry.title,
            manufacturer="Microchip",
            model=coordinator.adc_model,
        )
        .id
    )
    try:
        await coordinator.async_load()
        await coordinator.async_config_entry_first_refresh()
    except BaseException:
        await hass.async_add_executor_job(coordinator.close)
        raise
    return Mcp3008Runtime(hass, coordinator)
