"""Wizard steps of the demo source."""

from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
import probatio as vol

from ...const import CONF_SOURCE
from .const import SOURCE


class DemoConfigFlow(ConfigFlow):
    """Add a demo device."""

    async def async_step_demo(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the token."""
        if user_input is None:
            return self.async_show_form(
                step_id="demo",
                data_schema=vol.Schema({vol.Required("demo_token"): str}),
            )
        return self.async_create_entry(
            title="Demo", data={CONF_SOURCE: SOURCE, **user_input}
        )

    async def async_step_demo_reconfigure(self) -> ConfigFlowResult:
        """Nothing to change."""
        return self.async_abort(reason="reconfigure_successful")
