"""Sensors of an energy site: prices, costs, self-consumption, capacity tariff.

Which sensors exist follows from the site's inputs and tariffs (no export
entity: no export revenue; no capacity tariff: no demand sensors); sensors a
site no longer provides after a reconfiguration are removed from the entity
registry.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, UnitOfEnergy, UnitOfPower, UnitOfVolume
from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...const import DOMAIN
from ...entity import EnergyMonitorEntity
from ...lib.site.outputs import PERIOD_FIGURES
from ...lib.vocabulary import Key
from .coordinator import SiteCoordinator

_MONEY_PERIOD_KEYS = frozenset(
    key for figure in PERIOD_FIGURES if figure.resets for key in figure.keys.values()
)
_RATIO_KEYS = frozenset(
    key
    for figure in PERIOD_FIGURES
    if not figure.resets
    for key in figure.keys.values()
)


@dataclass(frozen=True, kw_only=True)
class SiteSensorEntityDescription(SensorEntityDescription):
    """A figure of the site; units in currency are filled in at runtime."""

    unit_fn: Callable[[str], str] | None = None
    """Unit from the currency Home Assistant is configured with."""


def _money(key: Key) -> SiteSensorEntityDescription:
    """Describe an amount of money (the snapshot gives the resetting ones a start)."""
    return SiteSensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.MONETARY,
        state_class=SensorStateClass.TOTAL,
        unit_fn=lambda currency: currency,
        suggested_display_precision=2,
    )


def _price(key: Key, per: str) -> SiteSensorEntityDescription:
    """Describe a current price (currency per kWh or m³)."""
    return SiteSensorEntityDescription(
        key=key,
        translation_key=key,
        state_class=SensorStateClass.MEASUREMENT,
        unit_fn=lambda currency: f"{currency}/{per}",
        suggested_display_precision=4,
    )


def _measurement(
    key: Key, device_class: SensorDeviceClass | None, unit: str, precision: int
) -> SiteSensorEntityDescription:
    """Describe an instantaneous figure."""
    return SiteSensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=device_class,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=unit,
        suggested_display_precision=precision,
    )


def _energy(key: Key) -> SiteSensorEntityDescription:
    """Describe energy since the site was set up.

    ``total``, not ``total_increasing``: import, export and PV counters report
    at different moments, so the sum may dip for a moment, which must not be
    taken for a meter reset.
    """
    return SiteSensorEntityDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=3,
    )


_POWER = SensorDeviceClass.POWER
_KW = UnitOfPower.KILO_WATT

SITE_SENSORS: dict[str, SiteSensorEntityDescription] = {
    description.key: description
    for description in (
        _price(Key.PRICE_IMPORT, UnitOfEnergy.KILO_WATT_HOUR),
        _price(Key.PRICE_EXPORT, UnitOfEnergy.KILO_WATT_HOUR),
        _price(Key.PRICE_GAS, UnitOfVolume.CUBIC_METERS),
        *(_money(Key(key)) for key in sorted(_MONEY_PERIOD_KEYS)),
        *(_measurement(Key(key), None, PERCENTAGE, 1) for key in sorted(_RATIO_KEYS)),
        _energy(Key.SITE_ELEC_CONS),
        _energy(Key.PV_SELF_CONSUMED),
        _measurement(Key.SITE_POWER, _POWER, UnitOfPower.WATT, 0),
        _measurement(Key.SURPLUS_POWER, _POWER, UnitOfPower.WATT, 0),
        _measurement(Key.DEMAND_CURRENT_QUARTER, _POWER, _KW, 3),
        _measurement(Key.DEMAND_QUARTER_PROJECTED, _POWER, _KW, 3),
        _measurement(Key.DEMAND_MONTH_PEAK, _POWER, _KW, 3),
        _measurement(Key.DEMAND_HEADROOM, _POWER, _KW, 3),
        SiteSensorEntityDescription(
            key=Key.CAPACITY_COST_MONTH_ESTIMATED,
            translation_key=Key.CAPACITY_COST_MONTH_ESTIMATED,
            device_class=SensorDeviceClass.MONETARY,
            unit_fn=lambda currency: currency,
            suggested_display_precision=2,
        ),
    )
}


def site_device_info(coordinator: SiteCoordinator) -> DeviceInfo:
    """Describe the site as a (service) device named after the entry."""
    entry = coordinator.config_entry
    return DeviceInfo(
        identifiers={(DOMAIN, entry.entry_id)},
        name=entry.title,
        entry_type=DeviceEntryType.SERVICE,
        model="Energy site",
    )


class SiteSensor(EnergyMonitorEntity[SiteCoordinator], SensorEntity):
    """A figure of the energy site."""

    entity_description: SiteSensorEntityDescription
    _unrecorded_attributes = frozenset({"forecast", "history", "next_change"})

    def __init__(
        self, coordinator: SiteCoordinator, description: SiteSensorEntityDescription
    ) -> None:
        """Create the sensor on the site's device."""
        super().__init__(
            coordinator,
            description,
            device_id=coordinator.config_entry.entry_id,
            device_info=site_device_info(coordinator),
        )
        if description.unit_fn is not None:
            self._attr_native_unit_of_measurement = description.unit_fn(
                coordinator.hass.config.currency
            )
        self._written: tuple[object, ...] | None = None

    @property
    @override
    def available(self) -> bool:
        """Tell whether every input this figure depends on is available."""
        return (
            super().available
            and self.entity_description.key not in self.coordinator.data.unavailable
        )

    @property
    @override
    def native_value(self) -> float | None:
        """Return the figure."""
        return self.coordinator.data.values.get(self.entity_description.key)

    @property
    @override
    def last_reset(self) -> datetime | None:
        """Return when the figure's period started (today, this month)."""
        start = self.coordinator.data.last_reset.get(self.entity_description.key)
        return None if start is None else datetime.fromtimestamp(start, UTC)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return the figure's details (energies of a ratio, peak time, ...)."""
        return self.coordinator.data.attributes.get(self.entity_description.key)

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Write the state only when something the user sees changed."""
        shown = (
            self.available,
            self.native_value,
            self.last_reset,
            self.extra_state_attributes,
        )
        if shown != self._written:
            self._written = shown
            self.async_write_ha_state()


@callback
def async_setup_sensors(
    coordinator: SiteCoordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the site's sensors and remove those it no longer provides."""
    entry_id = coordinator.config_entry.entry_id
    provided = {f"{entry_id}_{key}" for key in coordinator.keys}
    registry = er.async_get(coordinator.hass)
    for entity in er.async_entries_for_config_entry(registry, entry_id):
        if entity.unique_id not in provided:
            registry.async_remove(entity.entity_id)
    async_add_entities(
        SiteSensor(coordinator, SITE_SENSORS[key]) for key in coordinator.keys
    )
