"""Energy Monitor: a complete, correct energy picture from a home's hardware.

Every config entry is one source device (a P1 meter, an inverter, ...); its
``source`` field picks the source (its spec in ``sources/<source>/``) that
sets it up.
"""

from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    issue_registry as ir,
)
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN
from .coordinator import EnergyMonitorConfigEntry
from .services import async_setup_services
from .sources import spec_of
from .storage import async_remove_entry_store

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions (once, for all entries)."""
    async_setup_services(hass)
    return True


async def async_setup_entry(
    hass: HomeAssistant, entry: EnergyMonitorConfigEntry
) -> bool:
    """Set up one source device."""
    spec = spec_of(entry)
    entry.runtime_data = await spec.async_setup_runtime(hass, entry)
    await hass.config_entries.async_forward_entry_setups(entry, spec.platforms)
    return True


async def async_unload_entry(
    hass: HomeAssistant, entry: EnergyMonitorConfigEntry
) -> bool:
    """Unload a source device and close its connections."""
    if unloaded := await hass.config_entries.async_unload_platforms(
        entry, spec_of(entry).platforms
    ):
        await entry.runtime_data.async_shutdown()
    return unloaded


async def async_remove_entry(
    hass: HomeAssistant, entry: EnergyMonitorConfigEntry
) -> None:
    """Forget what the entry stored and the repair issues it raised.

    Issue IDs end with the ID of the entry that raised them.
    """
    await async_remove_entry_store(hass, entry)
    for domain, issue_id in list(ir.async_get(hass).issues):
        if domain == DOMAIN and issue_id.endswith(entry.entry_id):
            ir.async_delete_issue(hass, DOMAIN, issue_id)


async def async_remove_config_entry_device(
    hass: HomeAssistant,
    entry: EnergyMonitorConfigEntry,
    device: dr.DeviceEntry,
) -> bool:
    """Let the user delete a device that no longer reports (a replaced meter)."""
    return not entry.runtime_data.device_in_use(device.identifiers)
