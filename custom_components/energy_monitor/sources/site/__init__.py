"""Energy site source: tariffs, costs, PV self-consumption, capacity tariff.

A site is a config entry without a device connection: its inputs are
entities (of Energy Monitor's sources or any other integration) and its
runtime follows their state changes.
"""

from homeassistant.const import Platform

from ...spec import SourceSpec
from .config_flow import SiteConfigFlow, SiteOptionsFlow
from .const import SOURCE
from .runtime import SiteRuntime, async_setup_runtime
from .services import async_setup_site_services

SPEC = SourceSpec[SiteRuntime](
    source=SOURCE,
    menu_position=40,
    config_flow=SiteConfigFlow,
    options_flow=SiteOptionsFlow,
    async_setup_runtime=async_setup_runtime,
    platforms=(Platform.SENSOR,),
    async_setup_actions=async_setup_site_services,
)
"""The energy site: costs and totals from other entities (no device)."""
