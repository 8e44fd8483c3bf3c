"""The shared vocabulary of measurement keys.

Every source (P1 meter, inverter, Modbus meter, ...) reports its values under
these keys, named ``<system>_<metric>_<direction>`` after the naming the
project grew from (opengrid's houseprint: system / quantity / direction /
tariff). The keys are entity-description keys and the suffix of every unique
ID, so they are **forever**: never rename one, only add new ones.

Units are fixed per key so that values from different sources can be combined:
energy in kWh, power in W, demand in kW, voltage in V, current in A, volume in
m³. :data:`VOCABULARY` holds, for every key, its unit, device and state class,
display precision, physical limits and (for lifetime counters) maximum rate:
the Home Assistant layer builds every sensor description from it, and
:func:`plausible` checks every number a device reports against it. It also
holds every key's write policy (:mod:`.write_policy`): which updates become
a state change, a row in the recorder.
"""

from dataclasses import dataclass, replace
from enum import StrEnum
import math

from .write_policy import LIVE, ON_CHANGE, WritePolicy


class Key(StrEnum):
    """Measurement keys shared by all sources (values never change)."""

    # Grid electricity counters (kWh, lifetime, never decreasing).
    GRID_ELEC_IMPORT = "grid_elec_import"
    GRID_ELEC_IMPORT_T1 = "grid_elec_import_t1"
    GRID_ELEC_IMPORT_T2 = "grid_elec_import_t2"
    GRID_ELEC_IMPORT_T3 = "grid_elec_import_t3"
    GRID_ELEC_IMPORT_T4 = "grid_elec_import_t4"
    GRID_ELEC_EXPORT = "grid_elec_export"
    GRID_ELEC_EXPORT_T1 = "grid_elec_export_t1"
    GRID_ELEC_EXPORT_T2 = "grid_elec_export_t2"
    GRID_ELEC_EXPORT_T3 = "grid_elec_export_t3"
    GRID_ELEC_EXPORT_T4 = "grid_elec_export_t4"

    # Grid power (W). grid_power is signed: + import, - export.
    GRID_POWER = "grid_power"
    GRID_POWER_IMPORT = "grid_power_import"
    GRID_POWER_EXPORT = "grid_power_export"
    GRID_TARIFF = "grid_tariff"

    # Per-phase measurements.
    VOLTAGE_L1 = "voltage_l1"
    VOLTAGE_L2 = "voltage_l2"
    VOLTAGE_L3 = "voltage_l3"
    CURRENT_L1 = "current_l1"
    CURRENT_L2 = "current_l2"
    CURRENT_L3 = "current_l3"
    POWER_IMPORT_L1 = "power_import_l1"
    POWER_IMPORT_L2 = "power_import_l2"
    POWER_IMPORT_L3 = "power_import_l3"
    POWER_EXPORT_L1 = "power_export_l1"
    POWER_EXPORT_L2 = "power_export_l2"
    POWER_EXPORT_L3 = "power_export_l3"
    FREQUENCY = "frequency"
    POWER_FACTOR = "power_factor"
    POWER_FACTOR_L1 = "power_factor_l1"
    POWER_FACTOR_L2 = "power_factor_l2"
    POWER_FACTOR_L3 = "power_factor_l3"

    # Power quality counters reported by DSMR meters.
    POWER_FAILURES = "power_failures"
    POWER_FAILURES_LONG = "power_failures_long"
    VOLTAGE_SAGS_L1 = "voltage_sags_l1"
    VOLTAGE_SAGS_L2 = "voltage_sags_l2"
    VOLTAGE_SAGS_L3 = "voltage_sags_l3"
    VOLTAGE_SWELLS_L1 = "voltage_swells_l1"
    VOLTAGE_SWELLS_L2 = "voltage_swells_l2"
    VOLTAGE_SWELLS_L3 = "voltage_swells_l3"

    # Belgian capacity tariff (kW).
    DEMAND_CURRENT_QUARTER = "demand_current_quarter"
    DEMAND_MONTH_PEAK = "demand_month_peak"

    # Other utilities read through the meter's MBus (m³, or kWh/GJ for heat).
    GRID_GAS_IMPORT = "grid_gas_import"
    GRID_WATER_IMPORT = "grid_water_import"
    GRID_HEAT_IMPORT = "grid_heat_import"

    # PV production.
    PV_ELEC_PROD = "pv_elec_prod"
    PV_POWER = "pv_power"

    # The whole site.
    SITE_ELEC_CONS = "site_elec_cons"
    SITE_POWER = "site_power"

    # EV charging control.
    SMART_CHARGING = "smart_charging"
    CHARGING_MODE = "charging_mode"
    START_SURPLUS = "start_surplus"
    STOP_IMPORT = "stop_import"
    AVERAGING_WINDOW = "averaging_window"
    MIN_ON_TIME = "min_on_time"
    MIN_OFF_TIME = "min_off_time"
    MIN_ENERGY = "min_energy"
    MAX_SWITCHES = "max_switches"
    READY_BY = "ready_by"
    CHARGE_RECOMMENDED = "charge_recommended"
    CHARGING_REASON = "charging_reason"
    CHARGED_ENERGY_TODAY = "charged_energy_today"
    SOLAR_SHARE_TODAY = "solar_share_today"
    RELAY_SWITCHES_TODAY = "relay_switches_today"
    CHARGER_POWER = "charger_power"

    # Modbus energy meters: signed per-phase power (W, + import), line-to-line
    # voltages, neutral current, apparent (VA) and reactive (var) power,
    # per-phase counters (kWh) and reactive counters (kvarh).
    POWER_L1 = "power_l1"
    POWER_L2 = "power_l2"
    POWER_L3 = "power_l3"
    VOLTAGE_L1_L2 = "voltage_l1_l2"
    VOLTAGE_L2_L3 = "voltage_l2_l3"
    VOLTAGE_L3_L1 = "voltage_l3_l1"
    CURRENT_N = "current_n"
    APPARENT_POWER = "apparent_power"
    REACTIVE_POWER = "reactive_power"
    GRID_ELEC_IMPORT_L1 = "grid_elec_import_l1"
    GRID_ELEC_IMPORT_L2 = "grid_elec_import_l2"
    GRID_ELEC_IMPORT_L3 = "grid_elec_import_l3"
    GRID_ELEC_EXPORT_L1 = "grid_elec_export_l1"
    GRID_ELEC_EXPORT_L2 = "grid_elec_export_l2"
    GRID_ELEC_EXPORT_L3 = "grid_elec_export_l3"
    GRID_REACTIVE_IMPORT = "grid_reactive_import"
    GRID_REACTIVE_EXPORT = "grid_reactive_export"

    # Energy site: current prices (currency/kWh; gas: currency/m³).
    PRICE_IMPORT = "price_import"
    PRICE_EXPORT = "price_export"
    PRICE_GAS = "price_gas"

    # Energy site: money (currency) today, this month and since set-up.
    COST_IMPORT_TODAY = "cost_import_today"
    COST_IMPORT_MONTH = "cost_import_month"
    COST_IMPORT_TOTAL = "cost_import_total"
    REVENUE_EXPORT_TODAY = "revenue_export_today"
    REVENUE_EXPORT_MONTH = "revenue_export_month"
    REVENUE_EXPORT_TOTAL = "revenue_export_total"
    COST_FIXED_TODAY = "cost_fixed_today"
    COST_FIXED_MONTH = "cost_fixed_month"
    COST_FIXED_TOTAL = "cost_fixed_total"
    COST_GAS_TODAY = "cost_gas_today"
    COST_GAS_MONTH = "cost_gas_month"
    COST_GAS_TOTAL = "cost_gas_total"
    COST_NET_TODAY = "cost_net_today"
    COST_NET_MONTH = "cost_net_month"
    COST_NET_TOTAL = "cost_net_total"
    PV_SAVINGS_TODAY = "pv_savings_today"
    PV_SAVINGS_MONTH = "pv_savings_month"
    PV_SAVINGS_TOTAL = "pv_savings_total"

    # Energy site: PV self-consumption (kWh since set-up; % per period).
    PV_SELF_CONSUMED = "pv_self_consumed"
    SELF_CONSUMPTION_RATIO = "self_consumption_ratio"
    SELF_CONSUMPTION_RATIO_TODAY = "self_consumption_ratio_today"
    SELF_CONSUMPTION_RATIO_MONTH = "self_consumption_ratio_month"
    SELF_SUFFICIENCY_RATIO = "self_sufficiency_ratio"
    SELF_SUFFICIENCY_RATIO_TODAY = "self_sufficiency_ratio_today"
    SELF_SUFFICIENCY_RATIO_MONTH = "self_sufficiency_ratio_month"
    SURPLUS_POWER = "surplus_power"

    # Energy site: Belgian capacity tariff (kW; currency).
    DEMAND_QUARTER_PROJECTED = "demand_quarter_projected"
    DEMAND_HEADROOM = "demand_headroom"
    CAPACITY_COST_MONTH_ESTIMATED = "capacity_cost_month_estimated"

    # Source health (diagnostic).
    LAST_TELEGRAM = "last_telegram"
    TELEGRAMS_REJECTED = "telegrams_rejected"

    # PV production per period (kWh, resetting totals).
    PV_ELEC_PROD_TODAY = "pv_elec_prod_today"
    PV_ELEC_PROD_YEAR = "pv_elec_prod_year"

    # PV inverters (per inverter). DC values per MPP tracker: none, _2, _3, _4.
    INVERTER_POWER_AC = "inverter_power_ac"
    INVERTER_VOLTAGE_AC = "inverter_voltage_ac"
    INVERTER_CURRENT_AC = "inverter_current_ac"
    INVERTER_FREQUENCY_AC = "inverter_frequency_ac"
    INVERTER_VOLTAGE_AC_L1 = "inverter_voltage_ac_l1"
    INVERTER_VOLTAGE_AC_L2 = "inverter_voltage_ac_l2"
    INVERTER_VOLTAGE_AC_L3 = "inverter_voltage_ac_l3"
    INVERTER_CURRENT_AC_L1 = "inverter_current_ac_l1"
    INVERTER_CURRENT_AC_L2 = "inverter_current_ac_l2"
    INVERTER_CURRENT_AC_L3 = "inverter_current_ac_l3"
    INVERTER_VOLTAGE_DC = "inverter_voltage_dc"
    INVERTER_VOLTAGE_DC_2 = "inverter_voltage_dc_2"
    INVERTER_VOLTAGE_DC_3 = "inverter_voltage_dc_3"
    INVERTER_VOLTAGE_DC_4 = "inverter_voltage_dc_4"
    INVERTER_CURRENT_DC = "inverter_current_dc"
    INVERTER_CURRENT_DC_2 = "inverter_current_dc_2"
    INVERTER_CURRENT_DC_3 = "inverter_current_dc_3"
    INVERTER_CURRENT_DC_4 = "inverter_current_dc_4"
    INVERTER_STATUS = "inverter_status"
    INVERTER_ERROR_CODE = "inverter_error_code"
    INVERTER_ONLINE = "inverter_online"

    # Home batteries. battery_power is signed: + discharge, - charge.
    BATTERY_POWER = "battery_power"
    BATTERY_SOC = "battery_soc"
    BATTERY_VOLTAGE_DC = "battery_voltage_dc"
    BATTERY_CURRENT_DC = "battery_current_dc"
    BATTERY_TEMPERATURE = "battery_temperature"

    # Shares of the site's power flow (%), as the device computes them.
    AUTONOMY = "autonomy"
    SELF_CONSUMPTION = "self_consumption"

    # A meter elsewhere than at the grid connection (kWh, lifetime): energy
    # into and out of the metered circuit.
    METER_ELEC_IMPORT = "meter_elec_import"
    METER_ELEC_EXPORT = "meter_elec_export"

    # Analog channels of an ADC (MCP3008/MCP3208): one circuit per CT clamp
    # (RMS current, power: + import, - export), an AC voltage channel, and a
    # DC sensor whose unit the user chooses.
    CIRCUIT_CURRENT_RMS = "circuit_current_rms"
    CIRCUIT_POWER = "circuit_power"
    CIRCUIT_VOLTAGE_RMS = "circuit_voltage_rms"
    ANALOG_VALUE = "analog_value"
    # Energy site insights (opengrid's analyses), each for the last whole day.
    SITE_STANDBY_POWER = "site_standby_power"
    SITE_STANDBY_SHARE = "site_standby_share"
    SITE_LOAD_FACTOR = "site_load_factor"
    SITE_PEAKS = "site_peaks"
    HEATING_DEGREE_DAYS = "heating_degree_days"
    GAS_PER_DEGREE_DAY = "gas_per_degree_day"
    # P1 meters: reactive energy per tariff and per quadrant (kvarh, lifetime),
    # the combined register |+A|+|-A| (kWh, lifetime), one-way reactive (var)
    # and apparent (VA) power, the meter's limits, states and messages.
    GRID_REACTIVE_IMPORT_T1 = "grid_reactive_import_t1"
    GRID_REACTIVE_IMPORT_T2 = "grid_reactive_import_t2"
    GRID_REACTIVE_EXPORT_T1 = "grid_reactive_export_t1"
    GRID_REACTIVE_EXPORT_T2 = "grid_reactive_export_t2"
    GRID_REACTIVE_Q1 = "grid_reactive_q1"
    GRID_REACTIVE_Q2 = "grid_reactive_q2"
    GRID_REACTIVE_Q3 = "grid_reactive_q3"
    GRID_REACTIVE_Q4 = "grid_reactive_q4"
    GRID_ELEC_COMBINED = "grid_elec_combined"
    REACTIVE_POWER_IMPORT = "reactive_power_import"
    REACTIVE_POWER_EXPORT = "reactive_power_export"
    REACTIVE_POWER_IMPORT_L1 = "reactive_import_l1"
    REACTIVE_POWER_IMPORT_L2 = "reactive_import_l2"
    REACTIVE_POWER_IMPORT_L3 = "reactive_import_l3"
    REACTIVE_POWER_EXPORT_L1 = "reactive_export_l1"
    REACTIVE_POWER_EXPORT_L2 = "reactive_export_l2"
    REACTIVE_POWER_EXPORT_L3 = "reactive_export_l3"
    REACTIVE_POWER_Q1 = "reactive_power_q1"
    REACTIVE_POWER_Q2 = "reactive_power_q2"
    REACTIVE_POWER_Q3 = "reactive_power_q3"
    REACTIVE_POWER_Q4 = "reactive_power_q4"
    APPARENT_POWER_IMPORT = "apparent_power_import"
    APPARENT_POWER_EXPORT = "apparent_power_export"
    POWER_THRESHOLD = "active_power_threshold"
    APPARENT_POWER_THRESHOLD = "apparent_power_threshold"
    CURRENT_THRESHOLD = "current_threshold"
    CURRENT_THRESHOLD_L1 = "current_threshold_l1"
    CURRENT_THRESHOLD_L2 = "current_threshold_l2"
    CURRENT_THRESHOLD_L3 = "current_threshold_l3"
    BREAKER_STATE = "breaker_state"
    VALVE_STATE = "valve_state"
    METER_STATE = "meter_state"
    TEXT_MESSAGE = "text_message"
    TEXT_MESSAGE_RECEIVED = "text_message_received"
    POWER_FAILURE = "power_failure"
    # A circuit measured by its own sensor (a Flukso CT clamp or pulse input):
    # power into and out of it (W, one-way), its voltage, current and power
    # factor; gas and water flow (L/min) of a utility meter's pulse sensor.
    METER_POWER_IMPORT = "meter_power_import"
    METER_POWER_EXPORT = "meter_power_export"
    METER_VOLTAGE = "meter_vrms"
    METER_CURRENT = "meter_irms"
    METER_POWER_FACTOR = "meter_pf"
    GRID_GAS_FLOW = "grid_gas_flow"
    GRID_WATER_FLOW = "grid_water_flow"
    # Supplier tariffs (Octopus): unit rates now, next and before (currency
    # per kWh, gas too), the standing charge (currency per day), and the
    # latest complete day's energy (kWh, gas converted) and money.
    PRICE_IMPORT_NEXT = "price_import_next"
    PRICE_IMPORT_PREVIOUS = "price_import_previous"
    PRICE_EXPORT_NEXT = "price_export_next"
    PRICE_EXPORT_PREVIOUS = "price_export_previous"
    PRICE_GAS_KWH = "price_gas_kwh"
    PRICE_GAS_KWH_NEXT = "price_gas_kwh_next"
    PRICE_GAS_KWH_PREVIOUS = "price_gas_kwh_previous"
    STANDING_CHARGE = "standing_charge"
    GRID_ELEC_IMPORT_YESTERDAY = "grid_elec_import_yesterday"
    GRID_ELEC_EXPORT_YESTERDAY = "grid_elec_export_yesterday"
    GRID_GAS_ENERGY_YESTERDAY = "grid_gas_energy_yesterday"
    COST_IMPORT_YESTERDAY = "cost_import_yesterday"
    REVENUE_EXPORT_YESTERDAY = "revenue_export_yesterday"
    COST_GAS_YESTERDAY = "cost_gas_yesterday"


