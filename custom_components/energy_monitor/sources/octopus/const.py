"""Constants of the Octopus Energy account source."""

from datetime import timedelta
from typing import Final

SOURCE: Final = "octopus"
"""This source's ``source`` in entry data (stored: never change it)."""

CONF_ACCOUNT_NUMBER: Final = "account_number"
CONF_API_URL: Final = "api_url"
CONF_GAS_UNIT: Final = "gas_unit"
"""What the gas meter reports: ``m3`` (SMETS2) or ``kwh`` (SMETS1)."""
GAS_UNIT_M3: Final = "m3"
GAS_UNIT_KWH: Final = "kwh"

MANUFACTURER: Final = "Octopus Energy"
CURRENCY: Final = "GBP"
"""The currency of the Octopus (UK) API's prices."""

RATES_WINDOW_BEFORE: Final = timedelta(days=1)
"""How far back the rates are read (the previous rate, yesterday's cost)."""
RATES_WINDOW_AFTER: Final = timedelta(days=3)
"""How far ahead the rates are read (Agile publishes the next day's at 16:00)."""
RATES_SHORT_INTERVAL: Final = timedelta(hours=1)
"""How often rates are read while less than :data:`RATES_AHEAD` is known."""
RATES_LONG_INTERVAL: Final = timedelta(hours=12)
"""How often rates are read when enough is known (tariff changes)."""
RATES_AHEAD: Final = timedelta(hours=20)
"""Known future below which the rates are read hourly."""
MAX_BACKOFF: Final = 3600.0
"""The longest wait (s) between attempts while the API fails."""
HISTORY_INTERVAL: Final = timedelta(hours=4)
"""How often consumption is read (it is published a day or more late)."""
HISTORY_REFETCH: Final = timedelta(days=3)
"""How far before the last imported hour consumption is read again (late
corrections)."""
