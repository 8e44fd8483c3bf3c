"""Constants of the Flukso source."""

from datetime import timedelta
from typing import Final

SOURCE: Final = "flukso"
"""This source's ``source`` in entry data (stored: never change it)."""

CONF_VIA_HA_MQTT: Final = "via_ha_mqtt"
"""Read the meter's topics through Home Assistant's MQTT integration."""
CONF_DEVICE_ID: Final = "device_id"
CONF_HISTORY_TOKENS: Final = "history_tokens"
"""flukso.net tokens by sensor ID: the sensors whose history is imported."""
CONF_API_URL: Final = "api_url"
"""The flukso.net API root, if not the public one (tests, the simulator)."""
CONF_HISTORY: Final = "history"
DEFAULT_PORT: Final = 1883

DISCOVERY_TIMEOUT: Final = 10.0
"""Seconds the wizard waits for the meter's retained configuration."""
FIRST_CONFIG_TIMEOUT: Final = 20.0
"""Seconds setup waits for the configuration before retrying later."""
DEFAULT_PERIOD: Final = 60.0
"""Seconds a sensor is assumed to report in before two readings tell."""
SILENCE_FACTOR: Final = 3.0
"""A sensor silent for this many report periods is unavailable."""
MIN_SILENCE: Final = 10.0
"""Seconds of silence always tolerated (a busy broker, a late message)."""
STALE_CHECK_INTERVAL: Final = 5.0
"""Seconds between checks for silent sensors."""
MANUFACTURER: Final = "Flukso"

HISTORY_INTERVAL: Final = timedelta(hours=1)
"""How often the cloud is asked for the hours since the last imported one."""
HISTORY_BACKFILL: Final = timedelta(days=365)
"""How far back the first import reaches."""
UPLOAD_LAG: Final = timedelta(minutes=30)
"""An hour is imported once it ended this long ago (the meter uploads every
15 minutes)."""
HISTORY_RETRY: Final = 300.0
"""Seconds before the first retry while the cloud fails (then doubling)."""
HISTORY_MAX_BACKOFF: Final = 6 * 3600.0
"""The longest wait (s) between attempts while the cloud fails."""
