"""Snapshots of every energy-site entity, for a site with every input.

Input states are written at a frozen moment in Brussels and an hour passes,
so every figure (prices, money, energy, ratios, power, capacity tariff) has a
fixed value; the entry has a fixed ID, which its unique IDs start with.
"""

from datetime import datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.energy_monitor.const import DOMAIN
from tests.common import state_for
from tests.site.helpers import (
    BATTERY_CHARGE,
    BATTERY_DISCHARGE,
    BATTERY_POWER,
    DEMAND,
    EXPORT_TOTAL,
    GAS,
    GRID_POWER,
    IMPORT_TOTAL,
    KILOWATT,
    MONTH_PEAK,
    PV,
    PV_POWER,
    VOLUME,
    fixed,
    set_energy,
    set_power,
)
from tests.snapshot_helpers import assert_entities_match_snapshot

START = datetime.fromisoformat("2026-03-10T08:00:00+01:00")
DATA = {
    "source": "site",
    "grid_import": [IMPORT_TOTAL],
    "grid_export": [EXPORT_TOTAL],
    "pv_energy": [PV],
    "battery_charge": BATTERY_CHARGE,
    "battery_discharge": BATTERY_DISCHARGE,
    "grid_power": GRID_POWER,
    "pv_power": [PV_POWER],
    "battery_power": BATTERY_POWER,
    "demand_current_quarter": DEMAND,
    "demand_month_peak": MONTH_PEAK,
    "gas": GAS,
}
TARIFFS = [
    fixed(
        0.3,
        export={"mode": "fixed", "rate": 0.05},
        gas={"mode": "fixed", "rate": 1.1},
        standing_charge=1.0,
        capacity_rate=36.5,
    )
]


def _write(hass: HomeAssistant, imported: float, pv: float, gas: float) -> None:
    """Write every input of the site."""
    set_energy(hass, IMPORT_TOTAL, imported)
    set_energy(hass, EXPORT_TOTAL, 20.0)
    set_energy(hass, PV, pv)
    set_energy(hass, BATTERY_CHARGE, 5.0)
    set_energy(hass, BATTERY_DISCHARGE, 5.0)
    set_power(hass, GRID_POWER, 2000.0)
    hass.states.async_set(PV_POWER, "1.5", KILOWATT)
    set_power(hass, BATTERY_POWER, -500.0)
    hass.states.async_set(DEMAND, "1.2", KILOWATT)
    hass.states.async_set(MONTH_PEAK, "3.5", KILOWATT)
    hass.states.async_set(GAS, str(gas), VOLUME)


async def test_site_entities(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, snapshot: SnapshotAssertion
) -> None:
    """Every figure of the site after an hour, as registered and shown."""
    await hass.config.async_set_time_zone("Europe/Brussels")
    freezer.move_to(START)
    _write(hass, imported=100.0, pv=50.0, gas=1000.0)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data=DATA,
        options={"tariffs": TARIFFS},
        entry_id="site_home",
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    freezer.tick(timedelta(hours=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    _write(hass, imported=102.0, pv=51.0, gas=1002.0)
    await hass.async_block_till_done()

    assert_entities_match_snapshot(hass, snapshot, entry.entry_id)
    assert state_for(hass, "cost_import_today").state == "0.6"
    assert state_for(hass, "cost_import_today").attributes["unit_of_measurement"] == (
        "EUR"
    )
    assert state_for(hass, "price_import").attributes["unit_of_measurement"] == (
        "EUR/kWh"
    )
    assert state_for(hass, "price_gas").attributes["unit_of_measurement"] == "EUR/m³"
