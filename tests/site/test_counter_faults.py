"""A site input that reads 0 for a quarter of an hour and then returns."""

from datetime import datetime, timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from tests.site.helpers import (
    IMPORT_TOTAL,
    TOTAL_SITE,
    figure,
    fixed,
    set_energy,
    site_entry,
)


async def test_site_counter_returning_after_zeros_books_only_its_growth(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """18234.567 -> 0 -> 0 (15 min) -> 18234.9 books 0.333 kWh, not 18,235."""
    await hass.config.async_set_time_zone("Europe/Brussels")
    freezer.move_to(datetime.fromisoformat("2026-03-10T08:00:00+01:00"))

    async def later(minutes: float) -> None:
        freezer.tick(timedelta(minutes=minutes))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()

    set_energy(hass, IMPORT_TOTAL, 18234.567)
    entry: MockConfigEntry = site_entry(TOTAL_SITE, [fixed(0.25)])
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    for _ in range(4):
        await later(5)
        set_energy(hass, IMPORT_TOTAL, 0.0)
    await later(5)
    set_energy(hass, IMPORT_TOTAL, 18234.9)
    await later(5)
    set_energy(hass, IMPORT_TOTAL, 18235.0)
    await hass.async_block_till_done()
    assert figure(hass, "cost_import_today") == pytest.approx(0.433 * 0.25, abs=0.01)
    assert figure(hass, "cost_import_total") == pytest.approx(0.433 * 0.25, abs=0.01)
