"""Constants of the energy site source."""

from typing import Final

SOURCE: Final = "site"
"""This source's ``source`` in entry data (stored: never change it)."""

CONF_GRID_IMPORT: Final = "grid_import"
"""Grid import energy: one entity (the total) or one per register, in order."""
CONF_GRID_EXPORT: Final = "grid_export"
CONF_GRID_POWER: Final = "grid_power"
CONF_GRID_TARIFF: Final = "grid_tariff"
"""The meter's active tariff register (``1``, ``2``, ...)."""
CONF_DEMAND_CURRENT_QUARTER: Final = "demand_current_quarter"
CONF_DEMAND_MONTH_PEAK: Final = "demand_month_peak"
CONF_PV_ENERGY: Final = "pv_energy"
CONF_PV_POWER: Final = "pv_power"
CONF_BATTERY_CHARGE: Final = "battery_charge"
CONF_BATTERY_DISCHARGE: Final = "battery_discharge"
CONF_BATTERY_POWER: Final = "battery_power"
CONF_GAS: Final = "gas"
CONF_TARIFFS: Final = "tariffs"
"""Options: the tariff versions (see ``lib/site/tariff.py``)."""

LIST_INPUTS: Final = (CONF_GRID_IMPORT, CONF_GRID_EXPORT, CONF_PV_ENERGY, CONF_PV_POWER)
"""Inputs that take several entities (registers, several inverters)."""
STORAGE_VERSION: Final = 1
SAVE_INTERVAL: Final = 30.0
"""Seconds between writes of the site's state (and at shutdown)."""
CONF_INSIGHT_POWER: Final = "insight_power"
"""Options: the power entity of the insights (default: the grid power input)."""
CONF_INSIGHT_TEMPERATURE: Final = "insight_temperature"
"""Options: the outdoor temperature entity of the degree days."""
CONF_HEATING_BASE: Final = "heating_base"
"""Options: the base temperature of the heating degree days (°C)."""
DEFAULT_HEATING_BASE: Final = 16.5
