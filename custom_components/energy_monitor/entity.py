"""Base entity of Energy Monitor, and how to find its entities by key."""

from dataclasses import dataclass
from typing import Any, override

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import (
    CoordinatorEntity,
    DataUpdateCoordinator,
)

from .const import CONF_SOURCE, DOMAIN
from .lib.vocabulary import Key
from .written import WrittenByPolicy

GRID_METER_KEYS = frozenset(
    {
        Key.GRID_ELEC_IMPORT,
        Key.GRID_ELEC_IMPORT_T1,
        Key.GRID_ELEC_IMPORT_T2,
        Key.GRID_POWER,
    }
)
"""Keys that make a device a grid meter (sub-meters use ``meter_*`` keys)."""
_PREFERRED_SOURCE = "p1"
"""The source whose meters are offered first: the grid operator's own meter."""


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


def id_tail(identifier: str, length: int = 4) -> str:
    """Return the last letters or digits of an ID, to tell devices apart by name."""
    return "".join(c for c in identifier if c.isalnum())[-length:] or identifier


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
    for entity, key in _own_sensors(hass, excluded):
        found.setdefault(key, []).append(entity.entity_id)
    return found


def _own_sensors(
    hass: HomeAssistant, excluded: set[str]
) -> list[tuple[er.RegistryEntry, Key]]:
    """Return Energy Monitor's sensors with the key each ends in, by entity ID."""
    entities = sorted(er.async_get(hass).entities.values(), key=lambda e: e.entity_id)
    return [
        (entity, key)
        for entity in entities
        if entity.platform == DOMAIN
        and entity.domain == Platform.SENSOR
        and entity.config_entry_id not in excluded
        for key in Key
        if entity.unique_id.endswith(f"_{key}")
    ]


@dataclass(frozen=True, slots=True)
class GridMeter:
    """One device of Energy Monitor that measures the grid connection."""

    meter_id: str
    """The device's own identifier (a meter's serial number: stable, so the
    development instance's wizard answers can name it), else its registry
    ID, or its config entry's ID for sensors without a device."""
    name: str
    entry_id: str | None
    sensors: dict[Key, str]
    """The device's sensor (the first by entity ID) per key."""


def _own_identifier(identifiers: set[tuple[str, str]]) -> str | None:
    """Return the identifier Energy Monitor gave a device (None: none)."""
    return next((value for domain, value in identifiers if domain == DOMAIN), None)


def grid_meters(hass: HomeAssistant, *, exclude: str | None = None) -> list[GridMeter]:
    """Return Energy Monitor's grid meters, P1 meters first.

    A grid meter is a device with grid import or grid power sensors; a
    sub-meter (a circuit, a meter behind the grid connection) reports
    ``meter_*`` keys and is none. Sensors of ``exclude`` sources are left out.
    """
    entries = {
        entry.entry_id: entry for entry in hass.config_entries.async_entries(DOMAIN)
    }
    excluded = {
        entry_id
        for entry_id, entry in entries.items()
        if entry.data.get(CONF_SOURCE) == exclude
    }
    devices = dr.async_get(hass)
    meters: dict[str, GridMeter] = {}
    for entity, key in _own_sensors(hass, excluded):
        group = entity.device_id or entity.config_entry_id or ""
        if group not in meters:
            device = devices.async_get(group)
            entry = entries.get(entity.config_entry_id or "")
            title = entry.title if entry is not None else ""
            name = (device.name_by_user or device.name) if device else None
            meters[group] = GridMeter(
                (device and _own_identifier(device.identifiers)) or group,
                f"{name} ({title})" if name and title else name or title or group,
                entity.config_entry_id,
                {},
            )
        meters[group].sensors.setdefault(key, entity.entity_id)
    found = [meter for meter in meters.values() if GRID_METER_KEYS & set(meter.sensors)]

    def source(meter: GridMeter) -> Any:
        entry = entries.get(meter.entry_id or "")
        return entry.data.get(CONF_SOURCE) if entry is not None else None

    return sorted(found, key=lambda meter: source(meter) != _PREFERRED_SOURCE)
