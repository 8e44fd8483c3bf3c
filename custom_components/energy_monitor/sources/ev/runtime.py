"""A loaded EV charger entry: its controller (``entry.runtime_data``)."""

from collections.abc import Callable
from typing import Any, override

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...coordinator import EnergyMonitorConfigEntry, SourceRuntime
from ...lib.ev.controller import Reading
from .binary_sensor import async_setup_binary_sensors
from .coordinator import EvChargerCoordinator
from .number import async_setup_numbers
from .select import async_setup_selects
from .sensor import async_setup_sensors
from .switch import async_setup_switches
from .time import async_setup_times

_PLATFORM_SETUP: dict[
    Platform,
    Callable[[EvChargerCoordinator, AddConfigEntryEntitiesCallback], None],
] = {
    Platform.BINARY_SENSOR: async_setup_binary_sensors,
    Platform.NUMBER: async_setup_numbers,
    Platform.SELECT: async_setup_selects,
    Platform.SENSOR: async_setup_sensors,
    Platform.SWITCH: async_setup_switches,
    Platform.TIME: async_setup_times,
}

PLATFORMS = tuple(_PLATFORM_SETUP)
"""The platforms of the charger's entities."""


class EvChargerRuntime(SourceRuntime):
    """A running EV charger controller."""

    def __init__(self, coordinator: EvChargerCoordinator) -> None:
        """Keep the coordinator."""
        self.coordinator = coordinator

    @override
    def async_add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add the charger's entities of ``platform``."""
        _PLATFORM_SETUP[platform](self.coordinator, async_add_entities)

    @override
    async def async_shutdown(self) -> None:
        """Store the settings and statistics."""
        await self.coordinator.async_stop()

    @override
    def diagnostics(self) -> dict[str, Any]:
        """Return the stored settings, the last decision and its inputs."""
        coordinator = self.coordinator
        status = coordinator.data
        return {
            "smart_charging": coordinator.enabled,
            "stored": coordinator.snapshot(),
            "decision": {
                "relay_on": status.decision.relay_on,
                "reason": status.decision.reason,
                "surplus": status.decision.surplus,
            },
            "inputs": {
                "relay_on": status.inputs.relay_on,
                "grid_power": _reading(status.inputs.grid_power),
                "surplus_power": _reading(status.inputs.surplus_power),
                "price": _reading(status.inputs.price),
                "forecast_slots": len(status.inputs.price_forecast),
                "demand_quarter": _reading(status.inputs.demand_quarter),
                "month_peak": _reading(status.inputs.month_peak),
            },
        }


def _reading(reading: Reading | None) -> dict[str, Any] | None:
    """Return a reading as plain data."""
    if reading is None:
        return None
    return {"value": reading.value, "updated": reading.updated.isoformat()}


type EvChargerConfigEntry = ConfigEntry[EvChargerRuntime]
"""An entry of this source (its ``runtime_data`` is a :class:`EvChargerRuntime`)."""


async def async_setup_runtime(
    hass: HomeAssistant, entry: EnergyMonitorConfigEntry
) -> EvChargerRuntime:
    """Load the stored settings and start controlling."""
    coordinator = EvChargerCoordinator(hass, entry)
    await coordinator.async_start()
    return EvChargerRuntime(coordinator)
