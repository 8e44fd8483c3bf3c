"""PeriodicStore: data that changes all the time is still written."""

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed_exact,
)

from custom_components.energy_monitor.const import DOMAIN
from custom_components.energy_monitor.storage import PeriodicStore, entry_store_key


async def test_changes_do_not_postpone_the_write(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: FrozenDateTimeFactory
) -> None:
    """Asking every 50 ms for a save still writes within the interval."""
    entry = MockConfigEntry(domain=DOMAIN, data={"source": "site"})
    key = entry_store_key(entry)
    assert key == f"energy_monitor.site.{entry.entry_id}"
    store: PeriodicStore[dict[str, Any]] = PeriodicStore(hass, 1, entry, 0.2)
    latest = {"count": 0}
    for count in range(12):
        latest["count"] = count
        store.async_schedule_save(lambda: dict(latest))
        freezer.tick(timedelta(milliseconds=50))
        async_fire_time_changed_exact(hass)
        await hass.async_block_till_done()
        if key in hass_storage:
            break
    assert hass_storage[key]["data"]["count"] < 11
    await store.async_save(latest)
