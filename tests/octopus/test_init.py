"""An Octopus entry: entities (snapshot), diagnostics, devices, the action's errors."""

from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.energy_monitor.const import DOMAIN
from custom_components.energy_monitor.diagnostics import (
    async_get_config_entry_diagnostics,
)
from simulators.octopus import API_KEY, EXPORT_MPAN, IMPORT_MPAN, OctopusSimulator
from tests.snapshot_helpers import assert_entities_match_snapshot

from .helpers import set_up_octopus

pytestmark = pytest.mark.usefixtures("uk_time")


async def test_entities(
    hass: HomeAssistant, octopus: OctopusSimulator, snapshot: SnapshotAssertion
) -> None:
    """Every entity of the account, with its registry entry and state."""
    entry = await set_up_octopus(hass, octopus)
    assert_entities_match_snapshot(hass, snapshot, entry.entry_id)


async def test_diagnostics_and_devices(
    hass: HomeAssistant, octopus: OctopusSimulator
) -> None:
    """Diagnostics hide the key, account and meter numbers; devices stay in use."""
    entry = await set_up_octopus(hass, octopus)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    text = repr(diagnostics)
    for secret in (API_KEY, "A-1234ABCD", IMPORT_MPAN, EXPORT_MPAN):
        assert secret not in text
    points = diagnostics["rates"]["meter_points"]
    assert [point["tariff_code"] for point in points] == [
        "E-1R-AGILE-24-10-01-C",
        "E-1R-OUTGOING-VAR-24-10-26-C",
        "G-1R-VAR-22-11-01-C",
    ]
    assert [day["latest_day"] for day in diagnostics["history"]["imported"]] == [
        "2026-03-19"
    ] * 3
    registry = dr.async_get(hass)
    device = registry.async_get_device_by_identifier(
        (DOMAIN, f"octopus_{IMPORT_MPAN}_import"), entry.entry_id
    )
    assert device is not None
    assert device.manufacturer == "Octopus Energy"
    assert not entry.runtime_data.device_in_use({(DOMAIN, "octopus_gone_import")})
    assert entry.runtime_data.device_in_use({(DOMAIN, f"octopus_{IMPORT_MPAN}_import")})
    assert await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"content": "not json"}, "invalid_cache"),
        ({"content": "[1]"}, "invalid_cache"),
        ({"content": '{"consumption": 1}'}, "unknown_meter_point"),
        (
            {
                "content": '{"consumption": 1, "unit": "electricity_exporting_kwh"}',
                "meter_point": IMPORT_MPAN,
            },
            "cache_unit_mismatch",
        ),
        (
            {"content": '{"consumption": 1}', "meter_point": IMPORT_MPAN},
            "invalid_cache",
        ),
        ({}, "cache_source_required"),
        ({"file": "/etc/passwd"}, "path_not_allowed"),
    ],
)
async def test_cache_action_errors(
    hass: HomeAssistant,
    octopus: OctopusSimulator,
    data: dict[str, str],
    error: str,
) -> None:
    """A cache that cannot be imported says why."""
    entry = await set_up_octopus(hass, octopus)
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN,
            "import_octopus_cache",
            {"config_entry_id": entry.entry_id, **data},
            blocking=True,
            return_response=True,
        )
    assert raised.value.translation_key == error


async def test_cache_file_without_recorder(
    hass: HomeAssistant, octopus: OctopusSimulator, tmp_path: Path
) -> None:
    """The meter point comes from octopus_viz's file name; no recorder, no rows."""
    hass.config.config_dir = str(tmp_path)
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    name = f"22L0000001_{IMPORT_MPAN}_2026-03-12_2026-03-13"
    (tmp_path / name).write_text(
        '{"consumption": 0.5, "unit": "electricity_importing_kwh", '
        '"interval_start": "2026-03-12T00:00:00Z", '
        '"interval_end": "2026-03-12T00:30:00Z"}\n\n',
        encoding="utf-8",
    )
    entry = await set_up_octopus(hass, octopus)
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN,
            "import_octopus_cache",
            {"config_entry_id": entry.entry_id, "file": "missing"},
            blocking=True,
        )
    assert raised.value.translation_key == "file_unreadable"
    response = await hass.services.async_call(
        DOMAIN,
        "import_octopus_cache",
        {"config_entry_id": entry.entry_id, "file": name},
        blocking=True,
        return_response=True,
    )
    assert response == {
        "meter_point": IMPORT_MPAN,
        "flow": "import",
        "intervals": 1,
        "hours_written": 0,
    }


async def test_cache_action_needs_a_loaded_account(
    hass: HomeAssistant, octopus: OctopusSimulator
) -> None:
    """The action names an Octopus account that is loaded."""
    entry = await set_up_octopus(hass, octopus)
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN,
            "import_octopus_cache",
            {"config_entry_id": "nope", "content": ""},
            blocking=True,
        )
    assert raised.value.translation_key == "not_an_octopus_account"
    await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN,
            "import_octopus_cache",
            {"config_entry_id": entry.entry_id, "content": ""},
            blocking=True,
        )
    assert raised.value.translation_key == "octopus_not_loaded"