LIFETIME_COUNTERS: frozenset[Key] = frozenset(
    {
        Key.GRID_ELEC_IMPORT,
        Key.GRID_ELEC_IMPORT_T1,
        Key.GRID_ELEC_IMPORT_T2,
        Key.GRID_ELEC_IMPORT_T3,
        Key.GRID_ELEC_IMPORT_T4,
        Key.GRID_ELEC_EXPORT,
        Key.GRID_ELEC_EXPORT_T1,
        Key.GRID_ELEC_EXPORT_T2,
        Key.GRID_ELEC_EXPORT_T3,
        Key.GRID_ELEC_EXPORT_T4,
        Key.GRID_GAS_IMPORT,
        Key.GRID_WATER_IMPORT,
        Key.GRID_HEAT_IMPORT,
        Key.PV_ELEC_PROD,
        Key.METER_ELEC_IMPORT,
        Key.METER_ELEC_EXPORT,
        Key.GRID_ELEC_COMBINED,
    }
)
"""Keys whose values only ever grow: a drop is a glitch, never published."""

REACTIVE_POWERS: tuple[Key, ...] = (
    Key.REACTIVE_POWER_IMPORT,
    Key.REACTIVE_POWER_EXPORT,
    Key.REACTIVE_POWER_IMPORT_L1,
    Key.REACTIVE_POWER_IMPORT_L2,
    Key.REACTIVE_POWER_IMPORT_L3,
    Key.REACTIVE_POWER_EXPORT_L1,
    Key.REACTIVE_POWER_EXPORT_L2,
    Key.REACTIVE_POWER_EXPORT_L3,
    Key.REACTIVE_POWER_Q1,
    Key.REACTIVE_POWER_Q2,
    Key.REACTIVE_POWER_Q3,
    Key.REACTIVE_POWER_Q4,
)
"""The reactive powers a P1 meter may send: total, per phase and per quadrant."""
APPARENT_POWERS: tuple[Key, ...] = (
    Key.APPARENT_POWER_IMPORT,
    Key.APPARENT_POWER_EXPORT,
)
"""The apparent powers a P1 meter may send."""

