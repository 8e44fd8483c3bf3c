"""Setup wizard of Energy Monitor.

The wizard first asks what to add; each source contributes its own steps
(see ``sources/<source>/config_flow.py``). Reconfiguration, reauthentication
and options are routed to the source of the entry at hand.
"""

from collections.abc import Mapping
from typing import Any, override

from homeassistant.config_entries import ConfigEntry, ConfigFlowResult, OptionsFlow
from homeassistant.core import callback

from .const import CONF_SOURCE, DOMAIN, Source
from .sources.p1.config_flow import P1ConfigFlow, P1OptionsFlow

SOURCE_MENU = [Source.P1.value]


class EnergyMonitorConfigFlow(P1ConfigFlow, domain=DOMAIN):
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
        """Change the connection of an existing source device."""
        return await self.async_step_p1_reconfigure()

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Ask for new credentials of an existing source device."""
        return await self.async_step_p1_reauth(entry_data)

    @staticmethod
    @callback
    @override
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """Return the options of the entry's source."""
        return P1OptionsFlow()

    @classmethod
    @callback
    @override
    def async_supports_options_flow(cls, config_entry: ConfigEntry) -> bool:
        """Tell whether the entry's source has options."""
        return config_entry.data.get(CONF_SOURCE) == Source.P1
