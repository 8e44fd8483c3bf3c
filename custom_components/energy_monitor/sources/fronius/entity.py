"""Base entity of the Fronius source: one value of one device of the system."""

from collections.abc import Callable, Collection
from typing import override

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from ...const import DOMAIN
from ...entity import EnergyMonitorEntity, id_tail
from .coordinator import DeviceKind, DeviceState, FroniusCoordinator, FroniusDevice

_DEVICE_NAMES = {
    DeviceKind.SYSTEM: "fronius_system",
    DeviceKind.INVERTER: "fronius_inverter",
    DeviceKind.METER: "fronius_meter",
    DeviceKind.BATTERY: "fronius_battery",
}
"""Translation keys of the names of devices that report none."""
_NAMED_BY_MODEL = {DeviceKind.METER, DeviceKind.BATTERY}
"""Devices whose model makes a good name ("Smart Meter 63A")."""


def device_info(device: FroniusDevice, *, via: str | None, url: str) -> DeviceInfo:
    """Describe a device of the system for the device registry.

    Args:
        device: the device.
        via: the registry ID of the system device, which inverters, meters
            and batteries hang under (``None`` for the system device).
        url: the device's web interface.
    """
    info = DeviceInfo(
        identifiers={(DOMAIN, device.device_id)},
        manufacturer=device.manufacturer,
        model=device.model,
        model_id=device.model_id,
        serial_number=device.serial_number,
        sw_version=device.sw_version,
        hw_version=device.hw_version,
    )
    if via is None:
        info["configuration_url"] = url
    else:
        info["via_device_id"] = via
    name = device.name or (device.model if device.kind in _NAMED_BY_MODEL else None)
    if name:
        info["name"] = name
    else:
        info["translation_key"] = _DEVICE_NAMES[device.kind]
        info["translation_placeholders"] = {
            "number": device.number or "",
            "id": id_tail(device.device_id),
        }
    return info


class FroniusEntity(EnergyMonitorEntity[FroniusCoordinator]):
    """An entity showing one value of one device of a Fronius system."""

    def __init__(
        self,
        coordinator: FroniusCoordinator,
        description: EntityDescription,
        device: DeviceInfo,
        device_id: str,
    ) -> None:
        """Attach the entity to its device."""
        super().__init__(
            coordinator, description, device_id=device_id, device_info=device
        )
        self._device_id = device_id

    @property
    def device_state(self) -> DeviceState | None:
        """Return the device's latest state (``None``: it did not answer)."""
        return self.coordinator.data.states.get(self._device_id)

    @property
    def value(self) -> StateType:
        """Return the device's value of this entity's key (``None``: none)."""
        state = self.device_state
        return None if state is None else state.values.get(self.entity_description.key)

    @property
    @override
    def available(self) -> bool:
        """Tell whether the system and this device answered."""
        return super().available and self.device_state is not None


@callback
def async_add_device_entities[DescriptionT: EntityDescription](
    coordinator: FroniusCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
    descriptions: Collection[DescriptionT],
    entity: Callable[
        [FroniusCoordinator, DescriptionT, DeviceInfo, str], FroniusEntity
    ],
    system_device_id: str,
) -> None:
    """Add an entity per device and value as they appear, now and later.

    Args:
        coordinator: the system's coordinator.
        async_add_entities: the platform's callback.
        descriptions: the platform's descriptions, by the key of the value
            they show; values without one belong to another platform.
        entity: the platform's entity class.
        system_device_id: registry ID of the system device.
    """
    by_key = {description.key: description for description in descriptions}
    known: set[tuple[str, str]] = set()

    @callback
    def add_new() -> None:
        data = coordinator.data
        new: list[FroniusEntity] = []
        for device_id, state in data.states.items():
            for key in state.values:
                if (device_id, key) in known or key not in by_key:
                    continue
                known.add((device_id, key))
                device = data.devices[device_id]
                info = device_info(
                    device,
                    via=None if device.kind is DeviceKind.SYSTEM else system_device_id,
                    url=coordinator.client.url,
                )
                new.append(entity(coordinator, by_key[key], info, device_id))
        if new:
            async_add_entities(new)

    add_new()
    coordinator.config_entry.async_on_unload(coordinator.async_add_listener(add_new))
