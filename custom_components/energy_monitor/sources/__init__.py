"""The sources Energy Monitor can read, one subpackage each.

A source module provides ``async_setup_runtime(hass, entry)``, returning the
entry's :class:`~..coordinator.SourceRuntime`.
"""

from typing import Protocol

from homeassistant.core import HomeAssistant

from ..const import Source
from ..coordinator import EnergyMonitorConfigEntry, SourceRuntime
from . import ev, fronius, modbus, p1, site


class SourceModule(Protocol):
    """The interface of a source subpackage."""

    async def async_setup_runtime(
        self, hass: HomeAssistant, entry: EnergyMonitorConfigEntry
    ) -> SourceRuntime:
        """Connect to the device and return the entry's runtime data."""


SOURCE_MODULES: dict[Source, SourceModule] = {
    Source.P1: p1,
    Source.FRONIUS: fronius,
    Source.MODBUS: modbus,
    Source.SITE: site,
    Source.EV_CHARGER: ev,
}