AVERAGED_MEASUREMENTS: frozenset[Key] = frozenset(
    {
        Key.GRID_POWER,
        Key.GRID_POWER_IMPORT,
        Key.GRID_POWER_EXPORT,
        Key.VOLTAGE_L1,
        Key.VOLTAGE_L2,
        Key.VOLTAGE_L3,
        Key.CURRENT_L1,
        Key.CURRENT_L2,
        Key.CURRENT_L3,
        Key.POWER_IMPORT_L1,
        Key.POWER_IMPORT_L2,
        Key.POWER_IMPORT_L3,
        Key.POWER_EXPORT_L1,
        Key.POWER_EXPORT_L2,
        Key.POWER_EXPORT_L3,
        Key.FREQUENCY,
        *REACTIVE_POWERS,
        *APPARENT_POWERS,
    }
)
"""Instantaneous measurements that are averaged over a publish window."""


class DeviceClass(StrEnum):
    """Home Assistant sensor device classes the vocabulary uses (same values)."""

    APPARENT_POWER = "apparent_power"
    BATTERY = "battery"
    CURRENT = "current"
    ENERGY = "energy"
    ENUM = "enum"
    FREQUENCY = "frequency"
    GAS = "gas"
    MONETARY = "monetary"
    POWER = "power"
    POWER_FACTOR = "power_factor"
    REACTIVE_ENERGY = "reactive_energy"
    REACTIVE_POWER = "reactive_power"
    TEMPERATURE = "temperature"
    TIMESTAMP = "timestamp"
    VOLTAGE = "voltage"
    VOLUME_FLOW_RATE = "volume_flow_rate"
    WATER = "water"


