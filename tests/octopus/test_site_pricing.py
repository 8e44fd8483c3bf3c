"""The energy site prices a day with the Octopus Agile price entity, to the penny."""

from datetime import UTC, datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_monitor.const import DOMAIN
from simulators.octopus import (
    HALF_HOUR,
    IMPORT_MPAN,
    OctopusSimulator,
    agile_price,
    consumption,
)
from tests.common import entity_id_by_unique_id

from .helpers import move_to, set_up_octopus

METER = "sensor.smart_meter_import"
ENERGY = {
    "unit_of_measurement": "kWh",
    "device_class": "energy",
    "state_class": "total_increasing",
}


def site_figure(hass: HomeAssistant, site: MockConfigEntry, key: str) -> float:
    """Return a figure of the site."""
    state = hass.states.get(entity_id_by_unique_id(hass, f"{site.entry_id}_{key}"))
    assert state is not None
    return float(state.state)


async def test_site_prices_a_day_with_octopus_rates(
    hass: HomeAssistant, octopus: OctopusSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """Every half hour's energy at its Agile rate: the day's cost to the penny."""
    day = datetime(2026, 3, 20, 0, 0, tzinfo=UTC)  # GMT: local midnight
    await move_to(hass, freezer, day - timedelta(minutes=10))
    await set_up_octopus(hass, octopus)
    price_entity = er.async_get(hass).async_get_entity_id(
        "sensor", DOMAIN, f"octopus_{IMPORT_MPAN}_import_price_import"
    )
    await move_to(hass, freezer, day)
    reading = 1000.0
    hass.states.async_set(METER, str(reading), ENERGY)
    site = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data={"source": "site", "grid_import": [METER]},
        options={
            "tariffs": [
                {
                    "import": {
                        "mode": "entity",
                        "entity_id": price_entity,
                        "markup": 0.0,
                        "multiplier": 1.0,
                    }
                }
            ]
        },
    )
    site.add_to_hass(hass)
    assert await hass.config_entries.async_setup(site.entry_id)
    await hass.async_block_till_done()
    reference = 0.0
    for half in range(48):
        start = day + half * HALF_HOUR
        await move_to(hass, freezer, start)
        assert site_figure(hass, site, "price_import") == pytest.approx(
            agile_price(start) / 100, abs=1e-9
        )
        used = consumption("import", start)
        reference += used * agile_price(start) / 100
        reading = round(reading + used, 3)
        await move_to(hass, freezer, start + HALF_HOUR - timedelta(seconds=1))
        hass.states.async_set(METER, str(reading), ENERGY)
        await hass.async_block_till_done()
    cost = site_figure(hass, site, "cost_import_today")
    assert round(cost, 2) == round(reference, 2)
    assert cost == round(reference, 4)  # the site shows 4 decimals
