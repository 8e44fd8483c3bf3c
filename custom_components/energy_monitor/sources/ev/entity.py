"""Base entity of an EV charger."""

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription

from ...const import DOMAIN
from ...entity import EnergyMonitorEntity
from .coordinator import EvChargerCoordinator


class EvChargerEntity(EnergyMonitorEntity[EvChargerCoordinator]):
    """An entity of the EV charger device."""

    def __init__(
        self, coordinator: EvChargerCoordinator, description: EntityDescription
    ) -> None:
        """Attach the entity to the charger's device."""
        super().__init__(
            coordinator,
            description,
            device_id=coordinator.device_id,
            device_info=DeviceInfo(
                identifiers={(DOMAIN, coordinator.device_id)},
                name=coordinator.config_entry.title,
            ),
        )

    @property
    def available(self) -> bool:
        """Settings and statistics stay available whatever the inputs do."""
        return True
