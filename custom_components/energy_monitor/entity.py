"""Base entity of Energy Monitor, and how to find its entities by key."""

from typing import Any, override

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import (
    CoordinatorEntity,
    DataUpdateCoordinator,
)

from .const import CONF_SOURCE, DOMAIN
from .lib.vocabulary import Key
from .written import WrittenByPolicy


class EnergyMonitorEntity[CoordinatorT: DataUpdateCoordinator[Any]](
    CoordinatorEntity[CoordinatorT], WrittenByPolicy
):
    """An entity fed by one of the sources' coordinators.

    The unique ID is ``<device id>_<key>``, where the key comes from the shared
    measurement vocabulary, so an entity is found by its key whatever the
    device. Its state is written as the key's write policy says (see
    :class:`~.written.WrittenByPolicy`).
    """

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: CoordinatorT,
        description: EntityDescription,
        *,
        device_id: str,
        device_info: DeviceInfo,
    ) -> None:
        """Attach the entity to its coordinator and device."""
        super().__init__(coordinator)
        self.entity_description = description
        self._attr_unique_id = f"{device_id}_{description.key}"
        self._attr_device_info = device_info

    @override
    def _written_at_once(self) -> tuple[object, ...]:
        """Availability, and whether the source answers (for health sensors)."""
        return (self.available, self.coordinator.last_update_success)

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Write the state as the key's write policy says."""
        self.async_write_by_policy()


def sensors_by_key(
    hass: HomeAssistant, *, exclude: str | None = None
) -> dict[Key, list[str]]:
    """Return the entity IDs of Energy Monitor's sensors per key, sorted.

    The key is the end of the unique ID (see :class:`EnergyMonitorEntity`);
    ``exclude`` leaves out the sensors of one kind of source.
    """
    excluded = {
        entry.entry_id
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.data.get(CONF_SOURCE) == exclude
    }
    found: dict[Key, list[str]] = {}
    entities = sorted(er.async_get(hass).entities.values(), key=lambda e: e.entity_id)
    for entity in entities:
        if (
            entity.platform != DOMAIN
            or entity.domain != Platform.SENSOR
            or entity.config_entry_id in excluded
        ):
            continue
        for key in Key:
            if entity.unique_id.endswith(f"_{key}"):
                found.setdefault(key, []).append(entity.entity_id)
    return found
