"""A loaded energy site entry: its coordinator (``entry.runtime_data``).

A site is a config entry without a device connection: its inputs are
entities (of Energy Monitor's sources or any other integration) and its
runtime follows their state changes.
"""

from typing import Any, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...const import DOMAIN
from ...coordinator import EnergyMonitorConfigEntry, SourceRuntime
from ...lib.site.tariff import TariffError
from .coordinator import SiteCoordinator
from .insights import InsightSensor, InsightTracker
from .sensor import async_setup_sensors, site_device_info


class SiteRuntime(SourceRuntime):
    """A running energy site: its coordinator."""

    def __init__(self, coordinator: SiteCoordinator, insights: InsightTracker) -> None:
        """Keep the coordinator and the insights."""
        self.coordinator = coordinator
        self.insights = insights

    @override
    def async_add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the site's sensors and its insights."""
        insights = self.insights
        async_setup_sensors(self.coordinator, async_add_entities, insights.keys)
        entry_id = self.coordinator.config_entry.entry_id
        device_info = site_device_info(self.coordinator)
        async_add_entities(
            InsightSensor(insights, key, device_id=entry_id, device_info=device_info)
            for key in insights.keys
        )

    @override
    async def async_shutdown(self) -> None:
        """Stop following the inputs and store the state."""
        self.insights.async_stop()
        await self.coordinator.async_stop()

    @override
    def diagnostics(self) -> dict[str, Any]:
        """Return the figures and the engine's state."""
        coordinator = self.coordinator
        data = coordinator.data
        return {
            "figures": dict(data.values),
            "unavailable": sorted(data.unavailable),
            **coordinator.diagnostics(),
        }


type SiteConfigEntry = ConfigEntry[SiteRuntime]
"""An entry of this source (its ``runtime_data`` is a :class:`SiteRuntime`)."""


async def async_setup_runtime(
    hass: HomeAssistant, entry: EnergyMonitorConfigEntry
) -> SiteRuntime:
    """Continue the site from its stored state and follow its inputs.

    Raises:
        ConfigEntryError: when the stored tariffs are invalid.
    """
    try:
        coordinator = SiteCoordinator(hass, entry)
    except TariffError as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="site_invalid_tariffs",
            translation_placeholders={"error": str(err)},
        ) from err
    await coordinator.async_start()
    insights = InsightTracker(hass, entry)
    insights.async_start()
    return SiteRuntime(coordinator, insights)
