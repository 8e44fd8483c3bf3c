"""The charging-mode select."""

from typing import override

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...lib.ev.controller import ChargingMode
from ...lib.vocabulary import Key
from .coordinator import EvChargerCoordinator
from .entity import EvChargerEntity

CHARGING_MODE = SelectEntityDescription(
    key=Key.CHARGING_MODE,
    translation_key=Key.CHARGING_MODE,
    options=[mode.value for mode in ChargingMode],
)


class ChargingModeSelect(EvChargerEntity, SelectEntity):
    """What the controller charges on: off, solar, solar_min, cheap, on."""

    @property
    @override
    def current_option(self) -> str:
        """Return the mode."""
        return self.coordinator.settings.mode.value

    @override
    async def async_select_option(self, option: str) -> None:
        """Change the mode."""
        self.coordinator.async_update_settings(mode=ChargingMode(option))


def async_setup_selects(
    coordinator: EvChargerCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the charging-mode select."""
    async_add_entities([ChargingModeSelect(coordinator, CHARGING_MODE)])
