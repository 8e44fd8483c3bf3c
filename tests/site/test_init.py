"""Setting energy sites up and down, their storage, diagnostics and actions."""

import json
from pathlib import Path
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest

from custom_components.energy_monitor.const import DOMAIN
from custom_components.energy_monitor.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.energy_monitor.storage import entry_store_key
from tests.site.helpers import (
    IMPORT_TOTAL,
    TOTAL_SITE,
    figure,
    fixed,
    set_energy,
    set_up,
    site_entry,
)

TARIFF_FILE: dict[str, Any] = {
    "meters": {"api_key": "<api key>", "serial": "<serial>", "meters": []},
    "tariffs": {
        "agile_like_import": {
            "unit": "electricity_importing_kwh",
            "currency": "EUR",
            "rates": [
                {"interval_start": "00:00", "interval_end": "07:00", "rate": 0.21},
                {"interval_start": "07:00", "interval_end": "00:00", "rate": 0.33},
            ],
            "standing_charge": 0.45,
        },
        "feed_in": {
            "unit": "electricity_exporting_kwh",
            "currency": "GBP",
            "rates": [
                {"interval_start": "00:00", "interval_end": "24:00", "rate": 0.04}
            ],
        },
    },
}


async def test_load_unload_and_remove(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Unloading stores the state; removing the site deletes it."""
    set_energy(hass, IMPORT_TOTAL, 10.0)
    entry = site_entry(TOTAL_SITE, [fixed(0.3)])
    await set_up(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    stored = hass_storage[entry_store_key(entry)]["data"]
    assert stored["baselines"][IMPORT_TOTAL][0] == 10.0
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert entry_store_key(entry) not in hass_storage


async def test_invalid_stored_tariffs(hass: HomeAssistant) -> None:
    """Tariffs that cannot be read stop the site with an explanation."""
    entry = site_entry(TOTAL_SITE, [{"import": {"mode": "cheap"}}])
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason is not None
    assert "invalid_mode" in entry.reason


async def test_unusable_stored_state_starts_afresh(
    hass: HomeAssistant, hass_storage: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """A stored state of another format is ignored, with a warning."""
    entry = site_entry(TOTAL_SITE, [fixed(0.3, standing_charge=1.0)])
    hass_storage[entry_store_key(entry)] = {
        "version": 1,
        "key": entry_store_key(entry),
        "data": {"format": 99},
    }
    await set_up(hass, entry)
    assert "starting afresh" in caplog.text
    assert figure(hass, "cost_fixed_today") == 1.0


async def test_damaged_stored_state_is_not_half_used(
    hass: HomeAssistant, hass_storage: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """A stored state damaged after its totals starts afresh, totals included."""
    set_energy(hass, IMPORT_TOTAL, 10.0)
    entry = site_entry(TOTAL_SITE, [fixed(0.3)])
    await set_up(hass, entry)
    set_energy(hass, IMPORT_TOTAL, 20.0)
    await hass.async_block_till_done()
    assert figure(hass, "cost_import_total") == pytest.approx(3.0)
    assert await hass.config_entries.async_unload(entry.entry_id)
    hass_storage[entry_store_key(entry)]["data"]["stats"] = "damaged"
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert "starting afresh" in caplog.text
    assert figure(hass, "cost_import_total") == 0.0


async def test_diagnostics(hass: HomeAssistant) -> None:
    """Diagnostics show inputs, figures and the engine's state."""
    set_energy(hass, IMPORT_TOTAL, 10.0)
    entry = site_entry(TOTAL_SITE, [fixed(0.3)], title="Grandma's house")
    await set_up(hass, entry)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert "Grandma" not in json.dumps(diagnostics)
    assert diagnostics["entry"]["data"]["grid_import"] == [IMPORT_TOTAL]
    assert diagnostics["figures"]["price_import"] == 0.3
    assert diagnostics["unavailable"] == []
    assert diagnostics["engine"]["available"] == {IMPORT_TOTAL: True}
    assert diagnostics["stored"]["format"] == 1


async def test_import_tariff_from_content(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """The action replaces today's prices and reloads the site."""
    set_energy(hass, IMPORT_TOTAL, 10.0)
    entry = site_entry(TOTAL_SITE, [fixed(0.3)])
    await set_up(hass, entry)
    response = await hass.services.async_call(
        DOMAIN,
        "import_tariff",
        {"config_entry_id": entry.entry_id, "content": TARIFF_FILE},
        blocking=True,
        return_response=True,
    )
    await hass.async_block_till_done()
    assert response is not None
    assert response["imported"] == ["agile_like_import", "feed_in"]
    (version,) = entry.options["tariffs"]
    assert version["import"]["mode"] == "schedule"
    assert version["standing_charge"] == 0.45
    assert "feed_in is in GBP" in caplog.text
    assert entry.state is ConfigEntryState.LOADED
    assert figure(hass, "price_import") in (0.21, 0.33)


async def test_import_tariff_from_a_file_with_a_start_day(
    hass: HomeAssistant, tmp_path: Path, freezer: FrozenDateTimeFactory
) -> None:
    """A file in an allowed folder, from a given day on: a new version."""
    freezer.move_to("2026-05-01T12:00:00+00:00")
    path = tmp_path / "tariff.json"
    path.write_text(json.dumps(TARIFF_FILE), encoding="utf-8")
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    entry = site_entry(TOTAL_SITE, [fixed(0.3)])
    await set_up(hass, entry)
    await hass.services.async_call(
        DOMAIN,
        "import_tariff",
        {
            "config_entry_id": entry.entry_id,
            "file": str(path),
            "valid_from": "2026-06-01",
        },
        blocking=True,
    )
    starts = [version["valid_from"] for version in entry.options["tariffs"]]
    assert starts == [None, "2026-06-01"]
    assert entry.options["tariffs"][0]["import"] == {"mode": "fixed", "rate": 0.3}


@pytest.mark.parametrize(
    ("call", "key"),
    [
        ({"config_entry_id": "nope", "content": TARIFF_FILE}, "not_a_site"),
        ({}, "tariff_source_required"),
        ({"content": {"tariffs": {}}}, "invalid_tariff"),
        ({"file": "/etc/passwd"}, "path_not_allowed"),
        ({"file": "{tmp}/missing.json"}, "file_unreadable"),
        ({"file": "{tmp}/broken.json"}, "invalid_tariff"),
    ],
)
async def test_import_tariff_errors(
    hass: HomeAssistant, tmp_path: Path, call: dict[str, Any], key: str
) -> None:
    """Each failure is a translated validation error; nothing changes."""
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    if "file" in call:
        call = {"file": call["file"].format(tmp=tmp_path)}
    entry = site_entry(TOTAL_SITE, [fixed(0.3)])
    await set_up(hass, entry)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "import_tariff",
            {"config_entry_id": entry.entry_id, **call},
            blocking=True,
        )
    assert err.value.translation_key == key
    assert entry.options["tariffs"][0]["import"] == {"mode": "fixed", "rate": 0.3}