class StateClass(StrEnum):
    """Home Assistant sensor state classes (same values)."""

    MEASUREMENT = "measurement"
    TOTAL = "total"
    TOTAL_INCREASING = "total_increasing"


CURRENCY = "{currency}"
"""Stands for the currency Home Assistant is configured with, in a unit."""

PRECISION_BY_UNIT: dict[str, int] = {
    "V": 1,
    "A": 2,
    "W": 0,
    "kW": 3,
    "VA": 0,
    "var": 0,
    "Hz": 2,
    "kWh": 3,
    "Wh": 0,
    "kvarh": 3,
    "°": 1,
}
"""Display precision of a value in a unit, unless its key says otherwise.

Also the precision of values outside the vocabulary (a Modbus map's own keys).
"""


@dataclass(frozen=True, slots=True)
class Quantity:
    """What the values of a key are: unit, classes, precision and limits."""

    unit: str | None = None
    """The fixed unit (``None``: none, or the device's own, as for heat)."""
    device_class: DeviceClass | None = None
    state_class: StateClass | None = None
    precision: int | None = None
    """Suggested display precision."""
    limits: tuple[float, float] | None = None
    """The physical range of a reading, in the unit (``None``: unchecked)."""
    max_rate_per_hour: float | None = None
    """A lifetime counter's largest plausible increase per hour."""
    write: WritePolicy = LIVE
    """Which updates are written as a state change (default: every one)."""


COUNTER_WRITES = WritePolicy(every=60.0)
"""Counters and totals: a change of the shown value (the meter's resolution)
at most once a minute, on the minute: the Energy dashboard's statistics are
hourly and five-minutely, so the last state before each of their boundaries
is the latest value and nothing is lost."""
VOLTAGE_WRITES = WritePolicy(deadband=1.0, max_silence=300.0)
"""Voltages: a move of 1 V (0.4 % of 230 V; mains voltage wobbles by about a
volt from second to second), and every 5 minutes a value that moved less, so
the graph's line stays true."""
PHASE_POWER_WRITES = WritePolicy(deadband=25.0, max_silence=60.0)
"""Power per phase, one way (import, export), apparent or reactive: a move of
25 W (0.1 A at 230 V), and at least once a minute; the net grid power (and a
site's, PV's, battery's) is written live."""
CURRENT_WRITES = WritePolicy(deadband=0.1, max_silence=300.0)
"""Currents: 0.1 A, about 23 W at 230 V (fast enough for load balancing);
power itself is written live."""
POWER_FACTOR_WRITES = WritePolicy(deadband=0.01, max_silence=300.0)
FREQUENCY_WRITES = WritePolicy(deadband=0.02, max_silence=300.0)
"""Frequency: 0.02 Hz; the grid's normal wobble is a few hundredths."""
DEMAND_WRITES = WritePolicy(deadband=0.01, max_silence=300.0)
"""Capacity-tariff demand (kW): 10 W of a quarter's average."""
TEMPERATURE_WRITES = WritePolicy(deadband=0.5, max_silence=300.0)
SHARE_WRITES = WritePolicy(deadband=1.0, max_silence=300.0)
"""A device's live shares of the power flow (autonomy, self-consumption, %):
a move of one percentage point, as shown."""
TIMESTAMP_WRITES = WritePolicy(every=300.0)
"""A "last seen" time: once every 5 minutes (and when the source fails)."""


