"""Snapshots of every Flukso entity: an FLM02 and an FLM03 with live values."""

from datetime import datetime

from homeassistant.core import HomeAssistant
import pytest
from syrupy.assertion import SnapshotAssertion

from simulators.flukso import FluksoBroker, FluksoSimulator, FluksoVariant
from tests.common import entity_id_by_unique_id, until
from tests.flukso.helpers import setup_entry
from tests.snapshot_helpers import assert_entities_match_snapshot

MOMENT = datetime.fromisoformat("2026-11-20T14:00:00+01:00")


@pytest.mark.parametrize("variant", list(FluksoVariant))
async def test_flukso_entities(
    hass: HomeAssistant,
    broker: FluksoBroker,
    snapshot: SnapshotAssertion,
    variant: FluksoVariant,
) -> None:
    """Every entity of the meter's sensors, as registered and shown."""
    meter = FluksoSimulator(variant, broker.host, broker.port)
    await meter.publish_config()
    entry = await setup_entry(hass, meter, entry_id=f"flukso_{variant}")
    messages = meter.reading_messages(MOMENT.timestamp(), 60.0)
    await meter.publish_all(messages)
    last = meter.sensors[-1]
    key = "grid_water_import" if variant is FluksoVariant.FLM02 else "grid_elec_export"
    entity_id = entity_id_by_unique_id(hass, f"{last.sensor_id}_{key}")
    await until(hass, lambda: hass.states.get(entity_id).state != "unknown")  # type: ignore[union-attr]

    assert_entities_match_snapshot(hass, snapshot, entry.entry_id)
