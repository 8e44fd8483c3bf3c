"""Constants shared by all sources of Energy Monitor."""

import logging
from typing import Final

DOMAIN: Final = "energy_monitor"
LOGGER = logging.getLogger(__package__)

CONF_SOURCE: Final = "source"
"""Entry data: which source the entry is (a ``SourceSpec.source``)."""