_POWER_W = (-1_000_000.0, 1_000_000.0)
_POWER_W_ONE_WAY = (0.0, 1_000_000.0)
_ENERGY_KWH = (0.0, 1e10)
_VOLTAGE_PHASE = (0.0, 500.0)
_VOLTAGE_LINE = (0.0, 870.0)
_VOLTAGE_DC = (0.0, 1500.0)
_CURRENT_A = (-10_000.0, 10_000.0)
_FREQUENCY_HZ = (0.0, 100.0)
_DEMAND_KW = (0.0, 10_000.0)
_PERCENT = (0.0, 100.0)
_COUNT = (0.0, 1e9)
_ELECTRICITY_RATE = _POWER_W[1] / 1000.0
"""kWh per hour: an electricity counter grows at most as fast as the largest
power allows (1 MW). Gas, water and heat counters have no rate: their meters'
flows differ too widely."""

_SETTING = Quantity()
"""A setting or state of a control, described by its own platform."""
_TEXT = Quantity(write=ON_CHANGE)
_ENUM = Quantity(device_class=DeviceClass.ENUM, write=ON_CHANGE)


def _measurement(
    unit: str | None,
    device_class: DeviceClass | None,
    limits: tuple[float, float] | None = None,
    *,
    precision: int | None = None,
    write: WritePolicy = LIVE,
) -> Quantity:
    """Describe an instantaneous measurement (precision: the unit's)."""
    if precision is None and unit is not None:
        precision = PRECISION_BY_UNIT.get(unit)
    return Quantity(
        unit=unit,
        device_class=device_class,
        state_class=StateClass.MEASUREMENT,
        precision=precision,
        limits=limits,
        write=write,
    )


def _counter(
    unit: str | None = "kWh",
    device_class: DeviceClass | None = DeviceClass.ENERGY,
    *,
    rate: float | None = _ELECTRICITY_RATE,
    limits: tuple[float, float] | None = _ENERGY_KWH,
    precision: int | None = 3,
) -> Quantity:
    """Describe a lifetime counter (``total_increasing``)."""
    return Quantity(
        unit=unit,
        device_class=device_class,
        state_class=StateClass.TOTAL_INCREASING,
        precision=precision,
        limits=limits,
        max_rate_per_hour=rate,
        write=COUNTER_WRITES,
    )


def _total(
    unit: str | None,
    device_class: DeviceClass | None,
    precision: int | None,
    write: WritePolicy = COUNTER_WRITES,
) -> Quantity:
    """Describe a total that may reset or dip (``total``, no limits)."""
    return Quantity(
        unit=unit,
        device_class=device_class,
        state_class=StateClass.TOTAL,
        precision=precision,
        write=write,
    )


_KWH_TOTAL = _total("kWh", DeviceClass.ENERGY, 3)
"""Energy per period: ``total``, since the device resets it."""
_KWH_SUM = _total("kWh", DeviceClass.ENERGY, 3, ON_CHANGE)
"""A sum of counters (the site's consumption): ``total``, since counters that
report at different moments may make a sum dip, which must not be taken for a
meter reset. Written on every change: it changes when its inputs, whose own
policies pace them, do."""
_MONEY = _total(CURRENCY, DeviceClass.MONETARY, 2, ON_CHANGE)
"""Money follows the counters it is computed from (see ``_KWH_SUM``)."""
_W = _measurement("W", DeviceClass.POWER, _POWER_W)
_W_ONE_WAY = _measurement("W", DeviceClass.POWER, _POWER_W_ONE_WAY)
_W_PART = _measurement("W", DeviceClass.POWER, _POWER_W, write=PHASE_POWER_WRITES)
_W_PART_ONE_WAY = _measurement(
    "W", DeviceClass.POWER, _POWER_W_ONE_WAY, write=PHASE_POWER_WRITES
)
_KW = _measurement("kW", DeviceClass.POWER, write=DEMAND_WRITES)
_DEMAND = _measurement("kW", DeviceClass.POWER, _DEMAND_KW, write=DEMAND_WRITES)
_V_PHASE = _measurement("V", DeviceClass.VOLTAGE, _VOLTAGE_PHASE, write=VOLTAGE_WRITES)
_V_LINE = _measurement("V", DeviceClass.VOLTAGE, _VOLTAGE_LINE, write=VOLTAGE_WRITES)
_V_DC = _measurement("V", DeviceClass.VOLTAGE, _VOLTAGE_DC, write=VOLTAGE_WRITES)
_A = _measurement("A", DeviceClass.CURRENT, _CURRENT_A, write=CURRENT_WRITES)
_HZ = _measurement("Hz", DeviceClass.FREQUENCY, _FREQUENCY_HZ, write=FREQUENCY_WRITES)
_POWER_FACTOR = _measurement(
    None,
    DeviceClass.POWER_FACTOR,
    (-1.0, 1.0),
    precision=3,
    write=POWER_FACTOR_WRITES,
)
_RATIO = _measurement("%", None, precision=1, write=ON_CHANGE)
_SHARE = _measurement("%", None, _PERCENT, precision=0, write=SHARE_WRITES)
_EVENTS = _counter(None, None, rate=None, limits=_COUNT, precision=None)
_PRICE_KWH = _measurement(f"{CURRENCY}/kWh", None, precision=4, write=ON_CHANGE)


def _each(quantity: Quantity, *keys: Key) -> dict[Key, Quantity]:
    """Give every key the same quantity."""
    return dict.fromkeys(keys, quantity)


