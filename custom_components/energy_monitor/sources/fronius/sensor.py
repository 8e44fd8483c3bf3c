"""Sensors of a Fronius system: site power flow, inverters, meters, batteries.

A sensor is created once its device reports its key (see
:mod:`.coordinator` for what a device reports when). Daily and yearly
energy are resetting totals (state class ``total`` with ``last_reset``);
lifetime counters are ``total_increasing``.
"""

from datetime import datetime
from typing import override

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType

from ...descriptions import describe
from ...lib.fronius.model import InverterStatus
from ...lib.vocabulary import Key
from .coordinator import FroniusCoordinator
from .entity import FroniusEntity, async_add_device_entities

SENSORS: tuple[SensorEntityDescription, ...] = (
    *(
        describe(key)
        for key in (
            # The site (power flow).
            Key.PV_POWER,
            Key.GRID_POWER,
            Key.SITE_POWER,
            Key.BATTERY_POWER,
            Key.AUTONOMY,
            Key.SELF_CONSUMPTION,
            # Inverters.
            Key.PV_ELEC_PROD,
            Key.PV_ELEC_PROD_TODAY,
            Key.PV_ELEC_PROD_YEAR,
            Key.INVERTER_POWER_AC,
            Key.INVERTER_VOLTAGE_AC,
            Key.INVERTER_VOLTAGE_DC,
            Key.INVERTER_CURRENT_AC,
            Key.INVERTER_CURRENT_DC,
            Key.INVERTER_FREQUENCY_AC,
            Key.INVERTER_VOLTAGE_DC_2,
            Key.INVERTER_VOLTAGE_DC_3,
            Key.INVERTER_VOLTAGE_DC_4,
            Key.INVERTER_VOLTAGE_AC_L1,
            Key.INVERTER_VOLTAGE_AC_L2,
            Key.INVERTER_VOLTAGE_AC_L3,
            Key.INVERTER_CURRENT_DC_2,
            Key.INVERTER_CURRENT_DC_3,
            Key.INVERTER_CURRENT_DC_4,
            Key.INVERTER_CURRENT_AC_L1,
            Key.INVERTER_CURRENT_AC_L2,
            Key.INVERTER_CURRENT_AC_L3,
            # Smart meters.
            Key.GRID_ELEC_IMPORT,
            Key.GRID_ELEC_EXPORT,
            Key.METER_ELEC_IMPORT,
            Key.METER_ELEC_EXPORT,
            Key.VOLTAGE_L1,
            Key.VOLTAGE_L2,
            Key.VOLTAGE_L3,
            Key.CURRENT_L1,
            Key.CURRENT_L2,
            Key.CURRENT_L3,
            Key.POWER_L1,
            Key.POWER_L2,
            Key.POWER_L3,
            Key.FREQUENCY,
            # Batteries.
            Key.BATTERY_SOC,
            Key.BATTERY_VOLTAGE_DC,
            Key.BATTERY_CURRENT_DC,
            Key.BATTERY_TEMPERATURE,
        )
    ),
    *(
        describe(key, entity_registry_enabled_default=False)
        for key in (
            Key.POWER_FACTOR,
            Key.POWER_FACTOR_L1,
            Key.POWER_FACTOR_L2,
            Key.POWER_FACTOR_L3,
        )
    ),
    describe(Key.INVERTER_STATUS, options=[status.value for status in InverterStatus]),
    describe(Key.INVERTER_ERROR_CODE, entity_category=EntityCategory.DIAGNOSTIC),
)
"""Every value of the system's devices (a device shows those it reports)."""


class FroniusSensor(FroniusEntity, SensorEntity):
    """A value of a device of a Fronius system."""

    entity_description: SensorEntityDescription

    @property
    @override
    def native_value(self) -> StateType:
        """Return the device's value (unknown when it reports none now)."""
        return self.rounded(self.value)

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
