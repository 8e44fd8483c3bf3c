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
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback


class SourceRuntime(ABC):
    """What a loaded config entry of any source provides.

    Its source's spec (:class:`~.spec.SourceSpec`) lists the platforms.
    """

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
