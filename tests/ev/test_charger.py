"""EV charging end to end: a real input_boolean relay driven through HA."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.energy_monitor.const import DOMAIN
from custom_components.energy_monitor.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.energy_monitor.storage import entry_store_key
from tests.common import state_for
from tests.ev.helpers import (
    GRID,
    PEAK,
    PRICE,
    QUARTER,
    House,
    restart_with_stored,
    select,
    set_grid,
    set_number,
    set_up_charger,
    set_up_relay,
)


async def test_sunny_day_charges_on_surplus(hass: HomeAssistant, house: House) -> None:
    """2 kW export: the relay goes on once the surplus is averaged, and stays."""
    assert state_for(hass, "smart_charging").state == "on"
    assert state_for(hass, "charging_mode").state == "solar"
    await house.run(300)
    assert not house.relay_on()  # the surplus is averaged over 10 minutes
    assert state_for(hass, "charging_reason").state == "no_surplus"
    await house.run(330)
    assert house.relay_on()
    assert state_for(hass, "charging_reason").state == "surplus"
    assert state_for(hass, "charge_recommended").state == "on"
    assert state_for(hass, "charge_recommended").attributes["surplus"] == 2000
    await house.run(1800)
    assert house.relay_on()
    assert float(state_for(hass, "charged_energy_today").state) == pytest.approx(
        0.7, abs=0.05
    )
    assert state_for(hass, "solar_share_today").state == "100.0"
    assert state_for(hass, "relay_switches_today").state == "1"


async def test_heavy_load_stops_charging_after_the_minimum_on_time(
    hass: HomeAssistant, house: House
) -> None:
    """A heavy load just after a start stops it, but not before the minimum on time."""
    await house.run(630)
    assert house.relay_on()
    house.household = 5000.0  # an oven and a heat pump: 6.4 kW import
    await house.run(240)
    assert house.relay_on()
    assert state_for(hass, "charging_reason").state == "min_on_time"
    await house.run(100)
    assert not house.relay_on()
    assert state_for(hass, "charging_reason").state == "no_surplus"


async def test_a_cloud_just_after_a_start_is_ridden_through(
    hass: HomeAssistant, house: House
) -> None:
    """A 5-minute cloud that would stop a settled charger does not stop a fresh one."""
    await house.run(630)
    assert house.relay_on()
    house.household = 1500.0  # 2.9 kW import while charging
    await house.run(300)
    assert house.relay_on()
    assert state_for(hass, "charging_reason").state == "surplus"
    assert state_for(hass, "charge_recommended").attributes["surplus"] < 500
    house.household = -2000.0
    await house.run(600)
    assert house.relay_on()
    assert state_for(hass, "relay_switches_today").state == "1"


async def test_refresh_acts_on_its_decision(hass: HomeAssistant, house: House) -> None:
    """A refresh asked between ticks (update_entity) also drives the relay."""
    assert await async_setup_component(hass, "homeassistant", {})
    await house.run(630)
    assert house.relay_on()
    (entry,) = hass.config_entries.async_entries(DOMAIN)
    with patch(
        "custom_components.energy_monitor.sources.ev.coordinator.TICK_SECONDS", 3600
    ):
        assert await hass.config_entries.async_reload(entry.entry_id)
    house.reporting = False
    await house.run(300)  # the meter went quiet; no tick has re-decided yet
    assert house.relay_on()
    await hass.services.async_call(
        "homeassistant",
        "update_entity",
        {"entity_id": state_for(hass, "charging_reason").entity_id},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert state_for(hass, "charging_reason").state == "data_stale"
    assert not house.relay_on()


async def test_data_loss_turns_the_relay_off(hass: HomeAssistant, house: House) -> None:
    """The meter stops reporting: off after the stale limit, never back on."""
    await house.run(630)
    assert house.relay_on()
    house.reporting = False
    await house.run(60)
    assert house.relay_on()
    await house.run(60)
    assert not house.relay_on()
    assert state_for(hass, "charging_reason").state == "data_stale"
    await house.run(600)
    assert not house.relay_on()


async def test_unavailable_grid_power_turns_the_relay_off(
    hass: HomeAssistant, house: House
) -> None:
    """An unavailable input is stale data too."""
    await house.run(630)
    house.reporting = False
    hass.states.async_set(GRID, "unavailable")
    await house.run(10)
    assert not house.relay_on()


async def test_restart_does_not_toggle_until_data_is_fresh(
    hass: HomeAssistant, house: House
) -> None:
    """After a reload the relay keeps its state until fresh data arrives."""
    await house.run(630)
    assert house.relay_on()
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    house.household = 500.0  # clouds while Home Assistant restarts
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert house.relay_on()
    assert state_for(hass, "charging_reason").state == "waiting_for_data"
    assert state_for(hass, "relay_switches_today").state == "1"
    await house.run(200)
    assert house.relay_on()  # fresh, but the minimum on time holds it
    assert state_for(hass, "charging_reason").state == "min_on_time"
    await house.run(900)
    assert not house.relay_on()


async def test_peak_guard_stops_charging(hass: HomeAssistant, house: House) -> None:
    """A projected quarter-hour demand over the month's peak stops charging."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    hass.config_entries.async_update_entry(
        entry,
        data={
            **entry.data,
            "demand_quarter_entity": QUARTER,
            "month_peak_entity": PEAK,
        },
    )
    assert await hass.config_entries.async_reload(entry.entry_id)
    await select(hass, "charging_mode", "on")
    await house.run(10)
    assert house.relay_on()
    await select(hass, "charging_mode", "solar_min")
    await set_number(hass, "min_energy", 30)
    house.household = 1500.0
    for _ in range(3):
        hass.states.async_set(QUARTER, "4.5", {"unit_of_measurement": "kW"})
        hass.states.async_set(PEAK, "2000", {"unit_of_measurement": "W"})
        await house.run(10)
    assert not house.relay_on()
    assert state_for(hass, "charging_reason").state == "peak_guard"


