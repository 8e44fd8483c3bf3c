"""A loaded Fronius entry: its poller and system device (``entry.runtime_data``)."""

from typing import Any, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...const import DOMAIN
from ...coordinator import EnergyMonitorConfigEntry, SourceRuntime
from .binary_sensor import async_setup_binary_sensors
from .coordinator import FroniusCoordinator
from .entity import device_info
from .sensor import async_setup_sensors


class FroniusRuntime(SourceRuntime):
    """A running Fronius system: its coordinator and its system device."""

    def __init__(self, coordinator: FroniusCoordinator, system_device_id: str) -> None:
        """Keep the coordinator and the registry ID of the system device."""
        self.coordinator = coordinator
        self.system_device_id = system_device_id

    @override
    def async_add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the system's entities of ``platform``."""
        if platform is Platform.SENSOR:
            async_setup_sensors(
                self.coordinator, async_add_entities, self.system_device_id
            )
        else:
            async_setup_binary_sensors(
                self.coordinator, async_add_entities, self.system_device_id
            )

    @override
    def device_in_use(self, identifiers: set[tuple[str, str]]) -> bool:
        """Tell whether the system still reports a device (else it may go).

        The system device and the devices of the last poll are in use; a
        meter or battery no longer reported may be deleted by the user.
        """
        devices = self.coordinator.data.devices
        return any(
            domain == DOMAIN and device_id in devices
            for domain, device_id in identifiers
        )

    @override
    async def async_shutdown(self) -> None:
        """Store the counters (polling stops with the entry)."""
        await self.coordinator.async_save()

    @override
    def diagnostics(self) -> dict[str, Any]:
        """Return the devices, their values and the poller's health.

        Devices are numbered instead of named by their serial numbers.
        """
        coordinator = self.coordinator
        data = coordinator.data
        logger = coordinator.poller.logger_info
        flow = coordinator.poller.flow
        devices = [
            {
                "kind": device.kind,
                "number": device.number,
                "model": device.model,
                "model_id": device.model_id,
                "sw_version": device.sw_version,
                "serial_number": device.serial_number,
                "values": dict(state.values)
                if (state := data.states.get(key))
                else None,
            }
            for key, device in data.devices.items()
        ]
        return {
            "datamanager": None
            if logger is None
            else {
                "product": logger.product,
                "hardware_version": logger.hardware_version,
                "software_version": logger.software_version,
            },
            "power_flow": None
            if flow is None
            else {"mode": flow.mode, "meter_location": flow.meter_location},
            "devices": devices,
            "connection": {
                "available": coordinator.last_update_success,
                **coordinator.diagnostics(),
            },
        }


type FroniusConfigEntry = ConfigEntry[FroniusRuntime]
"""An entry of this source (its ``runtime_data`` is a :class:`FroniusRuntime`)."""


async def async_setup_runtime(
    hass: HomeAssistant, entry: EnergyMonitorConfigEntry
) -> FroniusRuntime:
    """Identify the system and read it once.

    Raises:
        ConfigEntryNotReady: when the device does not answer yet.
        ConfigEntryError: when the stored host is not a host.
    """
    try:
        coordinator = FroniusCoordinator(hass, entry)
    except ValueError as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="fronius_invalid_host",
            translation_placeholders={"host": entry.data[CONF_HOST]},
        ) from err
    await coordinator.async_config_entry_first_refresh()
    system = coordinator.data.devices[coordinator.system_id]
    registered = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        **device_info(system, via=None, url=coordinator.client.url),
    )
    return FroniusRuntime(coordinator, registered.id)
