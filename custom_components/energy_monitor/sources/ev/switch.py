"""The smart-charging switch: the controller on or off."""

from typing import Any, override

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...lib.vocabulary import Key
from .coordinator import EvChargerCoordinator
from .entity import EvChargerEntity

SMART_CHARGING = SwitchEntityDescription(
    key=Key.SMART_CHARGING, translation_key=Key.SMART_CHARGING
)


class SmartChargingSwitch(EvChargerEntity, SwitchEntity):
    """On: the controller drives the relay. Off: the relay is left alone."""

    @property
    @override
    def is_on(self) -> bool:
        """Return whether the controller drives the relay."""
        return self.coordinator.enabled

    @override
    async def async_turn_on(self, **kwargs: Any) -> None:
        """Let the controller drive the relay."""
        self.coordinator.async_set_enabled(enabled=True)

    @override
    async def async_turn_off(self, **kwargs: Any) -> None:
        """Leave the relay alone."""
        self.coordinator.async_set_enabled(enabled=False)


def async_setup_switches(
    coordinator: EvChargerCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the smart-charging switch."""
    async_add_entities([SmartChargingSwitch(coordinator, SMART_CHARGING)])