VOCABULARY: dict[Key, Quantity] = {
    # Grid electricity counters.
    **_each(_counter(), Key.GRID_ELEC_IMPORT, Key.GRID_ELEC_EXPORT),
    **_each(
        _counter(),
        Key.GRID_ELEC_IMPORT_T1,
        Key.GRID_ELEC_IMPORT_T2,
        Key.GRID_ELEC_IMPORT_T3,
        Key.GRID_ELEC_IMPORT_T4,
        Key.GRID_ELEC_EXPORT_T1,
        Key.GRID_ELEC_EXPORT_T2,
        Key.GRID_ELEC_EXPORT_T3,
        Key.GRID_ELEC_EXPORT_T4,
    ),
    **_each(
        _counter(),
        Key.GRID_ELEC_IMPORT_L1,
        Key.GRID_ELEC_IMPORT_L2,
        Key.GRID_ELEC_IMPORT_L3,
        Key.GRID_ELEC_EXPORT_L1,
        Key.GRID_ELEC_EXPORT_L2,
        Key.GRID_ELEC_EXPORT_L3,
    ),
    **_each(
        _counter("kvarh", DeviceClass.REACTIVE_ENERGY),
        Key.GRID_REACTIVE_IMPORT,
        Key.GRID_REACTIVE_EXPORT,
    ),
    # Grid power and tariff.
    Key.GRID_POWER: _W,
    **_each(_W_PART_ONE_WAY, Key.GRID_POWER_IMPORT, Key.GRID_POWER_EXPORT),
    Key.GRID_TARIFF: _TEXT,
    # Per-phase measurements.
    **_each(_V_PHASE, Key.VOLTAGE_L1, Key.VOLTAGE_L2, Key.VOLTAGE_L3),
    **_each(_V_LINE, Key.VOLTAGE_L1_L2, Key.VOLTAGE_L2_L3, Key.VOLTAGE_L3_L1),
    **_each(_A, Key.CURRENT_L1, Key.CURRENT_L2, Key.CURRENT_L3, Key.CURRENT_N),
    **_each(_W_PART, Key.POWER_L1, Key.POWER_L2, Key.POWER_L3),
    **_each(
        _W_PART_ONE_WAY,
        Key.POWER_IMPORT_L1,
        Key.POWER_IMPORT_L2,
        Key.POWER_IMPORT_L3,
        Key.POWER_EXPORT_L1,
        Key.POWER_EXPORT_L2,
        Key.POWER_EXPORT_L3,
    ),
    Key.FREQUENCY: _HZ,
    **_each(
        _POWER_FACTOR,
        Key.POWER_FACTOR,
        Key.POWER_FACTOR_L1,
        Key.POWER_FACTOR_L2,
        Key.POWER_FACTOR_L3,
    ),
    Key.APPARENT_POWER: _measurement(
        "VA", DeviceClass.APPARENT_POWER, _POWER_W, write=PHASE_POWER_WRITES
    ),
    Key.REACTIVE_POWER: _measurement(
        "var", DeviceClass.REACTIVE_POWER, _POWER_W, write=PHASE_POWER_WRITES
    ),
    # Power quality events.
    **_each(
        _EVENTS,
        Key.POWER_FAILURES,
        Key.POWER_FAILURES_LONG,
        Key.VOLTAGE_SAGS_L1,
        Key.VOLTAGE_SAGS_L2,
        Key.VOLTAGE_SAGS_L3,
        Key.VOLTAGE_SWELLS_L1,
        Key.VOLTAGE_SWELLS_L2,
        Key.VOLTAGE_SWELLS_L3,
    ),
    # Capacity tariff.
    **_each(_DEMAND, Key.DEMAND_CURRENT_QUARTER, Key.DEMAND_MONTH_PEAK),
    **_each(_KW, Key.DEMAND_QUARTER_PROJECTED, Key.DEMAND_HEADROOM),
    # Other utilities (heat: in the meter's own unit, kWh, MWh or GJ).
    Key.GRID_GAS_IMPORT: _counter("m³", DeviceClass.GAS, rate=None),
    Key.GRID_WATER_IMPORT: _counter("m³", DeviceClass.WATER, rate=None),
    Key.GRID_HEAT_IMPORT: _counter(None, rate=None),
    # PV, the site, batteries.
    Key.PV_ELEC_PROD: _counter(),
    **_each(_KWH_TOTAL, Key.PV_ELEC_PROD_TODAY, Key.PV_ELEC_PROD_YEAR),
    Key.PV_POWER: _W_ONE_WAY,
    **_each(_KWH_SUM, Key.SITE_ELEC_CONS, Key.PV_SELF_CONSUMED),
    **_each(_W, Key.SITE_POWER, Key.SURPLUS_POWER, Key.BATTERY_POWER),
    **_each(_SHARE, Key.AUTONOMY, Key.SELF_CONSUMPTION),
    **_each(_counter(), Key.METER_ELEC_IMPORT, Key.METER_ELEC_EXPORT),
    Key.BATTERY_SOC: _measurement(
        "%", DeviceClass.BATTERY, _PERCENT, precision=1, write=ON_CHANGE
    ),
    Key.BATTERY_VOLTAGE_DC: _V_DC,
    Key.BATTERY_CURRENT_DC: _A,
    Key.BATTERY_TEMPERATURE: _measurement(
        "°C",
        DeviceClass.TEMPERATURE,
        (-50.0, 150.0),
        precision=1,
        write=TEMPERATURE_WRITES,
    ),
    # Inverters.
    Key.INVERTER_POWER_AC: _W_ONE_WAY,
    **_each(
        _V_PHASE,
        Key.INVERTER_VOLTAGE_AC,
        Key.INVERTER_VOLTAGE_AC_L1,
        Key.INVERTER_VOLTAGE_AC_L2,
        Key.INVERTER_VOLTAGE_AC_L3,
    ),
    **_each(
        _A,
        Key.INVERTER_CURRENT_AC,
        Key.INVERTER_CURRENT_AC_L1,
        Key.INVERTER_CURRENT_AC_L2,
        Key.INVERTER_CURRENT_AC_L3,
        Key.INVERTER_CURRENT_DC,
        Key.INVERTER_CURRENT_DC_2,
        Key.INVERTER_CURRENT_DC_3,
        Key.INVERTER_CURRENT_DC_4,
    ),
    Key.INVERTER_FREQUENCY_AC: _HZ,
    **_each(
        _V_DC,
        Key.INVERTER_VOLTAGE_DC,
        Key.INVERTER_VOLTAGE_DC_2,
        Key.INVERTER_VOLTAGE_DC_3,
        Key.INVERTER_VOLTAGE_DC_4,
    ),
    Key.INVERTER_STATUS: _ENUM,
    Key.INVERTER_ERROR_CODE: _TEXT,
    Key.INVERTER_ONLINE: _SETTING,
    # Energy site: prices, money, ratios.
    **_each(_PRICE_KWH, Key.PRICE_IMPORT, Key.PRICE_EXPORT),
    Key.PRICE_GAS: _measurement(f"{CURRENCY}/m³", None, precision=4, write=ON_CHANGE),
    **_each(
        _MONEY,
        Key.COST_IMPORT_TODAY,
        Key.COST_IMPORT_MONTH,
        Key.COST_IMPORT_TOTAL,
        Key.REVENUE_EXPORT_TODAY,
        Key.REVENUE_EXPORT_MONTH,
        Key.REVENUE_EXPORT_TOTAL,
        Key.COST_FIXED_TODAY,
        Key.COST_FIXED_MONTH,
        Key.COST_FIXED_TOTAL,
        Key.COST_GAS_TODAY,
        Key.COST_GAS_MONTH,
        Key.COST_GAS_TOTAL,
        Key.COST_NET_TODAY,
        Key.COST_NET_MONTH,
        Key.COST_NET_TOTAL,
        Key.PV_SAVINGS_TODAY,
        Key.PV_SAVINGS_MONTH,
        Key.PV_SAVINGS_TOTAL,
    ),
    Key.CAPACITY_COST_MONTH_ESTIMATED: Quantity(
        unit=CURRENCY,
        device_class=DeviceClass.MONETARY,
        precision=2,
        write=ON_CHANGE,
    ),
    **_each(
        _RATIO,
        Key.SELF_CONSUMPTION_RATIO,
        Key.SELF_CONSUMPTION_RATIO_TODAY,
        Key.SELF_CONSUMPTION_RATIO_MONTH,
        Key.SELF_SUFFICIENCY_RATIO,
        Key.SELF_SUFFICIENCY_RATIO_TODAY,
        Key.SELF_SUFFICIENCY_RATIO_MONTH,
    ),
    # Source health.
    Key.LAST_TELEGRAM: Quantity(
        device_class=DeviceClass.TIMESTAMP, write=TIMESTAMP_WRITES
    ),
    # Changes only with errors, which the source reports once a window.
    Key.TELEGRAMS_REJECTED: replace(
        _counter(None, None, rate=None, limits=None, precision=None),
        write=ON_CHANGE,
    ),
    # EV charging: settings, decisions, statistics.
    **_each(
        _SETTING,
        Key.SMART_CHARGING,
        Key.CHARGING_MODE,
        Key.START_SURPLUS,
        Key.STOP_IMPORT,
        Key.AVERAGING_WINDOW,
        Key.MIN_ON_TIME,
        Key.MIN_OFF_TIME,
        Key.MIN_ENERGY,
        Key.MAX_SWITCHES,
        Key.READY_BY,
        Key.CHARGE_RECOMMENDED,
    ),
    Key.CHARGING_REASON: _ENUM,
    Key.CHARGED_ENERGY_TODAY: _total("kWh", DeviceClass.ENERGY, 2, ON_CHANGE),
    Key.SOLAR_SHARE_TODAY: _measurement("%", None, precision=0, write=ON_CHANGE),
    Key.RELAY_SWITCHES_TODAY: _total(None, None, None, ON_CHANGE),
    Key.CHARGER_POWER: Quantity(
        unit="W",
        device_class=DeviceClass.POWER,
        state_class=StateClass.MEASUREMENT,
        limits=_POWER_W_ONE_WAY,
    ),
    # ADC channels.
    Key.CIRCUIT_CURRENT_RMS: _measurement("A", DeviceClass.CURRENT, (0.0, 10_000.0)),
    Key.CIRCUIT_POWER: _W,
    Key.CIRCUIT_VOLTAGE_RMS: _V_PHASE,
    Key.ANALOG_VALUE: _measurement(None, None, precision=2),
    # Energy site insights: one value per day, measurements for their trend.
    Key.SITE_STANDBY_POWER: _W_ONE_WAY,
    **_each(_SHARE, Key.SITE_STANDBY_SHARE, Key.SITE_LOAD_FACTOR),
    Key.SITE_PEAKS: _measurement(None, None, _COUNT, precision=0),
    Key.HEATING_DEGREE_DAYS: _measurement("°C·d", None, (0.0, 100.0), precision=1),
    Key.GAS_PER_DEGREE_DAY: _measurement("m³/°C·d", None, (0.0, 1000.0), precision=3),
    # P1 meters: reactive and apparent power and energy, limits, states.
    **_each(
        _counter("kvarh", DeviceClass.REACTIVE_ENERGY),
        Key.GRID_REACTIVE_IMPORT_T1,
        Key.GRID_REACTIVE_IMPORT_T2,
        Key.GRID_REACTIVE_EXPORT_T1,
        Key.GRID_REACTIVE_EXPORT_T2,
        Key.GRID_REACTIVE_Q1,
        Key.GRID_REACTIVE_Q2,
        Key.GRID_REACTIVE_Q3,
        Key.GRID_REACTIVE_Q4,
    ),
    Key.GRID_ELEC_COMBINED: _counter(),
    **_each(
        _measurement("var", DeviceClass.REACTIVE_POWER, _POWER_W_ONE_WAY),
        *REACTIVE_POWERS,
    ),
    **_each(
        _measurement("VA", DeviceClass.APPARENT_POWER, _POWER_W_ONE_WAY),
        Key.APPARENT_POWER_IMPORT,
        Key.APPARENT_POWER_EXPORT,
        Key.APPARENT_POWER_THRESHOLD,
    ),
    Key.POWER_THRESHOLD: _W_ONE_WAY,
    **_each(
        _measurement("A", DeviceClass.CURRENT, (0.0, _CURRENT_A[1])),
        Key.CURRENT_THRESHOLD,
        Key.CURRENT_THRESHOLD_L1,
        Key.CURRENT_THRESHOLD_L2,
        Key.CURRENT_THRESHOLD_L3,
    ),
    **_each(_ENUM, Key.BREAKER_STATE, Key.VALVE_STATE),
    **_each(
        _TEXT,
        Key.METER_STATE,
        Key.TEXT_MESSAGE,
        Key.TEXT_MESSAGE_RECEIVED,
        Key.POWER_FAILURE,
    ),
    # Circuits and utility flows (Flukso sensors).
    **_each(_W_ONE_WAY, Key.METER_POWER_IMPORT, Key.METER_POWER_EXPORT),
    Key.METER_VOLTAGE: _V_PHASE,
    Key.METER_CURRENT: _A,
    Key.METER_POWER_FACTOR: _POWER_FACTOR,
    **_each(
        _measurement(
            "L/min", DeviceClass.VOLUME_FLOW_RATE, (0.0, 10_000.0), precision=2
        ),
        Key.GRID_GAS_FLOW,
        Key.GRID_WATER_FLOW,
    ),
    # Supplier tariffs.
    **_each(
        _PRICE_KWH,
        Key.PRICE_IMPORT_NEXT,
        Key.PRICE_IMPORT_PREVIOUS,
        Key.PRICE_EXPORT_NEXT,
        Key.PRICE_EXPORT_PREVIOUS,
        Key.PRICE_GAS_KWH,
        Key.PRICE_GAS_KWH_NEXT,
        Key.PRICE_GAS_KWH_PREVIOUS,
    ),
    Key.STANDING_CHARGE: _measurement(f"{CURRENCY}/d", None, precision=4),
    **_each(
        _KWH_TOTAL,
        Key.GRID_ELEC_IMPORT_YESTERDAY,
        Key.GRID_ELEC_EXPORT_YESTERDAY,
        Key.GRID_GAS_ENERGY_YESTERDAY,
    ),
    **_each(
        _MONEY,
        Key.COST_IMPORT_YESTERDAY,
        Key.REVENUE_EXPORT_YESTERDAY,
        Key.COST_GAS_YESTERDAY,
    ),
}
"""What the values of every key are; the sensor descriptions come from it."""

