"""Sensors of an Octopus account, per meter point (one device each).

* Unit rates now, next and before (``price_import``/``price_export``/
  ``price_gas_kwh`` and their ``_next``/``_previous``), in pounds per kWh with
  VAT. The current one carries a ``forecast`` attribute with every known
  window from now on, in the format the energy site and the EV charger's
  planner read; it changes at the window boundary to the second.
* The standing charge (pounds per day) of import and gas meter points.
* The latest complete day's energy (kWh; gas converted) and its cost (the
  export one is the money earned): ``total`` with ``last_reset`` at the day's
  local midnight.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any, override

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from ...const import DOMAIN
from ...descriptions import currency_unit, describe
from ...entity import EnergyMonitorEntity
from ...lib.octopus.model import Flow, MeterPoint
from ...lib.octopus.rates import PRICE_DIGITS, Window
from ...lib.vocabulary import Key
from .const import CURRENCY, MANUFACTURER
from .coordinator import OctopusCoordinator
from .history import OctopusHistory


class Which(StrEnum):
    """Which rate a rate sensor shows."""

    CURRENT = "current"
    NEXT = "next"
    PREVIOUS = "previous"
    STANDING = "standing"


RATE_KEYS: dict[Flow, dict[Which, Key]] = {
    Flow.IMPORT: {
        Which.CURRENT: Key.PRICE_IMPORT,
        Which.NEXT: Key.PRICE_IMPORT_NEXT,
        Which.PREVIOUS: Key.PRICE_IMPORT_PREVIOUS,
        Which.STANDING: Key.STANDING_CHARGE,
    },
    Flow.EXPORT: {
        Which.CURRENT: Key.PRICE_EXPORT,
        Which.NEXT: Key.PRICE_EXPORT_NEXT,
        Which.PREVIOUS: Key.PRICE_EXPORT_PREVIOUS,
    },
    Flow.GAS: {
        Which.CURRENT: Key.PRICE_GAS_KWH,
        Which.NEXT: Key.PRICE_GAS_KWH_NEXT,
        Which.PREVIOUS: Key.PRICE_GAS_KWH_PREVIOUS,
        Which.STANDING: Key.STANDING_CHARGE,
    },
}
"""The rate sensors of each kind of meter point."""

DAY_KEYS: dict[Flow, tuple[Key, Key]] = {
    Flow.IMPORT: (Key.GRID_ELEC_IMPORT_YESTERDAY, Key.COST_IMPORT_YESTERDAY),
    Flow.EXPORT: (Key.GRID_ELEC_EXPORT_YESTERDAY, Key.REVENUE_EXPORT_YESTERDAY),
    Flow.GAS: (Key.GRID_GAS_ENERGY_YESTERDAY, Key.COST_GAS_YESTERDAY),
}
"""The energy and money sensors of the latest complete day."""


def device_id(point: MeterPoint) -> str:
    """Return the ID of a meter point's device (the start of its unique IDs)."""
    return f"octopus_{point.key}"


def device_info(point: MeterPoint) -> DeviceInfo:
    """Describe a meter point as a service device."""
    return DeviceInfo(
        identifiers={(DOMAIN, device_id(point))},
        name=f"Octopus {point.flow} {point.identifier}",
        manufacturer=MANUFACTURER,
        model=f"{point.flow.capitalize()} meter point",
        serial_number=point.identifier,
        entry_type=DeviceEntryType.SERVICE,
        configuration_url="https://octopus.energy/dashboard/",
    )


class _OctopusSensor[CoordinatorT: DataUpdateCoordinator[Any]](
    EnergyMonitorEntity[CoordinatorT], SensorEntity
):
    """A sensor of a meter point, in pounds where it is money."""

    def __init__(
        self,
        coordinator: CoordinatorT,
        description: SensorEntityDescription,
        point: MeterPoint,
    ) -> None:
        """Attach the sensor to its meter point's device."""
        super().__init__(
            coordinator,
            description,
            device_id=device_id(point),
            device_info=device_info(point),
        )
        self.point = point
        unit = currency_unit(Key(description.key), CURRENCY)
        if unit is not None:
            self._attr_native_unit_of_measurement = unit


class OctopusRateSensor(_OctopusSensor[OctopusCoordinator]):
    """A unit rate (now, next, before) or the standing charge of a meter point."""

    _unrecorded_attributes = frozenset({"forecast"})

    def __init__(
        self,
        coordinator: OctopusCoordinator,
        point: MeterPoint,
        which: Which,
    ) -> None:
        """Show ``which`` rate of ``point``."""
        super().__init__(
            coordinator,
            describe(RATE_KEYS[point.flow][which]),
            point,
        )
        self.which = which

    def _window(self) -> Window | None:
        """Return the window this sensor shows at this moment."""
        rates = self.coordinator.data.rates.get(self.point.key)
        if rates is None:
            return None
        now = dt_util.utcnow()
        match self.which:
            case Which.CURRENT:
                return rates.unit.at(now)
            case Which.NEXT:
                return rates.unit.following(now)
            case Which.PREVIOUS:
                return rates.unit.preceding(now)
            case Which.STANDING:
                return rates.standing.at(now)

    @property
    @override
    def native_value(self) -> float | None:
        """Return the price (unknown when no rate is known for now)."""
        window = self._window()
        return None if window is None else round(window.price, PRICE_DIGITS)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return the window's times, the tariff and (current rate) the forecast."""
        window = self._window()
        rates = self.coordinator.data.rates.get(self.point.key)
        attributes: dict[str, Any] = {
            "tariff_code": rates and rates.tariff_code,
            "valid_from": window and window.start.isoformat(),
            "valid_to": window and window.end and window.end.isoformat(),
        }
        if self.which is Which.CURRENT and rates is not None:
            attributes["forecast"] = rates.unit.forecast(
                dt_util.utcnow(), dt_util.get_default_time_zone()
            )
        return attributes


class OctopusDaySensor(_OctopusSensor[OctopusHistory]):
    """The latest complete day's energy or money of a meter point."""

    def __init__(
        self, coordinator: OctopusHistory, point: MeterPoint, key: Key
    ) -> None:
        """Show ``key`` of ``point``'s latest complete day."""
        super().__init__(coordinator, describe(key), point)
        self._money = key != DAY_KEYS[point.flow][0]

    @property
    @override
    def native_value(self) -> float | None:
        """Return the day's energy (kWh) or money (unknown until imported)."""
        day = (self.coordinator.data or {}).get(self.point.key)
        if day is None:
            return None
        return round(day.cost if self._money else day.energy_kwh, 6)

    @property
    @override
    def last_reset(self) -> datetime | None:
        """Return the start of the day shown."""
        day = (self.coordinator.data or {}).get(self.point.key)
        return None if day is None else day.start

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return which day is shown (consumption is published a day or more late)."""
        day = (self.coordinator.data or {}).get(self.point.key)
        return {"day": day and day.day.isoformat()}


@callback
def async_setup_sensors(
    rates: OctopusCoordinator,
    history: OctopusHistory,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the sensors of every meter point of the account."""
    entities: list[SensorEntity] = []
    for point_rates in rates.data.rates.values():
        point = point_rates.point
        entities.extend(
            OctopusRateSensor(rates, point, which) for which in RATE_KEYS[point.flow]
        )
        entities.extend(
            OctopusDaySensor(history, point, key) for key in DAY_KEYS[point.flow]
        )
    async_add_entities(entities)
