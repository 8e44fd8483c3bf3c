"""Setup wizard of Energy Monitor.

The wizard first asks what to add; each source contributes its own steps
(see ``sources/<source>/config_flow.py``), named after the source:
``async_step_<source>`` starts adding one, ``async_step_<source>_reconfigure``
changes an existing one and ``async_step_<source>_reauth`` asks for new
credentials. Options flows are listed per source in :data:`OPTIONS_FLOWS`.
"""

from collections.abc import Callable, Coroutine, Mapping
from typing import Any, override

from homeassistant.config_entries import ConfigEntry, ConfigFlowResult, OptionsFlow
from homeassistant.core import callback

from .const import CONF_SOURCE, DOMAIN, Source
from .sources.ev.config_flow import EvChargerConfigFlow, EvChargerOptionsFlow
from .sources.fronius.config_flow import FroniusConfigFlow
from .sources.modbus.config_flow import ModbusConfigFlow, ModbusOptionsFlow
from .sources.p1.config_flow import P1ConfigFlow, P1OptionsFlow
from .sources.site.config_flow import SiteConfigFlow, SiteOptionsFlow

SOURCE_MENU = [
    Source.P1.value,
    Source.FRONIUS.value,
    Source.MODBUS.value,
    Source.SITE.value,
    Source.EV_CHARGER.value,
]
"""What the wizard offers to add, in menu order."""

OPTIONS_FLOWS: dict[Source, Callable[[], OptionsFlow]] = {
    Source.P1: P1OptionsFlow,
    Source.EV_CHARGER: EvChargerOptionsFlow,
    Source.MODBUS: ModbusOptionsFlow,
    Source.SITE: SiteOptionsFlow,
}


class EnergyMonitorConfigFlow(
    P1ConfigFlow,
    FroniusConfigFlow,
    ModbusConfigFlow,
    SiteConfigFlow,
    EvChargerConfigFlow,
    domain=DOMAIN,
):
    """Add a source device: one config entry per device."""

    VERSION = 1

    @override
    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask what to add."""
        return self.async_show_menu(step_id="user", menu_options=SOURCE_MENU)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change an existing source device (its connection, mostly)."""
        entry = self._get_reconfigure_entry()
        step: Callable[[], Coroutine[Any, Any, ConfigFlowResult]] = getattr(
            self, f"async_step_{entry.data[CONF_SOURCE]}_reconfigure"
        )
        return await step()

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Ask for new credentials of an existing source device."""
        step: Callable[[Mapping[str, Any]], Coroutine[Any, Any, ConfigFlowResult]] = (
            getattr(self, f"async_step_{entry_data[CONF_SOURCE]}_reauth")
        )
        return await step(entry_data)

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """Return the options of the entry's source."""
        return OPTIONS_FLOWS[Source(config_entry.data[CONF_SOURCE])]()

    @classmethod
    @callback
    @override
    def async_supports_options_flow(cls, config_entry: ConfigEntry) -> bool:
        """Tell whether the entry's source has options."""
        return config_entry.data.get(CONF_SOURCE) in OPTIONS_FLOWS
