"""Development helper: add the simulated devices through the setup wizard.

Loaded only by the development instance (``script/develop``). At start it
walks Energy Monitor's real config flow for every simulated device that is
not set up yet, exactly as a user would in the UI. ``script/e2e`` sets
``add_devices: false``: its browser walks the wizard instead (the in-process
devices, such as the simulated SPI bus, are still prepared).
"""

import logging

import voluptuous as vol

from homeassistant.config_entries import SOURCE_USER
from homeassistant.const import EVENT_HOMEASSISTANT_STARTED
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from simulators.devices import DEV_DEVICES, DEV_SETUPS

_LOGGER = logging.getLogger(__name__)
DOMAIN = "energy_monitor_dev"
CONF_ADD_DEVICES = "add_devices"
CONFIG_SCHEMA = vol.Schema(
    {
        DOMAIN: vol.Any(
            None, vol.Schema({vol.Optional(CONF_ADD_DEVICES, default=True): cv.boolean})
        )
    },
    extra=vol.ALLOW_EXTRA,
)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Add the simulated devices once Home Assistant has started."""

    async def add_devices(_event: Event) -> None:
        for setup in DEV_SETUPS:
            if setup.in_process is not None:
                await setup.in_process(hass)
        if not (config.get(DOMAIN) or {}).get(CONF_ADD_DEVICES, True):
            return
        for device in DEV_DEVICES:
            result = await hass.config_entries.flow.async_init(
                "energy_monitor", context={"source": SOURCE_USER}
            )
            for answers in device.wizard:
                if result.get("type") not in ("form", "menu"):
                    break
                result = await hass.config_entries.flow.async_configure(
                    result["flow_id"], answers
                )
            outcome = result.get("reason") or result.get("type")
            _LOGGER.info("Simulated %s: %s", device.name, outcome)

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STARTED, add_devices)
    return True
