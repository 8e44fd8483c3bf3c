"""The EV charger's reason and statistics."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfEnergy, UnitOfPower
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from ...lib.ev.controller import ChargeController, Reason
from ...lib.vocabulary import Key
from .coordinator import EvChargerCoordinator
from .entity import EvChargerEntity


@dataclass(frozen=True, kw_only=True)
class EvSensorDescription(SensorEntityDescription):
    """A sensor whose value comes from the controller."""

    value_fn: Callable[[ChargeController], StateType]
    resets_daily: bool = False


SENSORS: tuple[EvSensorDescription, ...] = (
    EvSensorDescription(
        key=Key.CHARGING_REASON,
        translation_key=Key.CHARGING_REASON,
        device_class=SensorDeviceClass.ENUM,
        options=[reason.value for reason in Reason],
        value_fn=lambda controller: controller.last_decision.reason.value,
    ),
    EvSensorDescription(
        key=Key.CHARGED_ENERGY_TODAY,
        translation_key=Key.CHARGED_ENERGY_TODAY,
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda controller: controller.energy_today,
        resets_daily=True,
    ),
    EvSensorDescription(
        key=Key.SOLAR_SHARE_TODAY,
        translation_key=Key.SOLAR_SHARE_TODAY,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=0,
        value_fn=lambda controller: controller.solar_share_today,
    ),
    EvSensorDescription(
        key=Key.RELAY_SWITCHES_TODAY,
        translation_key=Key.RELAY_SWITCHES_TODAY,
        state_class=SensorStateClass.TOTAL,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda controller: controller.switches_today,
        resets_daily=True,
    ),
    EvSensorDescription(
        key=Key.CHARGER_POWER,
        translation_key=Key.CHARGER_POWER,
        device_class=SensorDeviceClass.POWER,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfPower.WATT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda controller: controller.charger_power,
    ),
)


class EvSensor(EvChargerEntity, SensorEntity):
    """A statistic of the EV charger."""

    entity_description: EvSensorDescription

    @property
    @override
    def native_value(self) -> StateType:
        """Return the value."""
        return self.entity_description.value_fn(self.coordinator.controller)

    @property
    @override
    def last_reset(self) -> datetime | None:
        """Daily totals start at local midnight."""
        if not self.entity_description.resets_daily:
            return None
        return dt_util.start_of_local_day()


def async_setup_sensors(
    coordinator: EvChargerCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors."""
    async_add_entities(EvSensor(coordinator, d) for d in SENSORS)
