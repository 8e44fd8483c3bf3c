"""The EV charger's reason and statistics."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import override

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from ...descriptions import describe
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
    describe(
        Key.CHARGING_REASON,
        EvSensorDescription,
        options=[reason.value for reason in Reason],
        value_fn=lambda controller: controller.last_decision.reason.value,
    ),
    describe(
        Key.CHARGED_ENERGY_TODAY,
        EvSensorDescription,
        value_fn=lambda controller: controller.energy_today,
        resets_daily=True,
    ),
    describe(
        Key.SOLAR_SHARE_TODAY,
        EvSensorDescription,
        value_fn=lambda controller: controller.solar_share_today,
    ),
    describe(
        Key.RELAY_SWITCHES_TODAY,
        EvSensorDescription,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda controller: controller.switches_today,
        resets_daily=True,
    ),
    describe(
        Key.CHARGER_POWER,
        EvSensorDescription,
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
        return self.rounded(
            self.entity_description.value_fn(self.coordinator.controller)
        )

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
