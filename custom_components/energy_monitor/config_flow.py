"""Setup wizard of Energy Monitor.

The wizard first asks what to add; each source contributes its own steps
(see ``sources/<source>/config_flow.py``), named after the source:
``async_step_<source>`` starts adding one, ``async_step_<source>_reconfigure``
changes an existing one and ``async_step_<source>_reauth`` asks for new
credentials. The menu, the steps and the options flows come from the
sources' specs (``sources/<source>/__init__.py``).
"""

from collections.abc import Callable, Coroutine, Mapping
import types
from typing import Any, override

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult, OptionsFlow
from homeassistant.core import callback

from .const import CONF_SOURCE, DOMAIN
from .coordinator import EnergyMonitorConfigEntry
from .sources import SPECS


class _SourceMenuFlow(ConfigFlow):
    """The wizard's own steps: the menu, and routing to the entry's source."""

    VERSION = 1

    @override
    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask what to add."""
        return self.async_show_menu(
            step_id="user", menu_options=[spec.source for spec in SPECS]
        )

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
    def async_get_options_flow(config_entry: EnergyMonitorConfigEntry) -> OptionsFlow:
        """Return the options of the entry's source."""
        return _options_flows()[config_entry.data[CONF_SOURCE]]()

    @classmethod
    @callback
    @override
    def async_supports_options_flow(
        cls, config_entry: EnergyMonitorConfigEntry
    ) -> bool:
        """Tell whether the entry's source has options."""
        return config_entry.data.get(CONF_SOURCE) in _options_flows()


def _options_flows() -> dict[str, Callable[[], OptionsFlow]]:
    """Return the options flow of each source that has options."""
    return {
        spec.source: spec.options_flow
        for spec in SPECS
        if spec.options_flow is not None
    }


# Home Assistant finds a step with getattr on the flow, so the flow class must
# inherit every source's mixin. The bases come from the specs, so the class is
# made with types.new_class: mypy checks the mixins (each a ConfigFlow) and
# the menu flow as written, and types the result as a class; the ``domain``
# keyword registers it as the domain's flow, as ``class ...(domain=DOMAIN)``
# would.
EnergyMonitorConfigFlow = types.new_class(
    "EnergyMonitorConfigFlow",
    (_SourceMenuFlow, *(spec.config_flow for spec in SPECS)),
    {"domain": DOMAIN},
    lambda namespace: namespace.update(
        __module__=__name__, __doc__="Add a source device: one config entry per device."
    ),
)