LIMITS: dict[Key, tuple[float, float]] = {
    key: quantity.limits
    for key, quantity in VOCABULARY.items()
    if quantity.limits is not None
}
"""The physical range of every value a device reports, in the key's unit.

Generous on purpose (a 1 MW site, a 10 kA CT): only impossible values fall
outside, such as a torn register's 3.4e38 or a negative one-way power.
"""


def plausible(key: str, value: object) -> bool:
    """Tell whether ``value`` can be a real reading of ``key``.

    A number must be finite and, for a key with :data:`LIMITS`, within them;
    anything that is not a number (text, a timestamp) is left to its key.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return True
    if not math.isfinite(value):
        return False
    limits = LIMITS.get(key)  # type: ignore[call-overload]
    return limits is None or limits[0] <= value <= limits[1]


MAX_RATES: dict[str, float] = {
    key: quantity.max_rate_per_hour
    for key, quantity in VOCABULARY.items()
    if quantity.max_rate_per_hour is not None
}
"""Largest plausible growth of a lifetime counter per hour, in its unit."""


WRITES_BY_DEVICE_CLASS: dict[str, WritePolicy] = {
    DeviceClass.POWER: PHASE_POWER_WRITES,
    DeviceClass.APPARENT_POWER: PHASE_POWER_WRITES,
    DeviceClass.REACTIVE_POWER: PHASE_POWER_WRITES,
    DeviceClass.VOLTAGE: VOLTAGE_WRITES,
    DeviceClass.CURRENT: CURRENT_WRITES,
    DeviceClass.FREQUENCY: FREQUENCY_WRITES,
    DeviceClass.POWER_FACTOR: POWER_FACTOR_WRITES,
    DeviceClass.TEMPERATURE: TEMPERATURE_WRITES,
}
"""Policies of measurements outside the vocabulary (a Modbus map's per-phase
VA, var, ...), by device class: like the vocabulary's of the same class (a
power outside the vocabulary is never the grid's net power)."""


