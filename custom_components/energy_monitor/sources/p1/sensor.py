"""Sensors of a P1 meter and the gas, water and heat meters behind it.

A sensor is created only once the meter reports its value; values that
appear later (a gas reading after an MBus device is paired) add their
sensors then.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, override

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.const import EntityCategory, UnitOfEnergy, UnitOfVolume
from homeassistant.core import callback
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from ...const import DOMAIN
from ...descriptions import describe
from ...entity import EnergyMonitorEntity, id_tail
from ...lib.p1.model import SWITCH_STATES, MbusKind, MbusReading, PeakDemand
from ...lib.vocabulary import APPARENT_POWERS, REACTIVE_POWERS, Key
from .const import MANUFACTURERS
from .coordinator import P1Coordinator, P1Data, mbus_device_id


@dataclass(frozen=True, kw_only=True)
class P1SensorEntityDescription(SensorEntityDescription):
    """A sensor of the P1 meter itself."""

    value_fn: Callable[[P1Data], StateType | datetime] | None = None
    """Where the value comes from; default: ``data.values[key]``."""
    attributes_fn: Callable[[P1Data], dict[str, Any]] | None = None
    always_available: bool = False
    """Health sensors stay available during an outage, to explain it."""


def _meter(key: Key, **fields: Any) -> P1SensorEntityDescription:
    """Describe a value of the meter as the vocabulary says."""
    return describe(key, P1SensorEntityDescription, **fields)


def _quality_counter(key: Key) -> P1SensorEntityDescription:
    """Describe a power-quality event counter (diagnostic, off by default)."""
    return _meter(
        key,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
    )


def _peak_attributes(data: P1Data) -> dict[str, Any]:
    """Return the time of this month's peak and the 13-month history."""
    return {
        "peak_time": _isoformat(data.month_peak.peak_time if data.month_peak else None),
        "history": [_peak_entry(peak) for peak in data.peak_history],
    }


def _peak_entry(peak: PeakDemand) -> dict[str, Any]:
    """Return one month of the capacity-tariff peak history."""
    return {
        "month_start": _isoformat(peak.month_start),
        "peak_time": _isoformat(peak.peak_time),
        "demand_kw": peak.demand_kw,
    }


def _isoformat(moment: datetime | None) -> str | None:
    """Return a timestamp as ISO 8601 text."""
    return None if moment is None else moment.isoformat()


METER_SENSORS: tuple[P1SensorEntityDescription, ...] = (
    *(
        _meter(key)
        for key in (
            Key.GRID_ELEC_IMPORT,
            Key.GRID_ELEC_IMPORT_T1,
            Key.GRID_ELEC_IMPORT_T2,
            Key.GRID_ELEC_IMPORT_T3,
            Key.GRID_ELEC_IMPORT_T4,
            Key.GRID_ELEC_EXPORT,
            Key.GRID_ELEC_EXPORT_T1,
            Key.GRID_ELEC_EXPORT_T2,
            Key.GRID_ELEC_EXPORT_T3,
            Key.GRID_ELEC_EXPORT_T4,
            Key.GRID_POWER,
            Key.GRID_POWER_IMPORT,
            Key.GRID_POWER_EXPORT,
            Key.GRID_TARIFF,
            Key.VOLTAGE_L1,
            Key.VOLTAGE_L2,
            Key.VOLTAGE_L3,
            Key.CURRENT_L1,
            Key.CURRENT_L2,
            Key.CURRENT_L3,
            Key.POWER_IMPORT_L1,
            Key.POWER_IMPORT_L2,
            Key.POWER_IMPORT_L3,
            Key.POWER_EXPORT_L1,
            Key.POWER_EXPORT_L2,
            Key.POWER_EXPORT_L3,
        )
    ),
    _meter(Key.FREQUENCY, entity_registry_enabled_default=False),
    # The meter's power factors have been published without a device class.
    *(
        _meter(key, device_class=None, entity_registry_enabled_default=False)
        for key in (
            Key.POWER_FACTOR,
            Key.POWER_FACTOR_L1,
            Key.POWER_FACTOR_L2,
            Key.POWER_FACTOR_L3,
        )
    ),
    *(
        _quality_counter(key)
        for key in (
            Key.POWER_FAILURES,
            Key.POWER_FAILURES_LONG,
            Key.VOLTAGE_SAGS_L1,
            Key.VOLTAGE_SAGS_L2,
            Key.VOLTAGE_SAGS_L3,
            Key.VOLTAGE_SWELLS_L1,
            Key.VOLTAGE_SWELLS_L2,
            Key.VOLTAGE_SWELLS_L3,
        )
    ),
    _meter(Key.DEMAND_CURRENT_QUARTER),
    _meter(Key.DEMAND_MONTH_PEAK, attributes_fn=_peak_attributes),
    # Reactive and apparent power and energy: for the few who need them.
    *(
        _meter(key, entity_registry_enabled_default=False)
        for key in (
            Key.GRID_REACTIVE_IMPORT,
            Key.GRID_REACTIVE_IMPORT_T1,
            Key.GRID_REACTIVE_IMPORT_T2,
            Key.GRID_REACTIVE_EXPORT,
            Key.GRID_REACTIVE_EXPORT_T1,
            Key.GRID_REACTIVE_EXPORT_T2,
            Key.GRID_REACTIVE_Q1,
            Key.GRID_REACTIVE_Q2,
            Key.GRID_REACTIVE_Q3,
            Key.GRID_REACTIVE_Q4,
            Key.GRID_ELEC_COMBINED,
            *REACTIVE_POWERS,
            *APPARENT_POWERS,
        )
    ),
    # The meter's limits, states and messages (diagnostic, off by default).
    *(
        _meter(
            key,
            entity_category=EntityCategory.DIAGNOSTIC,
            entity_registry_enabled_default=False,
        )
        for key in (
            Key.POWER_THRESHOLD,
            Key.APPARENT_POWER_THRESHOLD,
            Key.CURRENT_THRESHOLD,
            Key.CURRENT_THRESHOLD_L1,
            Key.CURRENT_THRESHOLD_L2,
            Key.CURRENT_THRESHOLD_L3,
            Key.METER_STATE,
            Key.TEXT_MESSAGE,
        )
    ),
    _meter(
        Key.BREAKER_STATE,
        options=list(SWITCH_STATES),
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
    ),
)

