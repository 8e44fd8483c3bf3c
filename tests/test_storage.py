"""PeriodicStore: data that changes all the time is still written."""

import asyncio
from typing import Any

from homeassistant.core import HomeAssistant

from custom_components.energy_monitor.storage import PeriodicStore


async def test_changes_do_not_postpone_the_write(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    """Asking every 50 ms for a save still writes within the interval."""
    store: PeriodicStore[dict[str, Any]] = PeriodicStore(hass, 1, "test.periodic", 0.2)
    latest = {"count": 0}
    for count in range(12):
        latest["count"] = count
        store.async_schedule_save(lambda: dict(latest))
        await asyncio.sleep(0.05)
        if "test.periodic" in hass_storage:
            break
    assert hass_storage["test.periodic"]["data"]["count"] < 11
    await store.async_save(latest)
