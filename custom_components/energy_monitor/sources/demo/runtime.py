"""A loaded demo entry."""

from typing import Any, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...coordinator import EnergyMonitorConfigEntry, SourceRuntime


class DemoRuntime(SourceRuntime):
    """A loaded demo device (no entities)."""

    @override
    def async_add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add nothing."""

    @override
    async def async_shutdown(self) -> None:
        """Nothing to stop."""

    @override
    def diagnostics(self) -> dict[str, Any]:
        """Nothing to report."""
        return {}


type DemoConfigEntry = ConfigEntry[DemoRuntime]


async def async_setup_runtime(
    hass: HomeAssistant, entry: EnergyMonitorConfigEntry
) -> DemoRuntime:
    """Set up a demo device."""
    return DemoRuntime()
