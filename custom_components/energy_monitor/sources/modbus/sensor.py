"""Sensors of a Modbus meter, described by its register map.

Every register of the map becomes a sensor once the meter answered for it
(a register the meter refuses never appears). Keys from the shared
vocabulary (``grid_power``, ``voltage_l1``, ...) get translated names and
their display precision; a map's own keys are named by the map and shown at
the precision of their unit. Device and state classes and unit come from the
map (which must use a vocabulary key in its unit).
"""

from dataclasses import replace
from typing import override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from ...entity import EnergyMonitorEntity
from ...lib.modbus.schema import Register
from ...lib.vocabulary import PRECISION_BY_UNIT, VOCABULARY
from .coordinator import ModbusGroupCoordinator


def describe(register: Register) -> SensorEntityDescription:
    """Return the entity description of a register."""
    quantity = VOCABULARY.get(register.key)  # type: ignore[call-overload]
    translated = quantity is not None
    precision = register.precision
    if precision is None and quantity is not None:
        precision = quantity.precision
    elif precision is None:
        precision = 3 if register.device_class == "power_factor" else None
        precision = PRECISION_BY_UNIT.get(register.unit or "", precision)
    description = SensorEntityDescription(
        key=register.key,
        translation_key=register.key if translated else None,
        device_class=(
            SensorDeviceClass(register.device_class) if register.device_class else None
        ),
        state_class=(
            SensorStateClass(register.state_class) if register.state_class else None
        ),
        native_unit_of_measurement=register.unit,
        suggested_display_precision=precision,
        entity_registry_enabled_default=register.enabled,
    )
    return description if translated else replace(description, name=register.name)


class ModbusSensor(EnergyMonitorEntity[ModbusGroupCoordinator], SensorEntity):
    """One value of a Modbus meter."""

    def __init__(
        self,
        coordinator: ModbusGroupCoordinator,
        register: Register,
        device_info: DeviceInfo,
    ) -> None:
        """Create the sensor on the meter's device."""
        super().__init__(
            coordinator,
            describe(register),
            device_id=coordinator.meter.device_id,
            device_info=device_info,
        )

    @property
    @override
    def available(self) -> bool:
        """Tell whether the value's last read succeeded."""
        return (
            super().available and self.entity_description.key in self.coordinator.data
        )

    @property
    @override
    def native_value(self) -> StateType:
        """Return the value."""
        return self.rounded(self.coordinator.data.get(self.entity_description.key))


@callback
def async_setup_sensors(
    coordinators: list[ModbusGroupCoordinator],
    device_info: DeviceInfo,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a sensor per register once the meter answered for it."""
    known: set[str] = set()
    for coordinator in coordinators:
        registers = [
            register
            for register in coordinator.meter.reader.register_map.sensors
            if register.scan_group is coordinator.group
        ]

        @callback
        def add_new(
            coordinator: ModbusGroupCoordinator = coordinator,
            registers: list[Register] = registers,
        ) -> None:
            if not coordinator.last_update_success:
                return
            values = coordinator.data
            new = [
                ModbusSensor(coordinator, register, device_info)
                for register in registers
                if register.key not in known and register.key in values
            ]
            known.update(sensor.entity_description.key for sensor in new)
            if new:
                async_add_entities(new)

        add_new()
        coordinator.config_entry.async_on_unload(
            coordinator.async_add_listener(add_new)
        )