async def test_smart_charging_off_leaves_the_relay_alone(
    hass: HomeAssistant, house: House
) -> None:
    """With the controller off, only the recommendation changes."""
    await hass.services.async_call(
        "switch",
        "turn_off",
        {"entity_id": state_for(hass, "smart_charging").entity_id},
        blocking=True,
    )
    await house.run(700)
    assert not house.relay_on()
    assert state_for(hass, "charge_recommended").state == "on"
    await hass.services.async_call(
        "switch",
        "turn_on",
        {"entity_id": state_for(hass, "smart_charging").entity_id},
        blocking=True,
    )
    await house.run(10)
    assert house.relay_on()


async def test_settings_entities(hass: HomeAssistant, house: House) -> None:
    """Numbers, select and time change the controller; they survive a reload."""
    await set_number(hass, "start_surplus", 2500)
    await set_number(hass, "min_on_time", 20)
    await set_number(hass, "averaging_window", 60)
    await set_number(hass, "max_switches", 4)
    await hass.services.async_call(
        "time",
        "set_value",
        {"entity_id": state_for(hass, "ready_by").entity_id, "time": "06:30:00"},
        blocking=True,
    )
    await house.run(300)
    assert not house.relay_on()  # 2 kW < 2.5 kW
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert state_for(hass, "start_surplus").state == "2500.0"
    assert state_for(hass, "min_on_time").state == "20.0"
    assert state_for(hass, "max_switches").state == "4"
    assert state_for(hass, "ready_by").state == "06:30:00"
    await select(hass, "charging_mode", "on")
    assert house.relay_on()
    await select(hass, "charging_mode", "off")
    assert not house.relay_on()
    assert state_for(hass, "charging_reason").state == "mode_off"


