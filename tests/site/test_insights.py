"""The site's insight sensors: opengrid's figures from states, day by day."""

import csv
from datetime import datetime, timedelta
import gzip
import json
from typing import Any
from zoneinfo import ZoneInfo

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, State
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    mock_restore_cache_with_extra_data,
)

from custom_components.energy_monitor.const import DOMAIN
from tests.common import FIXTURES, state_for
from tests.site.helpers import GAS, GRID_POWER, IMPORT_TOTAL, POWER, VOLUME, set_energy

BRUSSELS = ZoneInfo("Europe/Brussels")
OPENGRID = FIXTURES / "opengrid"
TEMPERATURE = "sensor.outdoor_temperature"
CELSIUS = {"unit_of_measurement": "°C", "device_class": "temperature"}
DATA = {
    "source": "site",
    "grid_import": [IMPORT_TOTAL],
    "grid_power": GRID_POWER,
    "gas": GAS,
}
OPTIONS = {"insight_temperature": TEMPERATURE, "heating_base": 16.5}


def _day_of_power(day: datetime) -> list[tuple[datetime, float]]:
    """Return the opengrid 1-minute power samples of one local day."""
    with gzip.open(OPENGRID / "elec_power_min_1sensor.csv.gz", "rt") as stream:
        rows = list(csv.reader(stream))[1:]
    samples = [(datetime.fromisoformat(time), float(value)) for time, value in rows]
    return [
        (moment, value)
        for moment, value in samples
        if day <= moment < day + timedelta(days=1)
    ]


async def _set_up(hass: HomeAssistant, options: dict[str, Any]) -> MockConfigEntry:
    """Add a site with grid power, gas and the insight options."""
    entry = MockConfigEntry(
        domain=DOMAIN, title="Home", data=DATA, options=options, entry_id="home"
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def _midnight(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, day: datetime
) -> None:
    """Move to the end of ``day`` and let the insights publish."""
    freezer.move_to(day + timedelta(days=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def test_power_insights_reproduce_opengrid(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A day of opengrid's minute data gives its standby, share, load factor."""
    await hass.config.async_set_time_zone("Europe/Brussels")
    day = datetime(2017, 10, 8, tzinfo=BRUSSELS)
    samples = _day_of_power(day)
    freezer.move_to(day)
    hass.states.async_set(GRID_POWER, str(samples[0][1]), POWER)
    set_energy(hass, IMPORT_TOTAL, 100.0)
    await _set_up(hass, {})
    assert state_for(hass, "site_standby_power").state == "unknown"
    for moment, value in samples:
        freezer.move_to(moment)
        hass.states.async_set(GRID_POWER, str(value), POWER)
    await _midnight(hass, freezer, day)

    golden = json.loads((OPENGRID / "standby_elec_power_min_1sensor.json").read_text())
    key = str(int(day.timestamp() * 1000))
    standby = state_for(hass, "site_standby_power")
    assert float(standby.state) == round(golden["cases"][1]["expected"][key], 1)
    assert standby.attributes["standby_01_06"] == round(
        golden["cases"][0]["expected"][key], 1
    )
    assert standby.attributes["day"] == "2017-10-08"
    assert standby.attributes["unit_of_measurement"] == "W"
    assert standby.attributes["state_class"] == "measurement"
    values = [value for _, value in samples]
    mean = sum(values) / len(values)
    assert standby.attributes["day_energy"] == round(mean * 24 / 1000, 3)
    share = state_for(hass, "site_standby_share")
    assert float(share.state) == round(100 * float(standby.state) / mean, 1)
    load = state_for(hass, "site_load_factor")
    assert float(load.state) == round(100 * mean / max(values), 1)
    assert int(state_for(hass, "site_peaks").state) >= 0

    # A day without power states: unknown, not yesterday's figure shown as today's.
    hass.states.async_set(GRID_POWER, "unavailable", POWER)
    await _midnight(hass, freezer, day + timedelta(days=1))
    assert state_for(hass, "site_standby_power").state == "unknown"
    assert state_for(hass, "site_standby_power").attributes["day"] == "2017-10-09"


async def test_degree_days_and_gas(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Three days of temperature give the day's HDD; gas per degree day."""
    await hass.config.async_set_time_zone("Europe/Brussels")
    day = datetime(2024, 1, 10, tzinfo=BRUSSELS)
    freezer.move_to(day)
    hass.states.async_set(GRID_POWER, "500", POWER)
    hass.states.async_set(TEMPERATURE, "10", CELSIUS)
    set_energy(hass, IMPORT_TOTAL, 100.0)
    hass.states.async_set(GAS, "1000", VOLUME)
    entry = await _set_up(hass, OPTIONS)
    gas = 1000.0
    for index, celsius in enumerate((10.0, 8.0, 6.0)):
        hass.states.async_set(TEMPERATURE, str(celsius), CELSIUS)
        gas += 19.0
        freezer.move_to(day + timedelta(days=index, hours=23))
        hass.states.async_set(GAS, str(gas), VOLUME)
        await _midnight(hass, freezer, day + timedelta(days=index))
        hdd = state_for(hass, "heating_degree_days")
        if index < 2:
            assert hdd.state == "unknown"
    assert float(hdd.state) == 9.5  # 16.5 - (0.6*6 + 0.3*8 + 0.1*10)
    assert hdd.attributes["daily_mean_temperatures"] == [10.0, 8.0, 6.0]
    assert float(state_for(hass, "gas_per_degree_day").state) == 2.0

    # The temperatures survive a restart (the sensors restore them).
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert float(state_for(hass, "heating_degree_days").state) == 9.5
    assert entry.state is ConfigEntryState.LOADED


async def test_restored_figures(hass: HomeAssistant) -> None:
    """After a restart the last day's figures and temperatures come back."""
    mock_restore_cache_with_extra_data(
        hass,
        [
            (
                State(
                    "sensor.home_heating_degree_days",
                    "7.0",
                    {"day": "2024-01-11", "daily_mean_temperatures": [9, None, "x"]},
                ),
                {"native_value": 7.0, "native_unit_of_measurement": "°C·d"},
            )
        ],
    )
    hass.states.async_set(GRID_POWER, "500", POWER)
    await _set_up(hass, OPTIONS)
    restored = state_for(hass, "heating_degree_days")
    assert restored.state == "7.0"
    assert restored.attributes["day"] == "2024-01-11"


@pytest.mark.usefixtures("mock_setup_entry")
async def test_options_step(hass: HomeAssistant) -> None:
    """The insights are chosen in the site's options (with grid power)."""
    entry = MockConfigEntry(domain=DOMAIN, title="Home", data=DATA, options={})
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert "site_insights" in result["menu_options"]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": "site_insights"}
    )
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"insight_temperature": TEMPERATURE, "heating_base": 15.0},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {"insight_temperature": TEMPERATURE, "heating_base": 15.0}
    await hass.async_block_till_done()
