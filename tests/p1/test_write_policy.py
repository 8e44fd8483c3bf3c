"""A P1 meter's recorder rows: "Last telegram" no longer floods (issue 13.6)."""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant

from simulators.p1 import P1Simulator
from tests.common import entity_id_for, record_states, state_for, until
from tests.p1.helpers import advance, p1_entry


async def test_last_telegram_is_written_every_five_minutes(
    hass: HomeAssistant, p1_simulator: P1Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """Telegrams every second for 10 minutes: power live, the time 2-3 times."""
    entry = p1_entry(p1_simulator.port)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    seen = record_states(hass)
    for _ in range(600):
        await advance(hass, freezer, 1)
    power = seen[entity_id_for(hass, "grid_power")]
    times = seen[entity_id_for(hass, "last_telegram")]
    assert len(power) > 100
    assert 1 <= len(times) <= 3
    written = len(times)

    # Lost: the time of the last telegram is written at once.
    await p1_simulator.stop()
    await until(hass, lambda: state_for(hass, "grid_power").state == STATE_UNAVAILABLE)
    assert len(times) == written + 1
    assert state_for(hass, "last_telegram").state == times[-1]
