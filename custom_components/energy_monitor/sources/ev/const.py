"""Constants of the EV charger source."""

from typing import Final

from ...lib.ev.controller import ChargerSettings

SOURCE: Final = "ev_charger"
"""This source's ``source`` in entry data (stored: never change it)."""

CONF_RELAY: Final = "relay_entity"
CONF_GRID_POWER: Final = "grid_power_entity"
CONF_SURPLUS_POWER: Final = "surplus_power_entity"
CONF_PRICE: Final = "price_entity"
CONF_DEMAND_QUARTER: Final = "demand_quarter_entity"
CONF_MONTH_PEAK: Final = "month_peak_entity"
CONF_CHARGER_POWER: Final = "charger_power"
CONF_STALE_AFTER: Final = "stale_after"
CONF_PEAK_LIMIT: Final = "peak_limit"

INPUT_ENTITIES: Final = (
    CONF_GRID_POWER,
    CONF_SURPLUS_POWER,
    CONF_PRICE,
    CONF_DEMAND_QUARTER,
    CONF_MONTH_PEAK,
)
_DEFAULTS: Final = ChargerSettings()
DEFAULT_CHARGER_POWER: Final = _DEFAULTS.charger_power
DEFAULT_STALE_AFTER: Final = _DEFAULTS.stale_after
TICK_SECONDS: Final = 10
"""How often the controller re-decides without input changes (timers, staleness)."""
COMMAND_RETRY_SECONDS: Final = 60
"""A relay that did not follow a command is commanded again after this long."""
SETTING_LIMITS: Final[dict[str, tuple[float, float]]] = {
    "start_surplus": (0, 25000),
    "stop_import": (0, 25000),
    "averaging_window": (10, 1800),
    "min_on_time": (0, 4 * 3600),
    "min_off_time": (0, 4 * 3600),
    "min_energy": (0, 150),
    "max_switches": (0, 200),
}
"""The lowest and highest value of each number setting in the controller's units
(W, s, kWh, switches): what the number entities offer, and what a stored value
must be within to be restored."""
