"""The ready-by time."""

from datetime import time
from typing import override

from homeassistant.components.time import TimeEntity, TimeEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...lib.vocabulary import Key
from .coordinator import EvChargerCoordinator
from .entity import EvChargerEntity

READY_BY = TimeEntityDescription(
    key=Key.READY_BY,
    translation_key=Key.READY_BY,
    entity_category=EntityCategory.CONFIG,
)


class ReadyByTime(EvChargerEntity, TimeEntity):
    """When the minimum energy must be in the car."""

    @property
    @override
    def native_value(self) -> time:
        """Return the ready-by time."""
        return self.coordinator.settings.ready_by

    @override
    async def async_set_value(self, value: time) -> None:
        """Change the ready-by time."""
        self.coordinator.async_update_settings(ready_by=value)


def async_setup_times(
    coordinator: EvChargerCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the ready-by time."""
    async_add_entities([ReadyByTime(coordinator, READY_BY)])
