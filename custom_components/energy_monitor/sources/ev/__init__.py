"""EV charger source: drive a charger's relay on solar surplus or cheap hours."""

from ...spec import SourceSpec
from .config_flow import EvChargerConfigFlow, EvChargerOptionsFlow
from .const import SOURCE
from .runtime import PLATFORMS, EvChargerRuntime, async_setup_runtime
from .services import async_setup_ev_services

SPEC = SourceSpec[EvChargerRuntime](
    source=SOURCE,
    menu_position=50,
    config_flow=EvChargerConfigFlow,
    options_flow=EvChargerOptionsFlow,
    async_setup_runtime=async_setup_runtime,
    platforms=PLATFORMS,
    async_setup_actions=async_setup_ev_services,
    simulator="ev_charger",
)
"""The EV charger: a relay driven by surplus, prices and the capacity tariff."""
