"""The relay does what the user was shown, through Home Assistant (issue 12).

Each test replays a situation that once switched the relay wrongly: stale
samples after an outage, a restart with the relay reporting late, the peak
guard's start-then-stop, cheap-hours plans that were not the ones executed,
an unavailable relay, and a non-finite grid power.
"""

from datetime import datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import Event, EventStateChangedData, HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.energy_monitor.const import DOMAIN
from tests.common import state_for
from tests.ev.helpers import (
    GRID,
    PEAK,
    PRICE,
    QUARTER,
    RELAY,
    House,
    select,
    set_grid,
    set_number,
    set_up_charger,
    set_up_relay,
)


def record_relay(hass: HomeAssistant) -> list[tuple[datetime, str]]:
    """Record every state the relay takes from now on, with its time."""
    seen: list[tuple[datetime, str]] = []

    def changed(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if new is not None and new.entity_id == RELAY:
            seen.append((dt_util.now(), new.state))

    hass.bus.async_listen("state_changed", changed)
    return seen


def on_periods(
    changes: list[tuple[datetime, str]],
) -> list[tuple[str, str]]:
    """Return the relay's on-periods as local ``HH:MM`` pairs."""
    periods: list[tuple[str, str]] = []
    started: datetime | None = None
    for moment, state in changes:
        if state == "on" and started is None:
            started = moment
        elif state != "on" and started is not None:
            periods.append((f"{started:%H:%M}", f"{moment:%H:%M}"))
            started = None
    return periods


async def test_no_start_from_samples_before_an_outage(
    hass: HomeAssistant, house: House
) -> None:
    """After an outage the window refills with fresh data before any start."""
    house.household = -4000.0
    await house.run(630)
    assert house.relay_on()
    house.reporting = False
    hass.states.async_set(GRID, "unavailable")
    await house.run(900)
    assert not house.relay_on()
    assert state_for(hass, "charging_reason").state == "data_stale"
    house.household = 1867.0  # the sun is gone: the meter shows import
    house.reporting = True
    await house.run(700)
    assert not house.relay_on()
    assert state_for(hass, "charging_reason").state == "no_surplus"
    assert state_for(hass, "relay_switches_today").state == "2"


async def test_restart_with_the_relay_reporting_late(
    hass: HomeAssistant, house: House
) -> None:
    """Until the relay reports after a restart, nothing is recorded or switched."""
    house.household = -1800.0
    await house.run(1530)
    assert house.relay_on()
    changes = record_relay(hass)
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    hass.states.async_set(RELAY, "unknown")  # its integration is still loading
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    house.household = -400.0  # what the meter shows: the charger still draws
    await house.run(60)
    assert state_for(hass, "charging_reason").state == "waiting_for_data"
    hass.states.async_set(RELAY, "on")
    house.household = -1800.0
    await house.run(900)
    assert [state for _, state in changes] == ["unknown", "on"]
    assert state_for(hass, "charging_reason").state == "surplus"
    assert state_for(hass, "relay_switches_today").state == "1"


async def _peak_house(hass: HomeAssistant, house: House) -> None:
    """Add the capacity-tariff inputs and ask for grid charging by noon's end."""
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
    await hass.async_block_till_done()
    await select(hass, "charging_mode", "solar_min")
    await set_number(hass, "min_energy", 30)


async def test_peak_guard_never_starts_what_it_must_stop(
    hass: HomeAssistant, house: House, freezer: FrozenDateTimeFactory
) -> None:
    """3.25 kW of house load under a 4.0 kW peak: the 1.4 kW charger never starts."""
    await _peak_house(hass, house)
    hass.states.async_set(QUARTER, "3.25", {"unit_of_measurement": "kW"})
    hass.states.async_set(PEAK, "4.0", {"unit_of_measurement": "kW"})
    set_grid(hass, 3250)
    await hass.async_block_till_done()
    changes = record_relay(hass)
    quarter_energy = 0.0  # kWh of this quarter hour so far
    for step in range(35 * 6):
        freezer.tick(timedelta(seconds=10))
        seconds = (step + 1) * 10 % 900
        load = 3.25 + (1.4 if house.relay_on() else 0.0)
        quarter_energy = 0.0 if seconds == 0 else quarter_energy + load * 10 / 3600
        average = quarter_energy * 3600 / seconds if seconds else load
        hass.states.async_set(QUARTER, f"{average:.3f}", {"unit_of_measurement": "kW"})
        hass.states.async_set(PEAK, "4.0", {"unit_of_measurement": "kW"})
        set_grid(hass, load * 1000)
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    assert changes == []
    assert not house.relay_on()
    assert state_for(hass, "charging_reason").state == "peak_guard"


async def test_every_start_counts_toward_the_switch_limit(
    hass: HomeAssistant, house: House
) -> None:
    """A grid start for the minimum energy respects the daily switch limit too."""
    await _peak_house(hass, house)
    await set_number(hass, "max_switches", 0)
    house.household = 3000.0
    await house.run(60)
    assert not house.relay_on()
    assert state_for(hass, "charging_reason").state == "switch_limit"


PRICES = [
    ("2026-06-16T00:00", "2026-06-16T01:00", 0.30),
    ("2026-06-16T01:00", "2026-06-16T02:00", 0.30),
    ("2026-06-16T02:00", "2026-06-16T02:55", 0.05),
    ("2026-06-16T02:55", "2026-06-16T03:00", 0.50),
    ("2026-06-16T03:00", "2026-06-16T04:00", 0.06),
    ("2026-06-16T04:00", "2026-06-16T05:00", 0.20),
    ("2026-06-16T05:00", "2026-06-16T06:00", 0.25),
    ("2026-06-16T06:00", "2026-06-16T07:00", 0.25),
]


async def test_cheap_hours_plan_shown_is_the_plan_executed(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """One run covering a 5-minute dear gap; a re-learned power adds no sliver."""
    await hass.config.async_set_time_zone("Europe/Brussels")
    freezer.move_to("2026-06-15 20:00:00+00:00")  # 22:00 local
    await set_up_relay(hass)
    set_grid(hass, 300)
    forecast = [
        {"start": f"{start}:00+02:00", "end": f"{end}:00+02:00", "price": price}
        for start, end, price in PRICES
    ]
    hass.states.async_set(
        PRICE, "0.35", {"unit_of_measurement": "EUR/kWh", "forecast": forecast}
    )
    entry = await set_up_charger(hass, price_entity=PRICE)
    await select(hass, "charging_mode", "cheap")
    await set_number(hass, "min_energy", 3.5)  # 2.5 hours at 1.4 kW
    await set_number(hass, "min_off_time", 10)  # the dear gap is shorter
    house = House(hass, freezer)
    house.household = 300.0
    house.charger = 1340.0  # re-learned after each switch, within 5 %
    plan = await hass.services.async_call(
        DOMAIN,
        "get_charging_plan",
        {"config_entry_id": entry.entry_id},
        blocking=True,
        return_response=True,
    )
    assert plan is not None
    shown = [(slot["start"][11:16], slot["end"][11:16]) for slot in plan["slots"]]
    assert shown == [
        ("02:00", "02:55"),
        ("02:55", "03:00"),
        ("03:00", "04:00"),
        ("04:00", "04:30"),
    ]
    changes = record_relay(hass)
    await house.run(8 * 3600 + 50 * 60)  # until 06:50 local
    assert on_periods(changes) == [("02:00", "04:30")]
    assert state_for(hass, "charging_reason").state == "target_reached"


async def test_unavailable_relay_stops_accounting_and_raises_a_repair(
    hass: HomeAssistant, house: House
) -> None:
    """A relay that is unavailable or deleted: no energy, a reason, a repair."""
    issues = ir.async_get(hass)
    await house.run(630)
    assert house.relay_on()
    energy = state_for(hass, "charged_energy_today").state
    hass.states.async_set(RELAY, "unavailable")
    await house.run(30)
    assert state_for(hass, "charging_reason").state == "relay_unavailable"
    assert not issues.issues  # a short drop-out raises no repair
    await house.run(570)
    assert state_for(hass, "charged_energy_today").state == energy
    assert state_for(hass, "charge_recommended").state == "unknown"
    (issue,) = issues.issues.values()
    assert issue.translation_key == "ev_relay_unavailable"
    hass.states.async_set(RELAY, "on")
    await house.run(10)
    assert not issues.issues
    assert state_for(hass, "charging_reason").state == "surplus"
    hass.states.async_remove(RELAY)  # deleted
    await house.run(600)
    assert state_for(hass, "charging_reason").state == "relay_unavailable"
    assert len(issues.issues) == 1


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
async def test_non_finite_grid_power_is_rejected(
    hass: HomeAssistant, house: House, value: str
) -> None:
    """A grid power of "nan" is no number: stale data, every entity still writes."""
    await house.run(630)
    assert house.relay_on()
    house.reporting = False
    hass.states.async_set(GRID, value, {"unit_of_measurement": "W"})
    await house.run(30)
    assert not house.relay_on()
    assert state_for(hass, "charging_reason").state == "data_stale"
    assert state_for(hass, "solar_share_today").state == "100.0"
    assert state_for(hass, "charge_recommended").state == "off"
