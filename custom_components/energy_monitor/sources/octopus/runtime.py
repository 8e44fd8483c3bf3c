"""A loaded Octopus entry: its rates and history (``entry.runtime_data``)."""

from typing import Any, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...const import DOMAIN
from ...coordinator import EnergyMonitorConfigEntry, SourceRuntime
from .coordinator import OctopusCoordinator
from .history import OctopusHistory
from .sensor import async_setup_sensors, device_id


class OctopusRuntime(SourceRuntime):
    """A running Octopus account: rates now, consumption history."""

    def __init__(self, rates: OctopusCoordinator, history: OctopusHistory) -> None:
        """Keep the coordinators."""
        self.rates = rates
        self.history = history

    @override
    def async_add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the meter points' sensors."""
        async_setup_sensors(self.rates, self.history, async_add_entities)

    @override
    async def async_shutdown(self) -> None:
        """Stop the rate-change timer (polling stops with the entry)."""
        self.rates.cancel_boundary()

    @override
    def diagnostics(self) -> dict[str, Any]:
        """Return the meter points, tariffs and what the importer did."""
        return {
            "rates": self.rates.diagnostics(),
            "history": self.history.diagnostics(),
        }

    @override
    def device_in_use(self, identifiers: set[tuple[str, str]]) -> bool:
        """Tell whether a meter point is still on the account."""
        return any(
            (DOMAIN, device_id(point)) in identifiers
            for point in self.rates.data.account.meter_points
        )


type OctopusConfigEntry = ConfigEntry[OctopusRuntime]
"""An entry of this source (its ``runtime_data`` is an :class:`OctopusRuntime`)."""


async def async_setup_runtime(
    hass: HomeAssistant, entry: EnergyMonitorConfigEntry
) -> OctopusRuntime:
    """Read the account and its rates; import the history in the background.

    Raises:
        ConfigEntryNotReady: when the API does not answer yet.
        ConfigEntryAuthFailed: when the API key was revoked.
    """
    rates = OctopusCoordinator(hass, entry)
    await rates.async_config_entry_first_refresh()
    history = OctopusHistory(hass, entry, rates)
    entry.async_create_background_task(
        hass, history.async_refresh(), f"{rates.name} history"
    )
    return OctopusRuntime(rates, history)
