"""Sensors of a Flukso meter: one device per enabled sensor, live and counted.

A sensor's entities are added as soon as the meter's configuration names it;
sensors enabled later add theirs then. An entity is unavailable while its
sensor is silent, the broker is unreachable, or the sensor left the
configuration (its device may then be deleted).
"""

from typing import override

from homeassistant.components.sensor import SensorEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...const import DOMAIN
from ...descriptions import describe
from ...entity import EnergyMonitorEntity
from ...lib.flukso.keys import sensor_keys
from ...lib.flukso.model import FluksoSensor
from ...lib.vocabulary import Key
from .const import MANUFACTURER
from .coordinator import FluksoCoordinator


def meter_device_info(device_id: str) -> DeviceInfo:
    """Return the device of a Flukso meter (FLM)."""
    return DeviceInfo(
        identifiers={(DOMAIN, device_id)},
        manufacturer=MANUFACTURER,
        model="Fluksometer",
        name=f"Fluksometer {device_id[:8]}",
    )


def sensor_device_info(sensor: FluksoSensor, meter_device_id: str) -> DeviceInfo:
    """Return the device of one of the meter's sensors (on the meter's device)."""
    return DeviceInfo(
        identifiers={(DOMAIN, sensor.sensor_id)},
        manufacturer=MANUFACTURER,
        model=f"{sensor.type} sensor"
        + (f" ({sensor.subtype})" if sensor.subtype else ""),
        name=sensor.name,
        via_device_id=meter_device_id,
    )


class FluksoSensorEntity(EnergyMonitorEntity[FluksoCoordinator], SensorEntity):
    """A value of one Flukso sensor."""

    def __init__(
        self,
        coordinator: FluksoCoordinator,
        sensor: FluksoSensor,
        key: Key,
        meter_device_id: str,
    ) -> None:
        """Create the entity on the sensor's device."""
        super().__init__(
            coordinator,
            describe(key),
            device_id=sensor.sensor_id,
            device_info=sensor_device_info(sensor, meter_device_id),
        )
        self._sensor_id = sensor.sensor_id
        self._key = key

    @override
    async def async_added_to_hass(self) -> None:
        """Listen to the sensor's readings."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.async_add_sensor_listener(
                self._sensor_id, self._handle_coordinator_update
            )
        )

    @property
    @override
    def available(self) -> bool:
        """Tell whether the sensor is configured, reporting and reachable."""
        return self.coordinator.available(self._sensor_id)

    @property
    @override
    def native_value(self) -> float | None:
        """Return the sensor's latest value (without float noise)."""
        return self.rounded(self.coordinator.value(self._sensor_id, self._key))


def unique_id(sensor: FluksoSensor, key: Key) -> str:
    """Return the unique ID of a sensor's entity of ``key``."""
    return f"{sensor.sensor_id}_{key}"


@callback
def async_setup_sensors(
    hass: HomeAssistant,
    coordinator: FluksoCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the entities of the configured sensors, and of later ones."""
    known: set[str] = set()
    registry = dr.async_get(hass)
    entry_id = coordinator.config_entry.entry_id

    @callback
    def add_new_sensors() -> None:
        new: list[SensorEntity] = []
        for sensor in coordinator.data.sensors.values():
            keys = {
                key
                for key in sensor_keys(sensor).values()
                if unique_id(sensor, key) not in known
            }
            if not keys:
                continue
            known.update(unique_id(sensor, key) for key in keys)
            meter = registry.async_get_or_create(
                config_entry_id=entry_id, **meter_device_info(sensor.device_id)
            )
            new.extend(
                FluksoSensorEntity(coordinator, sensor, key, meter.id)
                for key in sorted(keys)
            )
        if new:
            async_add_entities(new)

    add_new_sensors()
    coordinator.config_entry.async_on_unload(
        coordinator.async_add_listener(add_new_sensors)
    )