async def test_boost_and_plan_actions(hass: HomeAssistant, house: House) -> None:
    """Boost charges now; the plan shows mode, reason and cheap slots."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    await select(hass, "charging_mode", "off")
    await hass.services.async_call(
        DOMAIN,
        "boost",
        {"config_entry_id": entry.entry_id, "duration": 30},
        blocking=True,
    )
    assert house.relay_on()
    assert state_for(hass, "charging_reason").state == "boost"
    plan = await hass.services.async_call(
        DOMAIN,
        "get_charging_plan",
        {"config_entry_id": entry.entry_id},
        blocking=True,
        return_response=True,
    )
    assert plan["reason"] == "boost"
    assert plan["boost_until"] is not None
    assert plan["slots"] == []
    await house.run(1900)
    assert not house.relay_on()
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN, "boost", {"config_entry_id": "nope"}, blocking=True
        )
    await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(ServiceValidationError):
        await hass.services.async_call(
            DOMAIN, "boost", {"config_entry_id": entry.entry_id}, blocking=True
        )


async def test_cheap_mode_plans_from_the_price_forecast(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Cheap mode charges in the cheapest hours of the price entity's forecast."""
    await hass.config.async_set_time_zone("Europe/Brussels")
    freezer.move_to("2026-06-15 20:00:00+00:00")  # 22:00 local
    await set_up_relay(hass)
    set_grid(hass, 300)
    forecast = [
        {"start": f"2026-06-16T{hour:02d}:00:00+02:00", "price": price}
        for hour, price in [
            (0, 0.3),
            (1, 0.1),
            (2, 0.05),
            (3, 0.2),
            (4, 0.3),
            (5, 0.3),
            (6, 0.4),
        ]
    ]
    hass.states.async_set(
        PRICE, "0.35", {"unit_of_measurement": "EUR/kWh", "forecast": forecast}
    )
    entry = await set_up_charger(hass, price_entity=PRICE)
    await select(hass, "charging_mode", "cheap")
    await set_number(hass, "min_energy", 2.8)
    house = House(hass, freezer)
    house.household = 300.0
    plan = await hass.services.async_call(
        DOMAIN,
        "get_charging_plan",
        {"config_entry_id": entry.entry_id},
        blocking=True,
        return_response=True,
    )
    assert [slot["start"] for slot in plan["slots"]] == [
        "2026-06-16T01:00:00+02:00",
        "2026-06-16T02:00:00+02:00",
    ]
    assert plan["remaining_energy"] == 2.8
    await house.run(3 * 3600 + 60)  # 01:00 local
    assert house.relay_on()
    assert state_for(hass, "charging_reason").state == "cheap_slot"
    await house.run(2 * 3600 + 60)
    assert not house.relay_on()
    assert state_for(hass, "charging_reason").state == "target_reached"


