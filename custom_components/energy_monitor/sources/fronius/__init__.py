"""Fronius inverter source: Solar API v1 of a Datamanager, Gen24 or Tauro."""

from homeassistant.const import Platform

from ...spec import SourceSpec
from .config_flow import FroniusConfigFlow
from .const import SOURCE
from .runtime import FroniusRuntime, async_setup_runtime

SPEC = SourceSpec[FroniusRuntime](
    source=SOURCE,
    menu_position=20,
    config_flow=FroniusConfigFlow,
    options_flow=None,
    async_setup_runtime=async_setup_runtime,
    platforms=(Platform.BINARY_SENSOR, Platform.SENSOR),
    simulator="fronius",
)
"""The Fronius source: a system's inverters, meters and batteries over HTTP."""
