"""Demo source (scratch: counts the files a new source touches)."""

from homeassistant.const import Platform

from ...spec import SourceSpec
from .config_flow import DemoConfigFlow
from .const import SOURCE
from .runtime import DemoRuntime, async_setup_runtime

SPEC = SourceSpec[DemoRuntime](
    source=SOURCE,
    menu_position=60,
    config_flow=DemoConfigFlow,
    options_flow=None,
    async_setup_runtime=async_setup_runtime,
    platforms=(Platform.SENSOR,),
    redact=frozenset({"demo_token"}),
)
"""The demo source."""