async def test_grid_power_in_kilowatt(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A grid sensor in kW (HA core's dsmr) is converted."""
    freezer.move_to("2026-06-15 10:00:00+00:00")
    await set_up_relay(hass)
    set_grid(hass, -2.0, unit="kW")
    entry = await set_up_charger(hass)
    house = House(hass, freezer)
    for _ in range(65):
        freezer.tick(timedelta(seconds=10))
        set_grid(hass, -2.0 + (1.4 if house.relay_on() else 0), "kW")
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    assert house.relay_on()
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["inputs"]["grid_power"]["value"] == pytest.approx(-600.0)


async def test_diagnostics_and_removal(
    hass: HomeAssistant, house: House, hass_storage: dict[str, object]
) -> None:
    """Diagnostics show settings and the decision; removal deletes storage."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    await house.run(630)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["decision"]["reason"] == "surplus"
    assert diagnostics["stored"]["settings"]["mode"] == "solar"
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert entry_store_key(entry) in hass_storage
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert entry_store_key(entry) not in hass_storage


async def test_solar_thresholds_scale_with_the_chargers_power(
    hass: HomeAssistant,
) -> None:
    """A new 3 kW charger starts at 50 % of its power and stops at 65 % import."""
    await set_up_relay(hass)
    set_grid(hass, 0)
    await set_up_charger(hass, charger_power=3000)
    assert state_for(hass, "start_surplus").state == "1500.0"
    assert state_for(hass, "stop_import").state == "1950.0"
    assert state_for(hass, "min_on_time").state == "5.0"
    assert state_for(hass, "min_off_time").state == "5.0"


async def test_settings_left_at_the_old_defaults_take_the_new_ones(
    hass: HomeAssistant, house: House, hass_storage: dict[str, dict[str, object]]
) -> None:
    """After the update, untouched old defaults move on; the user's own stay."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]

    def version_1(stored: dict[str, Any]) -> None:
        stored.pop("settings_version")
        stored["settings"].update(
            start_surplus=750.0, min_on_time=900.0, max_switches=12, min_off_time=600.0
        )

    await restart_with_stored(hass, hass_storage, entry, version_1)
    assert state_for(hass, "start_surplus").state == "700.0"
    assert state_for(hass, "min_on_time").state == "5.0"
    assert state_for(hass, "max_switches").state == "16"
    assert state_for(hass, "min_off_time").state == "10.0"  # the user's choice
    await set_number(hass, "max_switches", 12)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert state_for(hass, "max_switches").state == "12"  # chosen after the update


async def test_stored_settings_that_cannot_be_settings_are_ignored(
    hass: HomeAssistant,
    house: House,
    hass_storage: dict[str, dict[str, object]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A damaged file loads: each bad value keeps its default and is logged."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    await set_number(hass, "min_off_time", 10)

    def damage(stored: dict[str, Any]) -> None:
        stored["settings_version"] = "two"
        stored["settings"].update(
            mode="warp",
            ready_by=700,
            start_surplus="lots",
            min_on_time=float("nan"),
            max_switches=12.5,
            averaging_window=0,
            stop_import=10**400,
            min_energy=True,
            charger_power=9999.0,
        )

    await restart_with_stored(hass, hass_storage, entry, damage)
    assert entry.state is ConfigEntryState.LOADED
    assert state_for(hass, "charging_mode").state == "solar"
    assert state_for(hass, "ready_by").state == "07:00:00"
    assert state_for(hass, "start_surplus").state == "700.0"
    assert state_for(hass, "min_on_time").state == "5.0"
    assert state_for(hass, "max_switches").state == "16"
    assert state_for(hass, "averaging_window").state == "600.0"
    assert state_for(hass, "stop_import").state == "900.0"
    assert state_for(hass, "min_energy").state == "10.0"
    assert state_for(hass, "charger_power").state == "1400.0"
    assert state_for(hass, "min_off_time").state == "10.0"  # a good value stays
    for name in (
        "mode",
        "ready_by",
        "start_surplus",
        "min_on_time",
        "max_switches",
        "averaging_window",
        "stop_import",
        "min_energy",
    ):
        assert f"stored setting {name} " in caplog.text
    await house.run(700)  # the controller runs on the defaults
    assert house.relay_on()


async def test_old_defaults_of_a_bigger_charger_take_the_new_ones(
    hass: HomeAssistant, hass_storage: dict[str, dict[str, object]]
) -> None:
    """A 3 kW charger's old 1650 W start (55 %) becomes 1500 W (50 %)."""
    await set_up_relay(hass)
    set_grid(hass, 0)
    entry = await set_up_charger(hass, charger_power=3000)

    def version_1(stored: dict[str, Any]) -> None:
        stored.pop("settings_version")
        stored["settings"].update(start_surplus=1650, stop_import=1800.0)

    await restart_with_stored(hass, hass_storage, entry, version_1)
    assert state_for(hass, "start_surplus").state == "1500.0"
    assert state_for(hass, "stop_import").state == "1800.0"  # the user's choice


DAMAGES: list[tuple[Callable[[dict[str, Any]], None], bool]] = [
    (lambda stored: stored["controller"].update(energy="lots"), True),
    (lambda stored: stored["controller"].update(last_switch=7), True),
    (lambda stored: stored.update(controller=["not", "a", "section"]), False),
    (lambda stored: stored.update(enabled="perhaps"), False),
]
"""A damage to the stored document, and whether it is worth a warning."""


@pytest.mark.parametrize("case", DAMAGES)
async def test_damaged_statistics_start_afresh(
    hass: HomeAssistant,
    house: House,
    hass_storage: dict[str, dict[str, object]],
    caplog: pytest.LogCaptureFixture,
    case: tuple[Callable[[dict[str, Any]], None], bool],
) -> None:
    """Unreadable statistics are logged and start from zero; charging goes on."""
    damage, warned = case
    await house.run(700)
    assert house.relay_on()
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    await restart_with_stored(hass, hass_storage, entry, damage)
    assert state_for(hass, "smart_charging").state == "on"
    assert ("charging statistics are not readable" in caplog.text) is warned
    await house.run(30)
    assert house.relay_on()


async def test_a_stored_state_that_is_not_a_document_is_ignored(
    hass: HomeAssistant,
    house: House,
    hass_storage: dict[str, dict[str, object]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A file holding a list instead of a document: the defaults, and a warning."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    await set_number(hass, "min_off_time", 10)
    await restart_with_stored(
        hass, hass_storage, entry, lambda _: ["not", "a", "document"]
    )
    assert state_for(hass, "min_off_time").state == "5.0"
    assert "the stored state is not readable" in caplog.text