def write_policy(
    key: str, state_class: str | None = None, device_class: str | None = None
) -> WritePolicy:
    """Return the write policy of a key.

    A key outside the vocabulary (a Modbus map's own) is written as its
    classes say: totals like counters, measurements by their device class
    (:data:`WRITES_BY_DEVICE_CLASS`), anything else live.
    """
    quantity = VOCABULARY.get(key)  # type: ignore[call-overload]
    if quantity is not None:
        return quantity.write  # type: ignore[no-any-return]
    if state_class in {StateClass.TOTAL, StateClass.TOTAL_INCREASING}:
        return COUNTER_WRITES
    return WRITES_BY_DEVICE_CLASS.get(device_class or "", LIVE)


EXTRA_STATE_DECIMALS = 2
"""Decimals a state keeps beyond its display precision (see below)."""


def state_decimals(precision: int | None) -> int | None:
    """Return how many decimals a state shown with ``precision`` keeps.

    Two more than it is shown with (``None``: all), so float noise from
    averages, sums and unit conversions (``47.6578411405295 %``,
    ``4568.07516141494 kWh``) goes while a meter's finer digits stay (a
    Fronius counter's 0.01 Wh, an Easymeter's 0.01 W).
    """
    return None if precision is None else precision + EXTRA_STATE_DECIMALS
