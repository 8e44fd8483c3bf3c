"""Snapshots of every Fronius entity: a Symo by day and a Gen24 with a battery.

The Symo answers with recorded samples, the Gen24 simulator at a fixed noon;
time is frozen, so registry entries and states are fixed.
"""

from datetime import datetime

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from syrupy.assertion import SnapshotAssertion

from simulators.fronius import FroniusSimulator
from simulators.profile import ZONE
from tests.common import state_for
from tests.fronius.helpers import SYMO_DAY, serve_samples, set_up_fronius
from tests.snapshot_helpers import assert_entities_match_snapshot

NOON = datetime(2026, 6, 21, 12, 0, tzinfo=ZONE)


async def test_symo_entities(
    hass: HomeAssistant,
    fronius_simulator: FroniusSimulator,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """A Symo with a Datamanager and a smart meter, from recorded answers."""
    freezer.move_to(NOON)
    serve_samples(fronius_simulator, SYMO_DAY)
    entry = await set_up_fronius(hass, fronius_simulator.address)

    assert_entities_match_snapshot(hass, snapshot, entry.entry_id)


async def test_gen24_entities(
    hass: HomeAssistant,
    gen24_simulator: FroniusSimulator,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
) -> None:
    """A Gen24 with a battery and a smart meter, at a fixed noon."""
    freezer.move_to(NOON)
    gen24_simulator.clock = lambda: NOON
    entry = await set_up_fronius(hass, gen24_simulator.address)

    assert_entities_match_snapshot(hass, snapshot, entry.entry_id)
    temperature = state_for(hass, "battery_temperature")
    assert temperature.attributes["unit_of_measurement"] == "°C"
    assert state_for(hass, "battery_soc").attributes["device_class"] == "battery"
