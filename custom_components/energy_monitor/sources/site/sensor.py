"""Sensors of an energy site: prices, costs, self-consumption, capacity tariff.

Which sensors exist follows from the site's inputs and tariffs (no export
entity: no export revenue; no capacity tariff: no demand sensors); sensors a
site no longer provides after a reconfiguration are removed from the entity
registry.
"""

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, override

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.core import callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...const import DOMAIN
from ...descriptions import currency_unit, describe
from ...entity import EnergyMonitorEntity
from ...lib.site.outputs import PERIOD_FIGURES
from ...lib.vocabulary import Key
from .coordinator import SiteCoordinator

SITE_SENSORS: dict[str, SensorEntityDescription] = {
    key: describe(key)
    for key in (
        Key.PRICE_IMPORT,
        Key.PRICE_EXPORT,
        Key.PRICE_GAS,
        *(Key(key) for figure in PERIOD_FIGURES for key in figure.keys.values()),
        Key.SITE_ELEC_CONS,
        Key.PV_SELF_CONSUMED,
        Key.SITE_POWER,
        Key.SURPLUS_POWER,
        Key.DEMAND_CURRENT_QUARTER,
        Key.DEMAND_QUARTER_PROJECTED,
        Key.DEMAND_MONTH_PEAK,
        Key.DEMAND_HEADROOM,
        Key.CAPACITY_COST_MONTH_ESTIMATED,
    )
}
"""Every figure a site may have; amounts in currency get their unit at runtime."""


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

    _unrecorded_attributes = frozenset({"forecast", "history", "next_change"})

    def __init__(
        self, coordinator: SiteCoordinator, description: SensorEntityDescription
    ) -> None:
        """Create the sensor on the site's device."""
        super().__init__(
            coordinator,
            description,
            device_id=coordinator.config_entry.entry_id,
            device_info=site_device_info(coordinator),
        )
        unit = currency_unit(Key(description.key), coordinator.hass.config.currency)
        if unit is not None:
            self._attr_native_unit_of_measurement = unit

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
        return self.rounded(
            self.coordinator.data.values.get(self.entity_description.key)
        )

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
def async_setup_sensors(
    coordinator: SiteCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
    extra: Iterable[str] = (),
) -> None:
    """Add the site's sensors and remove those it no longer provides.

    ``extra`` are the keys of sensors the site adds besides (its insights).
    """
    entry_id = coordinator.config_entry.entry_id
    provided = {f"{entry_id}_{key}" for key in (*coordinator.keys, *extra)}
    registry = er.async_get(coordinator.hass)
    for entity in er.async_entries_for_config_entry(registry, entry_id):
        if entity.unique_id not in provided:
            registry.async_remove(entity.entity_id)
    async_add_entities(
        SiteSensor(coordinator, SITE_SENSORS[key]) for key in coordinator.keys
    )
