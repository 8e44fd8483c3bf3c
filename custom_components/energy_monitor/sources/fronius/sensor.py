"""Sensors of a Fronius system: site power flow, inverters, meters, batteries.

A sensor is created once its device reports its key (see
:mod:`.coordinator` for what a device reports when). Daily and yearly
energy are resetting totals (state class ``total`` with ``last_reset``);
lifetime counters are ``total_increasing``.
"""

from datetime import datetime
from typing import override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfFrequency,
    UnitOfPower,
    UnitOfTemperature,
)
from homeassistant.core import callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from ...lib.fronius.model import InverterStatus
from ...lib.vocabulary import Key
from .coordinator import FroniusCoordinator
from .entity import FroniusEntity, async_add_device_entities

_MEASUREMENT = SensorStateClass.MEASUREMENT
_UNITS: dict[SensorDeviceClass, tuple[str, int]] = {
    SensorDeviceClass.POWER: (UnitOfPower.WATT, 0),
    SensorDeviceClass.VOLTAGE: (UnitOfElectricPotential.VOLT, 1),
    SensorDeviceClass.CURRENT: (UnitOfElectricCurrent.AMPERE, 2),
    SensorDeviceClass.FREQUENCY: (UnitOfFrequency.HERTZ, 2),
    SensorDeviceClass.BATTERY: (PERCENTAGE, 1),
    SensorDeviceClass.TEMPERATURE: (UnitOfTemperature.CELSIUS, 1),
}
"""Unit and display precision per device class."""


def _measurement(
    device_class: SensorDeviceClass, *keys: Key
) -> tuple[SensorEntityDescription, ...]:
    """Describe instantaneous measurements of one device class."""
    unit, precision = _UNITS[device_class]
    return tuple(
        SensorEntityDescription(
            key=key,
            translation_key=key,
            device_class=device_class,
            state_class=_MEASUREMENT,
            native_unit_of_measurement=unit,
            suggested_display_precision=precision,
        )
        for key in keys
    )


def _energy(key: Key, state_class: SensorStateClass) -> SensorEntityDescription:
    """Describe an energy counter (lifetime, or per period)."""
    return SensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.ENERGY,
        state_class=state_class,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=3,
    )


def _share(key: Key) -> SensorEntityDescription:
    """Describe a percentage the device computes from the power flow."""
    return SensorEntityDescription(
        key=key,
        translation_key=key,
        state_class=_MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=0,
    )


def _power_factor(*keys: Key) -> tuple[SensorEntityDescription, ...]:
    """Describe power factors (off by default)."""
    return tuple(
        SensorEntityDescription(
            key=key,
            translation_key=key,
            device_class=SensorDeviceClass.POWER_FACTOR,
            state_class=_MEASUREMENT,
            suggested_display_precision=3,
            entity_registry_enabled_default=False,
        )
        for key in keys
    )


_POWER = SensorDeviceClass.POWER
_VOLTAGE = SensorDeviceClass.VOLTAGE
_CURRENT = SensorDeviceClass.CURRENT
_TOTAL_INCREASING = SensorStateClass.TOTAL_INCREASING

SENSORS: tuple[SensorEntityDescription, ...] = (
    # The site (power flow).
    *_measurement(
        _POWER, Key.PV_POWER, Key.GRID_POWER, Key.SITE_POWER, Key.BATTERY_POWER
    ),
    _share(Key.AUTONOMY),
    _share(Key.SELF_CONSUMPTION),
    # Inverters.
    _energy(Key.PV_ELEC_PROD, _TOTAL_INCREASING),
    _energy(Key.PV_ELEC_PROD_TODAY, SensorStateClass.TOTAL),
    _energy(Key.PV_ELEC_PROD_YEAR, SensorStateClass.TOTAL),
    *_measurement(_POWER, Key.INVERTER_POWER_AC),
    *_measurement(_VOLTAGE, Key.INVERTER_VOLTAGE_AC, Key.INVERTER_VOLTAGE_DC),
    *_measurement(_CURRENT, Key.INVERTER_CURRENT_AC, Key.INVERTER_CURRENT_DC),
    *_measurement(SensorDeviceClass.FREQUENCY, Key.INVERTER_FREQUENCY_AC),
    *_measurement(
        _VOLTAGE,
        Key.INVERTER_VOLTAGE_DC_2,
        Key.INVERTER_VOLTAGE_DC_3,
        Key.INVERTER_VOLTAGE_DC_4,
        Key.INVERTER_VOLTAGE_AC_L1,
        Key.INVERTER_VOLTAGE_AC_L2,
        Key.INVERTER_VOLTAGE_AC_L3,
    ),
    *_measurement(
        _CURRENT,
        Key.INVERTER_CURRENT_DC_2,
        Key.INVERTER_CURRENT_DC_3,
        Key.INVERTER_CURRENT_DC_4,
        Key.INVERTER_CURRENT_AC_L1,
        Key.INVERTER_CURRENT_AC_L2,
        Key.INVERTER_CURRENT_AC_L3,
    ),
    SensorEntityDescription(
        key=Key.INVERTER_STATUS,
        translation_key=Key.INVERTER_STATUS,
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in InverterStatus],
    ),
    SensorEntityDescription(
        key=Key.INVERTER_ERROR_CODE,
        translation_key=Key.INVERTER_ERROR_CODE,
        entity_category=EntityCategory.DIAGNOSTIC,
    ),
    # Smart meters.
    _energy(Key.GRID_ELEC_IMPORT, _TOTAL_INCREASING),
    _energy(Key.GRID_ELEC_EXPORT, _TOTAL_INCREASING),
    _energy(Key.METER_ELEC_IMPORT, _TOTAL_INCREASING),
    _energy(Key.METER_ELEC_EXPORT, _TOTAL_INCREASING),
    *_measurement(_VOLTAGE, Key.VOLTAGE_L1, Key.VOLTAGE_L2, Key.VOLTAGE_L3),
    *_measurement(_CURRENT, Key.CURRENT_L1, Key.CURRENT_L2, Key.CURRENT_L3),
    *_measurement(_POWER, Key.POWER_L1, Key.POWER_L2, Key.POWER_L3),
    *_measurement(SensorDeviceClass.FREQUENCY, Key.FREQUENCY),
    *_power_factor(
        Key.POWER_FACTOR, Key.POWER_FACTOR_L1, Key.POWER_FACTOR_L2, Key.POWER_FACTOR_L3
    ),
    # Batteries.
    *_measurement(SensorDeviceClass.BATTERY, Key.BATTERY_SOC),
    *_measurement(_VOLTAGE, Key.BATTERY_VOLTAGE_DC),
    *_measurement(_CURRENT, Key.BATTERY_CURRENT_DC),
    *_measurement(SensorDeviceClass.TEMPERATURE, Key.BATTERY_TEMPERATURE),
)


class FroniusSensor(FroniusEntity, SensorEntity):
    """A value of a device of a Fronius system."""

    entity_description: SensorEntityDescription

    @property
    @override
    def native_value(self) -> StateType:
        """Return the device's value (unknown when it reports none now)."""
        return self.value

    @property
    @override
    def last_reset(self) -> datetime | None:
        """Return when a daily or yearly total started counting."""
        state = self.device_state
        return (
            None if state is None else state.last_reset.get(self.entity_description.key)
        )


@callback
def async_setup_sensors(
    coordinator: FroniusCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
    system_device_id: str,
) -> None:
    """Add the sensors the system reports now, and later ones as they appear."""
    async_add_device_entities(
        coordinator, async_add_entities, SENSORS, FroniusSensor, system_device_id
    )