HEALTH_SENSORS: tuple[P1SensorEntityDescription, ...] = (
    _meter(
        Key.LAST_TELEGRAM,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.last_telegram,
        always_available=True,
    ),
    _meter(
        Key.TELEGRAMS_REJECTED,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda data: data.rejected,
        attributes_fn=lambda data: dict(data.rejected_by_reason),
        always_available=True,
    ),
)

_MBUS_KEYS = {
    MbusKind.GAS: Key.GRID_GAS_IMPORT,
    MbusKind.WATER: Key.GRID_WATER_IMPORT,
    MbusKind.HEAT: Key.GRID_HEAT_IMPORT,
}
_MBUS_UNITS = {
    "m³": UnitOfVolume.CUBIC_METERS,
    "kWh": UnitOfEnergy.KILO_WATT_HOUR,
    "MWh": UnitOfEnergy.MEGA_WATT_HOUR,
    "GJ": UnitOfEnergy.GIGA_JOULE,
}


def meter_device_info(coordinator: P1Coordinator) -> DeviceInfo:
    """Describe the P1 meter as a device."""
    telegram = coordinator.latest
    header = telegram.header if telegram else None
    version = telegram.protocol_version if telegram else None
    variant = telegram.variant if telegram else None
    return DeviceInfo(
        identifiers={(DOMAIN, coordinator.meter_id)},
        translation_key="p1_meter",
        translation_placeholders={
            "id": id_tail((telegram and telegram.equipment_id) or coordinator.meter_id)
        },
        manufacturer=MANUFACTURERS.get((header or "")[:3].upper()),
        model=header,
        sw_version=f"{variant} ({version})" if version else variant,
        serial_number=telegram.equipment_id if telegram else None,
    )


