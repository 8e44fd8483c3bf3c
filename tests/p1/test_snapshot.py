"""Snapshots of every P1 entity: a Dutch DSMR 5 and a Belgian meter with gas.

Real telegrams from tests/fixtures/dsmr are served over loopback TCP at a
frozen moment, so every registry entry (device and state class, unit,
category, precision, enabled by default) and every state is fixed.
"""

from datetime import datetime

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.energy_monitor.const import DOMAIN
from tests.common import entity_id_by_unique_id, state_for
from tests.p1.helpers import ServeBytes, load_sample, p1_entry
from tests.snapshot_helpers import assert_entities_match_snapshot

MOMENT = datetime.fromisoformat("2026-11-20T14:00:00+01:00")


async def _set_up(hass: HomeAssistant, serve_bytes: ServeBytes, sample: str) -> str:
    """Serve a sample telegram and set up an entry with a fixed ID for it.

    The meter is known by the entry's ID until it reports a serial, so the
    ID is part of the unique IDs.
    """
    payload, _ = load_sample(sample)
    template = p1_entry(await serve_bytes(payload))
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=template.title,
        data=template.data,
        options=template.options,
        entry_id=f"p1_{sample}",
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry.entry_id


@pytest.mark.parametrize(
    "sample", ["nl_dsmr50_iskra_mt382_3phase", "be_fluvius_50217_peak_history4"]
)
async def test_p1_entities(
    hass: HomeAssistant,
    serve_bytes: ServeBytes,
    freezer: FrozenDateTimeFactory,
    snapshot: SnapshotAssertion,
    sample: str,
) -> None:
    """Every entity of the meter and its MBus meters, as registered and shown."""
    freezer.move_to(MOMENT)
    entry_id = await _set_up(hass, serve_bytes, sample)

    assert_entities_match_snapshot(hass, snapshot, entry_id)


async def test_belgian_values(
    hass: HomeAssistant, serve_bytes: ServeBytes, freezer: FrozenDateTimeFactory
) -> None:
    """The Belgian meter's demand, peak, gas and water, as the telegram says."""
    freezer.move_to(MOMENT)
    await _set_up(hass, serve_bytes, "be_fluvius_50217_peak_history4")

    assert state_for(hass, "demand_current_quarter").state == "0.052"
    peak = state_for(hass, "demand_month_peak")
    assert peak.state == "3.064"
    assert peak.attributes["unit_of_measurement"] == "kW"
    assert len(peak.attributes["history"]) == 4
    assert state_for(hass, "grid_power").state == "338.0"
    assert state_for(hass, "last_telegram").state == "2026-11-20T13:00:00+00:00"
    gas_id = entity_id_by_unique_id(hass, "7FLO2123088027_grid_gas_import")
    gas = hass.states.get(gas_id)
    assert gas is not None
    assert gas.state == "92.287"
    water = hass.states.get(
        entity_id_by_unique_id(hass, "8SET0000961173_grid_water_import")
    )
    assert water is not None
    assert water.state == "8.579"
