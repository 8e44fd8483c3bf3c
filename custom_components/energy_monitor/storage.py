"""What Energy Monitor stores per config entry, and how it is written.

Each entry keeps one file, ``energy_monitor.<source>.<entry id>``: counter
values, site totals or charger settings, whatever its source needs to carry
across a restart.
"""

from collections.abc import Callable
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store

from .const import CONF_SOURCE, DOMAIN


def entry_store_key(entry: ConfigEntry) -> str:
    """Return the storage key of an entry's file."""
    return f"{DOMAIN}.{entry.data[CONF_SOURCE]}.{entry.entry_id}"


async def async_remove_entry_store(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Delete an entry's file (the entry was deleted)."""
    await Store[dict[str, Any]](hass, 1, entry_store_key(entry)).async_remove()


class PeriodicStore[DataT: dict[str, Any]](Store[DataT]):
    """A Store written at most every ``interval`` seconds while data changes.

    ``Store.async_delay_save`` postpones its write on every call, so data that
    changes every few seconds would only be written at shutdown and lost in a
    power cut. :meth:`async_schedule_save` writes the latest data every
    ``interval`` seconds instead (and Home Assistant's final write still
    happens at shutdown).
    """

    def __init__(
        self, hass: HomeAssistant, version: int, entry: ConfigEntry, interval: float
    ) -> None:
        """Create the store of ``entry``'s file."""
        super().__init__(hass, version, entry_store_key(entry))
        self._interval = interval
        self._due: float | None = None

    @callback
    def async_schedule_save(self, data_func: Callable[[], DataT]) -> None:
        """Write ``data_func()`` within ``interval`` seconds."""
        now = self.hass.loop.time()
        if self._due is not None and now < self._due:
            return
        self._due = now + self._interval
        self.async_delay_save(data_func, self._interval)