class P1Sensor(EnergyMonitorEntity[P1Coordinator], SensorEntity):
    """A value of the P1 meter."""

    entity_description: P1SensorEntityDescription
    _unrecorded_attributes = frozenset({"history"})

    def __init__(
        self, coordinator: P1Coordinator, description: P1SensorEntityDescription
    ) -> None:
        """Create the sensor on the meter's device."""
        super().__init__(
            coordinator,
            description,
            device_id=coordinator.meter_id,
            device_info=meter_device_info(coordinator),
        )

    @property
    @override
    def available(self) -> bool:
        """Tell whether the value is live (health sensors always are)."""
        description = self.entity_description
        return description.always_available or (
            super().available and description.key not in self.coordinator.data.expired
        )

    @property
    @override
    def native_value(self) -> StateType | datetime:
        """Return the published value."""
        description = self.entity_description
        if description.value_fn is not None:
            return self.rounded(description.value_fn(self.coordinator.data))
        return self.rounded(self.coordinator.data.values.get(description.key))

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return extra attributes where the description has them."""
        if (attributes_fn := self.entity_description.attributes_fn) is None:
            return None
        return attributes_fn(self.coordinator.data)

    @override
    async def async_added_to_hass(self) -> None:
        """Follow the coordinator; health sensors also follow the line."""
        await super().async_added_to_hass()
        if self.entity_description.always_available:
            self.async_on_remove(
                self.coordinator.async_add_health_listener(
                    self._handle_coordinator_update
                )
            )


@dataclass(frozen=True, kw_only=True)
class MbusSensorEntityDescription(SensorEntityDescription):
    """The reading of a gas, water or heat meter."""

    channel: int


def _mbus_reading(coordinator: P1Coordinator, device_id: str) -> MbusReading | None:
    """Return the reading of the MBus meter ``device_id`` in the latest data."""
    for reading in coordinator.data.mbus:
        if mbus_device_id(coordinator.meter_id, reading) == device_id:
            return reading
    return None


class MbusSensor(EnergyMonitorEntity[P1Coordinator], SensorEntity):
    """The reading of a gas, water or heat meter connected to the P1 meter."""

    entity_description: MbusSensorEntityDescription

    def __init__(
        self, coordinator: P1Coordinator, reading: MbusReading, meter_device_id: str
    ) -> None:
        """Create the sensor on the MBus meter's own device."""
        key = _MBUS_KEYS[reading.kind]
        device_id = mbus_device_id(coordinator.meter_id, reading)
        super().__init__(
            coordinator,
            describe(
                key,
                MbusSensorEntityDescription,
                channel=reading.channel,
                native_unit_of_measurement=_MBUS_UNITS.get(reading.unit or ""),
            ),
            device_id=device_id,
            device_info=DeviceInfo(
                identifiers={(DOMAIN, device_id)},
                translation_key=f"{reading.kind}_meter",
                translation_placeholders={"id": id_tail(device_id)},
                serial_number=reading.equipment_id,
                via_device_id=meter_device_id,
            ),
        )
        self._device_id = device_id

    @property
    @override
    def available(self) -> bool:
        """Tell whether the meter is reachable and its reading not too old."""
        return (
            super().available and self._device_id not in self.coordinator.data.expired
        )

    @property
    @override
    def native_value(self) -> float | None:
        """Return the meter reading."""
        reading = _mbus_reading(self.coordinator, self._device_id)
        return None if reading is None else self.rounded(reading.value)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return when the MBus meter took the reading."""
        reading = _mbus_reading(self.coordinator, self._device_id)
        return {"captured_at": _isoformat(reading.captured_at if reading else None)}


_MBUS_STATES: dict[Key, Callable[[MbusReading], str | None]] = {
    Key.VALVE_STATE: lambda reading: reading.valve,
    Key.BREAKER_STATE: lambda reading: reading.breaker,
}
"""The states of an MBus device's valve (gas) and breaker, where it has them."""


class MbusStateSensor(EnergyMonitorEntity[P1Coordinator], SensorEntity):
    """The valve or breaker of a gas, water or heat meter (off by default)."""

    def __init__(
        self,
        coordinator: P1Coordinator,
        key: Key,
        reading: MbusReading,
        meter_device_id: str,
    ) -> None:
        """Create the sensor on the MBus meter's own device."""
        device_id = mbus_device_id(coordinator.meter_id, reading)
        super().__init__(
            coordinator,
            describe(
                key,
                options=list(SWITCH_STATES),
                entity_category=EntityCategory.DIAGNOSTIC,
                entity_registry_enabled_default=False,
            ),
            device_id=device_id,
            device_info=DeviceInfo(
                identifiers={(DOMAIN, device_id)},
                via_device_id=meter_device_id,
            ),
        )
        self._device_id = device_id
        self._state_of = _MBUS_STATES[key]

    @property
    @override
    def available(self) -> bool:
        """Tell whether the meter is live and the device's state was sent."""
        return (
            super().available
            and self._device_id not in self.coordinator.data.expired
            and self.native_value is not None
        )

    @property
    @override
    def native_value(self) -> str | None:
        """Return the valve's or breaker's state."""
        reading = _mbus_reading(self.coordinator, self._device_id)
        return None if reading is None else self._state_of(reading)


@callback
def async_setup_sensors(
    coordinator: P1Coordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the sensors the meter reports now, and later ones as they appear."""
    known: set[str | tuple[str, Key]] = set()
    meter_device = dr.async_get(coordinator.hass).async_get_or_create(
        config_entry_id=coordinator.config_entry.entry_id,
        **meter_device_info(coordinator),
    )

    @callback
    def add_new_sensors() -> None:
        data = coordinator.data
        new: list[SensorEntity] = []
        for description in METER_SENSORS:
            if description.key not in known and description.key in data.values:
                known.add(description.key)
                new.append(P1Sensor(coordinator, description))
        for description in HEALTH_SENSORS:
            if description.key not in known:
                known.add(description.key)
                new.append(P1Sensor(coordinator, description))
        for reading in data.mbus:
            device_id = mbus_device_id(coordinator.meter_id, reading)
            if reading.value is not None and device_id not in known:
                known.add(device_id)
                new.append(MbusSensor(coordinator, reading, meter_device.id))
            if device_id not in known:
                continue  # the device's states come with its reading's sensor
            for key, state_of in _MBUS_STATES.items():
                if state_of(reading) is not None and (device_id, key) not in known:
                    known.add((device_id, key))
                    new.append(
                        MbusStateSensor(coordinator, key, reading, meter_device.id)
                    )
        if new:
            async_add_entities(new)

    add_new_sensors()
    coordinator.config_entry.async_on_unload(
        coordinator.async_add_listener(add_new_sensors)
    )
