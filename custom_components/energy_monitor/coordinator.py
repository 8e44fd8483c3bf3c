"""Runtime data shared by every kind of Energy Monitor config entry.

Each source (P1 meter, inverter, ...) keeps its coordinators in a
:class:`SourceRuntime` stored as ``entry.runtime_data``; the platform modules
ask it for their entities, so one integration serves many kinds of devices.
The coordinators themselves live next to their source in ``sources/``.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import CONF_SOURCE, DOMAIN, Source


class SourceRuntime(ABC):
    """What a loaded config entry of any source provides."""

    platforms: tuple[Platform, ...]

    @abstractmethod
    def async_add_entities(
        self, platform: Platform, async_add_entities: AddConfigEntryEntitiesCallback
    ) -> None:
        """Add this source's entities of ``platform``."""

    @abstractmethod
    async def async_shutdown(self) -> None:
        """Stop background work and close connections (entry unload)."""

    @abstractmethod
    def diagnostics(self) -> dict[str, Any]:
        """Return what the source knows beyond its entry (redacted by the caller)."""

    def device_in_use(self, identifiers: set[tuple[str, str]]) -> bool:
        """Tell whether a device still reports (it may then not be deleted)."""
        return True


type EnergyMonitorConfigEntry = ConfigEntry[SourceRuntime]


type PlatformSetup = Callable[
    [HomeAssistant, EnergyMonitorConfigEntry, AddConfigEntryEntitiesCallback],
    Coroutine[Any, Any, None],
]


def platform_setup(platform: Platform) -> PlatformSetup:
    """Return a platform's ``async_setup_entry``: the entry's source adds them."""

    async def async_setup_entry(
        hass: HomeAssistant,
        entry: EnergyMonitorConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        """Set up the entities of ``platform`` for a config entry."""
        entry.runtime_data.async_add_entities(platform, async_add_entities)

    return async_setup_entry


def source_entry(
    hass: HomeAssistant, entry_id: str, source: Source, error_key: str
) -> EnergyMonitorConfigEntry:
    """Return the entry an action names, if it is an entry of ``source``.

    Raises:
        ServiceValidationError: (translated as ``error_key``) when it is not.
    """
    entry: EnergyMonitorConfigEntry | None = hass.config_entries.async_get_entry(
        entry_id
    )
    if entry is None or entry.domain != DOMAIN or entry.data.get(CONF_SOURCE) != source:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=error_key,
            translation_placeholders={"entry_id": entry_id},
        )
    return entry
