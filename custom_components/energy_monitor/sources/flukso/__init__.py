"""Flukso source: FLM02/FLM03 meters over MQTT (their own broker or HA's)."""

from homeassistant.const import CONF_HOST, Platform

from ...spec import SourceSpec
from .config_flow import FluksoConfigFlow
from .const import CONF_DEVICE_ID, CONF_HISTORY_TOKENS, SOURCE
from .runtime import FluksoRuntime, async_setup_runtime

SPEC = SourceSpec[FluksoRuntime](
    source=SOURCE,
    menu_position=15,
    config_flow=FluksoConfigFlow,
    options_flow=None,
    async_setup_runtime=async_setup_runtime,
    platforms=(Platform.SENSOR,),
    redact=frozenset(
        {CONF_HOST, CONF_DEVICE_ID, CONF_HISTORY_TOKENS, "flukso_meters", "sensor_id"}
    ),
    simulator="flukso",
)
"""The Flukso source: a meter's sensors from its MQTT topics."""
