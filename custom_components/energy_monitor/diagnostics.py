"""Diagnostics of an Energy Monitor config entry (secrets redacted)."""

from typing import Any

from homeassistant.core import HomeAssistant

from .coordinator import EnergyMonitorConfigEntry


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: EnergyMonitorConfigEntry
) -> dict[str, Any]:
    """Return the diagnostics of the entry's source."""
    return entry.runtime_data.diagnostics()
