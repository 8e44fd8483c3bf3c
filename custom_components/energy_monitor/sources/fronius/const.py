"""Constants of the Fronius inverter source."""

from datetime import timedelta
from typing import Final

SOURCE: Final = "fronius"
"""This source's ``source`` in entry data (stored: never change it)."""

MANUFACTURER: Final = "Fronius"

POWER_FLOW_INTERVAL: Final = timedelta(seconds=10)
"""How often the site's power flow is read."""
DEVICE_INTERVAL: Final = timedelta(minutes=1)
"""How often inverters, meters and batteries are read."""
IDENTITY_INTERVAL: Final = timedelta(hours=1)
"""How often the Datamanager and the inverter list are read again (new
inverters, firmware updates, endpoints that were not supported)."""
MAX_BACKOFF: Final = timedelta(minutes=5)
"""The longest wait between attempts while the device does not answer."""
FAILURES_BEFORE_UNAVAILABLE: Final = 2
"""Polls in a row that must fail before the entities become unavailable: a
single lost answer keeps the last values."""

PERIOD_RESET_TOLERANCE: Final = 0.1
"""kWh a reported daily/yearly value may exceed the lifetime counter's
increase after midnight and still count as restarted."""

DHCP_REQUEST_DELAY: Final = 60.0
"""Seconds to wait after a DHCP request before asking the device: a
Datamanager needs about a minute from its DHCP request to answering."""
