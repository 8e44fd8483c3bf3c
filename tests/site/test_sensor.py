"""Energy site entities end to end: input states in, figures out."""

from datetime import datetime, timedelta
import json
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.energy_monitor.const import DOMAIN
from custom_components.energy_monitor.lib.site.outputs import (
    CAPACITY_KEYS,
    LIFETIME_ENERGY,
    PERIOD_FIGURES,
)
from custom_components.energy_monitor.lib.vocabulary import Key
from custom_components.energy_monitor.sources.site.sensor import SITE_SENSORS
from tests.common import state_for
from tests.site.helpers import (
    BATTERY_CHARGE,
    BATTERY_DISCHARGE,
    BATTERY_POWER,
    DEMAND,
    EXPORT_T1,
    EXPORT_T2,
    EXPORT_TOTAL,
    GAS,
    GRID_POWER,
    IMPORT_T1,
    IMPORT_T2,
    IMPORT_TOTAL,
    KILOWATT,
    MONTH_PEAK,
    PRICE,
    PV,
    PV_POWER,
    TARIFF,
    TOTAL_SITE,
    VOLUME,
    figure,
    fixed,
    set_energy,
    set_power,
    set_up,
    site_entry,
)

START = datetime.fromisoformat("2026-03-10T08:00:00+01:00")
STRINGS = "custom_components/energy_monitor/strings.json"
PEAK_HOURS = {
    "mode": "schedule",
    "rates": [{"interval_start": "12:00", "interval_end": "14:00", "rate": 0.5}],
    "default_rate": 0.1,
}


