"""Constants of the Fronius inverter source."""

from typing import Final

SOURCE: Final = "fronius"
"""This source's ``source`` in entry data (stored: never change it)."""

MANUFACTURER: Final = "Fronius"

PERIOD_RESET_TOLERANCE: Final = 0.1
"""kWh a reported daily/yearly value may exceed the lifetime counter's
increase after midnight and still count as restarted."""

DHCP_REQUEST_DELAY: Final = 60.0
"""Seconds to wait after a DHCP request before asking the device: a
Datamanager needs about a minute from its DHCP request to answering."""
