"""What Energy Monitor stores per config entry, and how it is written.

Each entry keeps one file, ``energy_monitor.<source>.<entry id>``: counter
values, site totals or charger settings, whatever its source needs to carry
across a restart.
"""

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store

from .const import CONF_SOURCE, DOMAIN, LOGGER
from .lib.counters import CounterGuard

COUNTER_STORE_VERSION = 1
COUNTER_SAVE_INTERVAL = 60.0
"""Seconds between writes of changing counter values."""


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


class CounterStore:
    """Counter guards whose accepted values are stored across restarts.

    The entry's file holds each guard's values under its section name, plus
    whatever else the source keeps (``extra``). Stored values are checked on
    load: one that cannot be a counter (``null`` for a NaN, text, negative,
    infinite) is dropped with a warning instead of seeding the guard.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        guards: Mapping[str, CounterGuard],
        *,
        extra: Callable[[], dict[str, Any]] = dict,
        migrate: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> None:
        """Store ``guards`` (section name: guard) in ``entry``'s file.

        Args:
            hass: Home Assistant.
            entry: the config entry whose file it is.
            guards: the guards, by section name in the file.
            extra: the rest of the document to store.
            migrate: turns a document of an older layout into the current one.
        """
        self._guards = guards
        self._extra = extra
        self._migrate = migrate
        self._title = entry.title
        self._store: PeriodicStore[dict[str, Any]] = PeriodicStore(
            hass, COUNTER_STORE_VERSION, entry, COUNTER_SAVE_INTERVAL
        )

    async def async_load(self, now: float) -> dict[str, Any]:
        """Seed the guards with the stored values; return the whole document.

        ``now`` is the time on the guards' clock the values are seeded at.
        """
        stored = await self._store.async_load() or {}
        if self._migrate is not None:
            stored = self._migrate(stored)
        for section, guard in self._guards.items():
            values = stored.get(section) or {}
            if not isinstance(values, dict):
                LOGGER.warning(
                    "%s: stored counters %s are not readable and are ignored",
                    self._title,
                    section,
                )
                continue
            for key, value in values.items():
                if not guard.seed(key, value, now):
                    LOGGER.warning(
                        "%s: stored counter %s (%r) is not a counter value and"
                        " is ignored",
                        self._title,
                        key,
                        value,
                    )
        return stored

    def _document(self) -> dict[str, Any]:
        """Return what to store."""
        return {
            **self._extra(),
            **{section: guard.snapshot() for section, guard in self._guards.items()},
        }

    @callback
    def async_schedule_save(self) -> None:
        """Store the values within the save interval."""
        self._store.async_schedule_save(self._document)

    async def async_save(self) -> None:
        """Store the values now (on unload)."""
        await self._store.async_save(self._document())