@pytest.fixture(autouse=True)
async def brussels(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Run every test in Brussels time, from a Tuesday morning."""
    await hass.config.async_set_time_zone("Europe/Brussels")
    freezer.move_to(START)


def write(hass: HomeAssistant, **counters: float) -> None:
    """Write the counters of the register site (import_t1=..., pv=...)."""
    names = {
        "import_t1": IMPORT_T1,
        "import_t2": IMPORT_T2,
        "export_t1": EXPORT_T1,
        "export_t2": EXPORT_T2,
        "pv": PV,
    }
    for name, value in counters.items():
        set_energy(hass, names[name], value)


def state(hass: HomeAssistant, key: str) -> str:
    """Return the raw state of the site entity ending in ``_key``."""
    return state_for(hass, key).state


async def later(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, **delta: float
) -> None:
    """Let time pass and fire the timers that are due."""
    freezer.tick(timedelta(**delta))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


START_COUNTERS = {
    "import_t1": 100.0,
    "import_t2": 200.0,
    "export_t1": 10.0,
    "export_t2": 20.0,
    "pv": 50.0,
}
TARIFFS = [fixed(0.3, export={"mode": "fixed", "rate": 0.05}, standing_charge=1.0)]


async def test_restart_in_the_middle_of_a_day(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Totals continue after a restart; inputs missing meanwhile: no jump."""
    write(hass, **START_COUNTERS)
    entry = site_entry(tariffs=TARIFFS)
    await set_up(hass, entry)
    assert figure(hass, "cost_fixed_today") == 1.0
    await later(hass, freezer, hours=1)
    write(hass, import_t1=102.0, pv=51.0, export_t1=10.5)
    assert figure(hass, "cost_import_today") == pytest.approx(0.6)
    assert figure(hass, "revenue_export_today") == pytest.approx(0.025)
    assert figure(hass, "site_elec_cons") == pytest.approx(2.5)

    assert await hass.config_entries.async_unload(entry.entry_id)
    for entity_id in (IMPORT_T1, IMPORT_T2, EXPORT_T1, EXPORT_T2, PV):
        hass.states.async_set(entity_id, STATE_UNAVAILABLE)
    await later(hass, freezer, hours=1)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert state(hass, "cost_import_today") == STATE_UNAVAILABLE
    assert state(hass, "pv_self_consumed") == STATE_UNAVAILABLE
    assert figure(hass, "cost_fixed_today") == 1.0

    await later(hass, freezer, minutes=30)
    write(hass, import_t1=103.0, import_t2=200.0, export_t1=10.5, export_t2=20.0)
    write(hass, pv=52.0)
    assert figure(hass, "cost_import_today") == pytest.approx(0.9)
    assert figure(hass, "cost_import_month") == pytest.approx(0.9)
    assert figure(hass, "cost_net_today") == pytest.approx(1.9 - 0.025)
    assert figure(hass, "pv_self_consumed") == pytest.approx(1.5)
    assert figure(hass, "site_elec_cons") == pytest.approx(4.5)
    assert figure(hass, "self_consumption_ratio_today") == pytest.approx(75.0)
    assert figure(hass, "self_sufficiency_ratio_today") == pytest.approx(
        (1 - 3 / 4.5) * 100, abs=0.01
    )


async def test_missing_input_appears_later_without_a_jump(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """An input that does not exist yet: its figures are unavailable, then count."""
    write(hass, import_t1=100.0, import_t2=200.0, export_t1=10.0, export_t2=20.0)
    await set_up(hass, site_entry(tariffs=TARIFFS))
    assert state(hass, "pv_self_consumed") == STATE_UNAVAILABLE
    assert state(hass, "self_consumption_ratio") == STATE_UNAVAILABLE
    assert state(hass, "cost_import_today") == "0.0"
    await later(hass, freezer, minutes=10)
    write(hass, pv=5000.0)
    assert figure(hass, "pv_self_consumed") == 0.0
    assert state(hass, "self_consumption_ratio") == STATE_UNKNOWN
    await later(hass, freezer, minutes=10)
    write(hass, pv=5001.0)
    assert figure(hass, "pv_self_consumed") == 1.0
    assert figure(hass, "pv_savings_today") == pytest.approx(0.3)
    hass.states.async_set(PV, "not a number")
    assert state(hass, "pv_savings_today") == STATE_UNAVAILABLE
    hass.states.async_remove(PV)
    assert state(hass, "pv_savings_today") == STATE_UNAVAILABLE


async def test_batched_update_is_priced_in_its_interval(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """An update at 14:00 for 11:00-14:00 pays 1 h off-peak and 2 h at peak."""
    set_energy(hass, IMPORT_TOTAL, 1000.0)
    await set_up(
        hass,
        site_entry(
            TOTAL_SITE,
            [{"import": PEAK_HOURS}],
        ),
    )
    await later(hass, freezer, hours=3)
    set_energy(hass, IMPORT_TOTAL, 1000.0)  # reported again, unchanged, at 11:00
    assert figure(hass, "price_import") == 0.1
    await later(hass, freezer, hours=1)
    assert figure(hass, "price_import") == 0.5
    assert state_for(hass, "price_import").attributes["next_change"] == (
        "2026-03-10T14:00:00+01:00"
    )
    forecast = state_for(hass, "price_import").attributes["forecast"]
    assert forecast[:2] == [
        {
            "start": "2026-03-10T12:00:00+01:00",
            "end": "2026-03-10T14:00:00+01:00",
            "price": 0.5,
        },
        {
            "start": "2026-03-10T14:00:00+01:00",
            "end": forecast[1]["end"],
            "price": 0.1,
        },
    ]
    assert forecast[-1]["end"] == "2026-03-12T12:00:00+01:00"
    await later(hass, freezer, hours=2)
    set_energy(hass, IMPORT_TOTAL, 1003.0)
    assert figure(hass, "cost_import_today") == pytest.approx(0.1 + 2 * 0.5)
    assert figure(hass, "price_import") == 0.1


async def test_dynamic_price_from_an_entity(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Nord Pool's price per MWh, plus markup, is used while energy flows."""
    hass.states.async_set(PRICE, "100", {"unit_of_measurement": "EUR/MWh"})
    set_energy(hass, IMPORT_TOTAL, 10.0)
    price = {"mode": "entity", "entity_id": PRICE, "markup": 0.15, "multiplier": 1.0}
    await set_up(
        hass,
        site_entry(TOTAL_SITE, [{"import": price}]),
    )
    assert figure(hass, "price_import") == pytest.approx(0.25)
    await later(hass, freezer, hours=1)
    hass.states.async_set(PRICE, "300", {"unit_of_measurement": "EUR/MWh"})
    await later(hass, freezer, hours=1)
    set_energy(hass, IMPORT_TOTAL, 12.0)
    assert figure(hass, "cost_import_today") == pytest.approx(0.25 + 0.45)
    hass.states.async_set(PRICE, STATE_UNAVAILABLE)
    assert state(hass, "price_import") == STATE_UNAVAILABLE
    assert state(hass, "cost_import_today") == STATE_UNAVAILABLE
    assert state(hass, "cost_fixed_today") == "0.0"
    await later(hass, freezer, hours=1)
    set_energy(hass, IMPORT_TOTAL, 13.0)
    hass.states.async_set(PRICE, "0.2", {"unit_of_measurement": "EUR/kWh"})
    assert figure(hass, "cost_import_today") == pytest.approx(0.7 + 0.45)
    assert figure(hass, "price_import") == pytest.approx(0.35)


async def test_register_price_follows_the_meter_tariff(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A total counter is priced by the register the meter reports."""
    hass.states.async_set(TARIFF, "2")
    set_energy(hass, IMPORT_TOTAL, 10.0)
    registers = {"mode": "registers", "rates": {"1": 0.3, "2": 0.2}}
    data = {"source": "site", "grid_import": [IMPORT_TOTAL], "grid_tariff": TARIFF}
    await set_up(hass, site_entry(data, [{"import": registers}]))
    assert figure(hass, "price_import") == 0.2
    await later(hass, freezer, hours=1)
    hass.states.async_set(TARIFF, "1")
    await later(hass, freezer, hours=1)
    set_energy(hass, IMPORT_TOTAL, 12.0)
    assert figure(hass, "cost_import_today") == pytest.approx(0.5)
    hass.states.async_set(TARIFF, "day")
    assert state(hass, "price_import") == STATE_UNAVAILABLE


async def test_day_and_month_roll_over_after_their_grace(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A finished day is shown (and takes late readings) until 00:05."""
    freezer.move_to("2026-03-31T23:00:00+02:00")
    write(hass, **START_COUNTERS)
    await set_up(hass, site_entry(tariffs=TARIFFS))
    await later(hass, freezer, minutes=61)
    write(hass, import_t2=201.0)
    assert figure(hass, "cost_import_today") == pytest.approx(0.3 * 60 / 61, abs=1e-4)
    assert figure(hass, "cost_import_month") == pytest.approx(0.3 * 60 / 61, abs=1e-4)
    today = state_for(hass, "cost_import_today")
    assert today.attributes["last_reset"] == "2026-03-30T22:00:00+00:00"
    await later(hass, freezer, minutes=4)
    today = state_for(hass, "cost_import_today")
    assert float(today.state) == pytest.approx(0.3 / 61, abs=1e-4)
    assert today.attributes["last_reset"] == "2026-03-31T22:00:00+00:00"
    assert figure(hass, "cost_fixed_today") == 1.0
    assert figure(hass, "cost_fixed_month") == 1.0
    assert figure(hass, "cost_fixed_total") == 2.0
    assert state_for(hass, "cost_import_total").attributes.get("last_reset") is None


async def test_power_surplus_and_capacity(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Site power and surplus, with the meter's demand, peak and peak history."""
    set_power(hass, GRID_POWER, 2000.0)
    hass.states.async_set(PV_POWER, "1.5", KILOWATT)
    set_power(hass, BATTERY_POWER, -500.0)
    set_energy(hass, IMPORT_TOTAL, 10.0)
    hass.states.async_set(DEMAND, "1.2", KILOWATT)
    hass.states.async_set(
        MONTH_PEAK,
        "3.5",
        {
            **KILOWATT,
            "peak_time": datetime.fromisoformat("2026-03-02T19:15:00+01:00"),
            "history": [
                {
                    "month_start": "2026-02-01T00:00:00+01:00",
                    "peak_time": "2026-02-11T18:30:00+01:00",
                    "demand_kw": 4.5,
                },
                {"month_start": None, "demand_kw": 9.9},
            ],
        },
    )
    data = {
        "source": "site",
        "grid_import": [IMPORT_TOTAL],
        "grid_power": GRID_POWER,
        "pv_power": [PV_POWER],
        "battery_power": BATTERY_POWER,
        "demand_current_quarter": DEMAND,
        "demand_month_peak": MONTH_PEAK,
    }
    await set_up(hass, site_entry(data, [fixed(0.3, capacity_rate=36.5)]))
    assert figure(hass, "site_power") == 3000.0
    assert figure(hass, "surplus_power") == -1500.0
    assert figure(hass, "demand_current_quarter") == 1.2
    assert figure(hass, "demand_quarter_projected") == pytest.approx(2.0)
    peak = state_for(hass, "demand_month_peak")
    assert float(peak.state) == 3.5
    assert peak.attributes["peak_time"] == "2026-03-02T19:15:00+01:00"
    assert peak.attributes["history"][1] == {
        "month": "2026-02",
        "demand_kw": 4.5,
        "peak_time": "2026-02-11T18:30:00+01:00",
    }
    assert figure(hass, "demand_headroom") == pytest.approx(3.5 - 2.0)
    estimate = state_for(hass, "capacity_cost_month_estimated")
    assert float(estimate.state) == pytest.approx(36.5 * 4.0 * 31 / 365, abs=1e-3)
    assert estimate.attributes["billed_kw"] == 4.0
    await later(hass, freezer, minutes=5)
    hass.states.async_set(DEMAND, "1800", {"unit_of_measurement": "W"})
    set_power(hass, GRID_POWER, -200.0)
    assert figure(hass, "demand_current_quarter") == 1.8
    assert figure(hass, "demand_quarter_projected") == pytest.approx(1.8 / 3)
    assert figure(hass, "surplus_power") == 700.0
    hass.states.async_set(DEMAND, STATE_UNAVAILABLE)
    assert state(hass, "demand_current_quarter") == STATE_UNAVAILABLE
    set_power(hass, BATTERY_POWER, STATE_UNKNOWN)
    assert state(hass, "site_power") == STATE_UNAVAILABLE


async def test_computed_demand_and_gas(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Without a meter demand, quarters come from the import counter; gas costs."""
    set_energy(hass, IMPORT_TOTAL, 10.0)
    hass.states.async_set(GAS, "1000", VOLUME)
    data = {"source": "site", "grid_import": [IMPORT_TOTAL], "gas": GAS}
    tariffs = [fixed(0.3, capacity_rate=40.0, gas={"mode": "fixed", "rate": 1.1})]
    await set_up(hass, site_entry(data, tariffs))
    await later(hass, freezer, minutes=10)
    set_energy(hass, IMPORT_TOTAL, 10.5)
    assert figure(hass, "demand_current_quarter") == pytest.approx(3.0)
    assert figure(hass, "demand_quarter_projected") == pytest.approx(3.0)
    await later(hass, freezer, minutes=5)
    assert figure(hass, "demand_month_peak") == pytest.approx(2.0)
    assert figure(hass, "price_gas") == 1.1
    hass.states.async_set(GAS, "1002", VOLUME)
    assert figure(hass, "cost_gas_today") == pytest.approx(2.2)
    assert figure(hass, "cost_net_today") == pytest.approx(
        0.15 + 2.2 + 40 * 2.5 / 365, abs=1e-4
    )
    hass.states.async_set(GAS, "2", {"unit_of_measurement": "kWh"})
    assert state(hass, "cost_gas_today") == STATE_UNAVAILABLE


async def test_battery_counts_in_consumption(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Battery charge and discharge energy change the site's consumption."""
    for entity_id, value in (
        (IMPORT_TOTAL, 10),
        (BATTERY_CHARGE, 5),
        (BATTERY_DISCHARGE, 5),
        (PV, 1),
    ):
        set_energy(hass, entity_id, value)
    data = {
        "source": "site",
        "grid_import": [IMPORT_TOTAL],
        "pv_energy": [PV],
        "battery_charge": BATTERY_CHARGE,
        "battery_discharge": BATTERY_DISCHARGE,
    }
    await set_up(hass, site_entry(data, [fixed(0.3)]))
    await later(hass, freezer, hours=1)
    set_energy(hass, PV, 4)
    set_energy(hass, BATTERY_CHARGE, 7)
    await later(hass, freezer, hours=4)
    set_energy(hass, BATTERY_DISCHARGE, 6.8)
    set_energy(hass, IMPORT_TOTAL, 11)
    assert figure(hass, "site_elec_cons") == pytest.approx(1 + 3 + 1.8 - 2)
    assert figure(hass, "self_sufficiency_ratio") == pytest.approx(
        (1 - 1 / 3.8) * 100, abs=0.01
    )


async def test_entities_follow_the_configuration(hass: HomeAssistant) -> None:
    """No export: no export figures; figures dropped by a change are removed."""
    set_energy(hass, IMPORT_TOTAL, 10.0)
    entry = site_entry(tariffs=TARIFFS)
    await set_up(hass, entry)
    registry = er.async_get(hass)
    keys = {
        entity.unique_id.removeprefix(f"{entry.entry_id}_")
        for entity in er.async_entries_for_config_entry(registry, entry.entry_id)
    }
    assert {"revenue_export_today", "pv_savings_month", "price_export"} <= keys
    assert "surplus_power" not in keys
    hass.config_entries.async_update_entry(entry, data=TOTAL_SITE)
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    remaining = {
        entity.unique_id.removeprefix(f"{entry.entry_id}_")
        for entity in er.async_entries_for_config_entry(registry, entry.entry_id)
    }
    assert remaining == {
        "price_import",
        "cost_import_today",
        "cost_import_month",
        "cost_import_total",
        "cost_fixed_today",
        "cost_fixed_month",
        "cost_fixed_total",
        "cost_net_today",
        "cost_net_month",
        "cost_net_total",
        "site_elec_cons",
    }
    device = registry.async_get(state_for(hass, "site_elec_cons").entity_id)
    assert device is not None
    assert device.platform == DOMAIN
    assert state_for(hass, "site_elec_cons").entity_id == "sensor.home_consumption"


def _attributes(hass: HomeAssistant, key: str) -> dict[str, Any]:
    """Return the attributes of a site entity."""
    return dict(state_for(hass, key).attributes)


async def test_units_in_the_configured_currency(hass: HomeAssistant) -> None:
    """Money in Home Assistant's currency; prices per kWh for the dashboard."""
    hass.config.currency = "GBP"
    set_energy(hass, IMPORT_TOTAL, 10.0)
    await set_up(hass, site_entry(TOTAL_SITE, TARIFFS))
    assert _attributes(hass, "price_import")["unit_of_measurement"] == "GBP/kWh"
    cost = _attributes(hass, "cost_import_month")
    assert cost["unit_of_measurement"] == "GBP"
    assert cost["device_class"] == "monetary"
    assert cost["state_class"] == "total"


async def test_figures_move_with_time_between_readings(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A reading after a missed wake-up moves the timer; a refresh recomputes."""
    set_energy(hass, IMPORT_TOTAL, 10.0)
    entry = site_entry(TOTAL_SITE, [{"import": PEAK_HOURS}])
    await set_up(hass, entry)
    freezer.move_to("2026-03-10T12:20:00+01:00")
    set_energy(hass, IMPORT_TOTAL, 11.0)
    assert figure(hass, "price_import") == 0.5
    coordinator = entry.runtime_data.coordinator  # type: ignore[attr-defined]
    await coordinator.async_refresh()
    assert figure(hass, "cost_import_today") == pytest.approx(
        (4 * 0.1 + 20 / 60 * 0.5) / (4 + 20 / 60), abs=1e-4
    )


async def test_idle_counter_of_a_meter_is_not_spread_back(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A meter's export idle all night is not spread back over the night.

    Its import kept reporting, so the first export of the morning flowed in
    the last interval only.
    """
    meter = MockConfigEntry(domain=DOMAIN, data={"source": "p1"})
    meter.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=meter.entry_id, identifiers={(DOMAIN, "E0044")}
    )
    registry = er.async_get(hass)
    for entity_id in (IMPORT_TOTAL, EXPORT_TOTAL):
        registry.async_get_or_create(
            "sensor",
            DOMAIN,
            f"E0044_{entity_id}",
            config_entry=meter,
            device_id=device.id,
            suggested_object_id=entity_id.removeprefix("sensor."),
        )
    freezer.move_to("2026-03-10T00:00:00+01:00")
    set_energy(hass, IMPORT_TOTAL, 10.0)
    set_energy(hass, EXPORT_TOTAL, 5.0)
    export = {"mode": "schedule", "rates": PEAK_HOURS["rates"], "default_rate": 0.0}
    data = {
        "source": "site",
        "grid_import": [IMPORT_TOTAL],
        "grid_export": [EXPORT_TOTAL],
    }
    await set_up(hass, site_entry(data, [fixed(0.3, export=export)]))
    for hour in range(1, 14):
        await later(hass, freezer, hours=1)
        set_energy(hass, IMPORT_TOTAL, 10.0 + hour)
    await later(hass, freezer, hours=1)
    set_energy(hass, EXPORT_TOTAL, 6.0)
    assert figure(hass, "revenue_export_today") == pytest.approx(0.5)


def test_every_figure_is_described_and_named() -> None:
    """Each figure a site can give has an entity description and a name."""
    strings = json.loads(
        (Path(__file__).parents[2] / STRINGS).read_text(encoding="utf-8")
    )
    figures = {key for figure in PERIOD_FIGURES for key in figure.keys.values()}
    figures |= set(LIFETIME_ENERGY) | set(CAPACITY_KEYS)
    figures |= {Key.PRICE_IMPORT, Key.PRICE_EXPORT, Key.PRICE_GAS}
    figures |= {Key.SITE_POWER, Key.SURPLUS_POWER}
    assert figures == set(SITE_SENSORS)
    assert figures <= set(strings["entity"]["sensor"])
