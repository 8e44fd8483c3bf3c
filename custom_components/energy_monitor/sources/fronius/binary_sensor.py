"""Binary sensors of a Fronius system: whether each inverter is online."""

from typing import override

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...lib.vocabulary import Key
from .coordinator import FroniusCoordinator
from .entity import FroniusEntity, async_add_device_entities

BINARY_SENSORS = (
    BinarySensorEntityDescription(
        key=Key.INVERTER_ONLINE,
        translation_key=Key.INVERTER_ONLINE,
        entity_category=EntityCategory.DIAGNOSTIC,
    ),
)


class FroniusBinarySensor(FroniusEntity, BinarySensorEntity):
    """A yes/no state of a device of a Fronius system."""

    entity_description: BinarySensorEntityDescription

    @property
    @override
    def is_on(self) -> bool | None:
        """Return the state (unknown when the device reports none)."""
        value = self.value
        return None if value is None else bool(value)


@callback
def async_setup_binary_sensors(
    coordinator: FroniusCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
    system_device_id: str,
) -> None:
    """Add the binary sensors of the system's devices as they appear."""
    async_add_device_entities(
        coordinator,
        async_add_entities,
        BINARY_SENSORS,
        FroniusBinarySensor,
        system_device_id,
    )
