"""Snapshot every entity of an entry: registry entry and state, all platforms.

Like Home Assistant's ``snapshot_platform``, but over every platform of the
entry and without enabling what is disabled by default: the registry entry
records ``disabled_by``, so the default is part of the snapshot too.
"""

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion


def assert_entities_match_snapshot(
    hass: HomeAssistant, snapshot: SnapshotAssertion, entry_id: str
) -> None:
    """Compare every entity of the entry (entry, and state if enabled).

    The snapshots are written by Home Assistant's extension, under
    ``snapshots/`` next to the test module.
    """
    snapshot = snapshot.use_extension(HomeAssistantSnapshotExtension)
    registry = er.async_get(hass)
    entries = sorted(
        er.async_entries_for_config_entry(registry, entry_id),
        key=lambda entity: entity.entity_id,
    )
    assert entries
    for entity in entries:
        assert entity == snapshot(name=f"{entity.entity_id}-entry")
        state = hass.states.get(entity.entity_id)
        if entity.disabled_by is None:
            assert state is not None, entity.entity_id
            assert state == snapshot(name=f"{entity.entity_id}-state")
        else:
            assert state is None, entity.entity_id
