"""Helpers for energy site tests: input entities, entries and figures."""

from collections.abc import Mapping
from typing import Any

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_monitor.const import DOMAIN
from tests.common import state_for

IMPORT_T1 = "sensor.meter_import_t1"
IMPORT_T2 = "sensor.meter_import_t2"
EXPORT_T1 = "sensor.meter_export_t1"
EXPORT_T2 = "sensor.meter_export_t2"
IMPORT_TOTAL = "sensor.meter_import"
EXPORT_TOTAL = "sensor.meter_export"
GRID_POWER = "sensor.meter_power"
TARIFF = "sensor.meter_tariff"
DEMAND = "sensor.meter_demand"
MONTH_PEAK = "sensor.meter_month_peak"
PV = "sensor.inverter_energy"
PV_POWER = "sensor.inverter_power"
BATTERY_CHARGE = "sensor.battery_charged"
BATTERY_DISCHARGE = "sensor.battery_discharged"
BATTERY_POWER = "sensor.battery_power"
GAS = "sensor.gas_meter"
PRICE = "sensor.nordpool_price"

ENERGY = {
    "unit_of_measurement": "kWh",
    "device_class": "energy",
    "state_class": "total_increasing",
}
POWER = {
    "unit_of_measurement": "W",
    "device_class": "power",
    "state_class": "measurement",
}
KILOWATT = {
    "unit_of_measurement": "kW",
    "device_class": "power",
    "state_class": "measurement",
}
VOLUME = {
    "unit_of_measurement": "m³",
    "device_class": "gas",
    "state_class": "total_increasing",
}

REGISTER_SITE: dict[str, Any] = {
    "source": "site",
    "grid_import": [IMPORT_T1, IMPORT_T2],
    "grid_export": [EXPORT_T1, EXPORT_T2],
    "pv_energy": [PV],
}
"""A Belgian meter with registers and one inverter."""
TOTAL_SITE: dict[str, Any] = {"source": "site", "grid_import": [IMPORT_TOTAL]}
"""Only a grid import total."""


def set_energy(hass: HomeAssistant, entity_id: str, value: float | str) -> None:
    """Write an energy counter's state (kWh)."""
    hass.states.async_set(entity_id, str(value), ENERGY)


def set_power(hass: HomeAssistant, entity_id: str, value: float | str) -> None:
    """Write a power state (W)."""
    hass.states.async_set(entity_id, str(value), POWER)


def site_entry(
    data: Mapping[str, Any] | None = None,
    tariffs: list[dict[str, Any]] | None = None,
    title: str = "Home",
) -> MockConfigEntry:
    """Return an energy site entry (not added yet)."""
    options: dict[str, Any] = {}
    if tariffs is not None:
        options["tariffs"] = tariffs
    return MockConfigEntry(
        domain=DOMAIN,
        title=title,
        data=dict(REGISTER_SITE if data is None else data),
        options=options,
    )


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add and set up a site entry."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


def figure(hass: HomeAssistant, key: str) -> float:
    """Return the numeric state of the site entity ending in ``_key``."""
    return float(state_for(hass, key).state)


def fixed(rate: float, **extra: Any) -> dict[str, Any]:
    """Return a tariff version with a fixed import price."""
    return {"import": {"mode": "fixed", "rate": rate}, **extra}
