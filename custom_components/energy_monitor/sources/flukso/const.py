"""Constants of the Flukso source."""

from typing import Final

SOURCE: Final = "flukso"
"""This source's ``source`` in entry data (stored: never change it)."""

CONF_VIA_HA_MQTT: Final = "via_ha_mqtt"
"""Read the meter's topics through Home Assistant's MQTT integration."""
CONF_DEVICE_ID: Final = "device_id"
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
