"""Snapshots of every EV charger entity (all platforms), at a frozen noon."""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from syrupy.assertion import SnapshotAssertion

from tests.common import state_for
from tests.ev.helpers import House, set_grid, set_up_charger, set_up_relay
from tests.snapshot_helpers import assert_entities_match_snapshot


async def test_ev_charger_entities(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, snapshot: SnapshotAssertion
) -> None:
    """Every entity of a charger after 20 minutes of 2 kW surplus."""
    await hass.config.async_set_time_zone("Europe/Brussels")
    freezer.move_to("2026-06-15 10:00:00+00:00")
    await set_up_relay(hass)
    set_grid(hass, -2000)
    entry = await set_up_charger(hass)
    await House(hass, freezer).run(1200)

    assert_entities_match_snapshot(hass, snapshot, entry.entry_id)
    power = state_for(hass, "charger_power")
    assert power.attributes["unit_of_measurement"] == "W"
    assert state_for(hass, "relay_switches_today").state == "1"
