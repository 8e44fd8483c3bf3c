"""Constants of the Modbus energy-meter source."""

from typing import Final

from ...lib.modbus.client import DEFAULT_TIMEOUT

SOURCE: Final = "modbus"
"""This source's ``source`` in entry data (stored: never change it)."""

CONF_UNIT_ID: Final = "unit_id"
CONF_METER_MODEL: Final = "meter_model"
"""A bundled map's name (``eastron_sdm630``) or a custom map's file name."""
CONF_TRANSPORT: Final = "transport"
CONF_SERIAL_PORT: Final = "serial_port"
CONF_BAUDRATE: Final = "baudrate"
CONF_PARITY: Final = "parity"

CONF_MAX_COUNT: Final = "max_count"
CONF_MAX_GAP: Final = "max_gap"

DEFAULT_PORT: Final = 502
DEFAULT_UNIT_ID: Final = 1
DEFAULT_BAUDRATE: Final = 9600
DEFAULT_PARITY: Final = "N"
BAUDRATES: Final = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200]
PARITY_CODES: Final = {"none": "N", "even": "E", "odd": "O"}
"""Wizard option (a valid translation key) -> stored parity (pyserial's letter)."""

UPDATE_INTERVAL: Final = 5
"""Seconds between reads of the fast group (power, voltage, ...). Fixed, as
Home Assistant's polling rule asks: other rates are for automations calling
``homeassistant.update_entity`` (options stored by older versions are
ignored)."""
ENERGY_INTERVAL: Final = 30
"""Seconds between reads of the slow group (energy counters)."""

READ_TIMEOUT: Final = DEFAULT_TIMEOUT
"""Seconds to wait for a connection or an answer."""

CUSTOM_MAPS_DIR: Final = "energy_monitor_maps"
"""Folder of the Home Assistant configuration that holds custom CSV maps."""
