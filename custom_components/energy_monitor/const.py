"""Constants shared by all sources of Energy Monitor."""

from enum import StrEnum
import logging
from typing import Final

DOMAIN: Final = "energy_monitor"
LOGGER = logging.getLogger(__package__)

CONF_SOURCE: Final = "source"


class Source(StrEnum):
    """Kinds of config entries; stored as ``source`` in every entry's data."""

    P1 = "p1"
    EV_CHARGER = "ev_charger"
    FRONIUS = "fronius"
    MODBUS = "modbus"
    SITE = "site"
