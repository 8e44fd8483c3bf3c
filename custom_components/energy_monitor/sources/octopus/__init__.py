"""Octopus Energy account source: tariffs, rates and smart-meter history."""

from homeassistant.const import CONF_API_KEY, Platform

from ...spec import SourceSpec
from .config_flow import OctopusConfigFlow
from .const import CONF_ACCOUNT_NUMBER, SOURCE
from .runtime import OctopusRuntime, async_setup_runtime
from .services import async_setup_octopus_services

SPEC = SourceSpec[OctopusRuntime](
    source=SOURCE,
    menu_position=36,
    config_flow=OctopusConfigFlow,
    options_flow=None,
    async_setup_runtime=async_setup_runtime,
    platforms=(Platform.SENSOR,),
    async_setup_actions=async_setup_octopus_services,
    redact=frozenset({CONF_API_KEY, CONF_ACCOUNT_NUMBER, "identifier", "serials"}),
    simulator="octopus",
)
