"""Diagnostics of an Energy Monitor config entry (secrets redacted)."""

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant

from .coordinator import EnergyMonitorConfigEntry
from .sources import SPECS

TO_REDACT = frozenset({CONF_HOST, "serial_number", "title", "unique_id"}).union(
    *(spec.redact for spec in SPECS)
)
"""Keys, addresses and serial numbers, wherever a source's diagnostics hold them:
those of every source and those each source's spec adds."""


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: EnergyMonitorConfigEntry
) -> dict[str, Any]:
    """Return the entry and what its source reports, redacted."""
    return async_redact_data(
        {
            "entry": {
                "title": entry.title,
                "unique_id": entry.unique_id,
                "data": dict(entry.data),
                "options": dict(entry.options),
            },
            **entry.runtime_data.diagnostics(),
        },
        TO_REDACT,
    )
