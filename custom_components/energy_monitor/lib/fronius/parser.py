"""Parse Fronius Solar API v1 bodies into :mod:`.model` objects.

Each function takes the ``Body.Data`` object of one response (for
``GetLoggerInfo``: ``Body.LoggerInfo``) as decoded JSON and never raises on
odd content: a field that is missing, ``null``, text where a number belongs
or not finite is reported as absent or ``None``. Units are converted to the
vocabulary's (energy kWh, power W) from the ``Unit`` the device states.

Both data flavours are understood: Datamanager systems (Symo, Primo, IG
Plus) and Gen24/Tauro, whose smart meters may use ``SMARTMETER_*`` and
``ACBRIDGE_*`` names and whose energy counters are fractional.
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from html import unescape
import math
from typing import Any

from ..vocabulary import Key
from .model import (
    InverterInfo,
    InverterReading,
    InverterStatus,
    LoggerInfo,
    MeterReading,
    PowerFlow,
    PowerFlowInverter,
    StorageReading,
    Value,
)

_STATUS_CODES: dict[int, InverterStatus] = {
    **dict.fromkeys(range(7), InverterStatus.STARTUP),
    7: InverterStatus.RUNNING,
    8: InverterStatus.STANDBY,
    9: InverterStatus.BOOTLOADING,
    10: InverterStatus.ERROR,
    11: InverterStatus.IDLE,
    12: InverterStatus.READY,
    13: InverterStatus.SLEEPING,
}
"""``StatusCode`` values; 255 ("unknown") and others map to no status."""

_ENERGY_UNITS: dict[str, tuple[int, int]] = {
    "Wh": (1, 1000),
    "kWh": (1, 1),
    "MWh": (1000, 1),
}
"""Energy units as (multiplier, divisor) to kWh: ``Wh / 1000`` stays exact."""
_POWER_UNITS: dict[str, tuple[int, int]] = {"W": (1, 1), "kW": (1000, 1)}

_INVERTER_FIELDS: dict[str, Key] = {
    "PAC": Key.INVERTER_POWER_AC,
    "UAC": Key.INVERTER_VOLTAGE_AC,
    "IAC": Key.INVERTER_CURRENT_AC,
    "FAC": Key.INVERTER_FREQUENCY_AC,
    "UDC": Key.INVERTER_VOLTAGE_DC,
    "UDC_2": Key.INVERTER_VOLTAGE_DC_2,
    "UDC_3": Key.INVERTER_VOLTAGE_DC_3,
    "UDC_4": Key.INVERTER_VOLTAGE_DC_4,
    "IDC": Key.INVERTER_CURRENT_DC,
    "IDC_2": Key.INVERTER_CURRENT_DC_2,
    "IDC_3": Key.INVERTER_CURRENT_DC_3,
    "IDC_4": Key.INVERTER_CURRENT_DC_4,
}
_THREE_PHASE_FIELDS: dict[str, Key] = {
    "UAC_L1": Key.INVERTER_VOLTAGE_AC_L1,
    "UAC_L2": Key.INVERTER_VOLTAGE_AC_L2,
    "UAC_L3": Key.INVERTER_VOLTAGE_AC_L3,
    "IAC_L1": Key.INVERTER_CURRENT_AC_L1,
    "IAC_L2": Key.INVERTER_CURRENT_AC_L2,
    "IAC_L3": Key.INVERTER_CURRENT_AC_L3,
}
_METER_PHASE_FIELDS: tuple[tuple[tuple[str, ...], tuple[Key, Key, Key]], ...] = (
    (
        ("Voltage_AC_Phase_{}", "SMARTMETER_VOLTAGE_0{}_F64"),
        (Key.VOLTAGE_L1, Key.VOLTAGE_L2, Key.VOLTAGE_L3),
    ),
    (
        ("Current_AC_Phase_{}", "ACBRIDGE_CURRENT_ACTIVE_MEAN_0{}_F32"),
        (Key.CURRENT_L1, Key.CURRENT_L2, Key.CURRENT_L3),
    ),
    (
        ("PowerReal_P_Phase_{}", "SMARTMETER_POWERACTIVE_0{}_F64"),
        (Key.POWER_L1, Key.POWER_L2, Key.POWER_L3),
    ),
    (
        ("PowerFactor_Phase_{}",),
        (Key.POWER_FACTOR_L1, Key.POWER_FACTOR_L2, Key.POWER_FACTOR_L3),
    ),
)
_METER_FIELDS: tuple[tuple[tuple[str, ...], Key], ...] = (
    (("Frequency_Phase_Average", "SMARTMETER_FREQUENCY_MEAN_F64"), Key.FREQUENCY),
    (("PowerFactor_Sum",), Key.POWER_FACTOR),
)
_METER_IMPORT = (
    "EnergyReal_WAC_Sum_Consumed",
    "SMARTMETER_ENERGYACTIVE_CONSUMED_SUM_F64",
    "EnergyReal_WAC_Plus_Absolute",
)
_METER_EXPORT = (
    "EnergyReal_WAC_Sum_Produced",
    "SMARTMETER_ENERGYACTIVE_PRODUCED_SUM_F64",
    "EnergyReal_WAC_Minus_Absolute",
)
GRID_LOCATION = 0
"""``Meter_Location_Current`` of a meter at the grid connection point."""
_STORAGE_FIELDS: dict[str, Key] = {
    "StateOfCharge_Relative": Key.BATTERY_SOC,
    "Voltage_DC": Key.BATTERY_VOLTAGE_DC,
    "Current_DC": Key.BATTERY_CURRENT_DC,
    "Temperature_Cell": Key.BATTERY_TEMPERATURE,
}
_NO_SERIAL = {"n.a."}
"""Serial numbers that stand for none (S0 meters report "n.a.")."""


def number(value: object) -> Value:
    """Return a JSON number as a number; anything else (null, text) as None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value):
        return None
    return value


def _mapping(value: object) -> Mapping[str, Any]:
    """Return ``value`` if it is a JSON object, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def _text(value: object) -> str | None:
    """Return stripped, HTML-unescaped text (``None`` when empty or absent)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = unescape(str(value)).strip()
    return text or None


def _integer(value: object) -> int | None:
    """Return a whole JSON number (``1.0`` included) as an int."""
    found = number(value)
    if found is None or found != int(found):
        return None
    return int(found)


def _scaled(quantity: object, units: Mapping[str, tuple[int, int]]) -> Value:
    """Return a ``{"Value": x, "Unit": u}`` object's value in the base unit.

    An unknown or missing unit is taken to be the base unit.
    """
    entry = _mapping(quantity)
    value = number(entry.get("Value"))
    multiplier, divisor = units.get(str(entry.get("Unit")), (1, 1))
    if value is None or (multiplier, divisor) == (1, 1):
        return value
    return value * multiplier / divisor


def _quantity(quantity: object) -> Value:
    """Return a ``{"Value": x, "Unit": u}`` object's value (W for power)."""
    return _scaled(quantity, _POWER_UNITS)


def _energy(quantity: object) -> Value:
    """Return a ``{"Value": x, "Unit": "Wh"}`` object's value in kWh."""
    return _scaled(quantity, _ENERGY_UNITS)


def _kwh(watt_hours: object) -> Value:
    """Return a bare Wh number in kWh."""
    return _scaled({"Value": watt_hours, "Unit": "Wh"}, _ENERGY_UNITS)


def _negated(value: Value) -> Value:
    """Return ``-value`` (never ``-0.0``)."""
    return None if value is None else 0.0 - value


def parse_status(code: object, state: object = None) -> InverterStatus | None:
    """Return the status of a ``StatusCode`` (a number, or Gen24 text)."""
    numeric = _integer(code)
    if numeric is not None and numeric in _STATUS_CODES:
        return _STATUS_CODES[numeric]
    for text in (code, state):
        if isinstance(text, str):
            try:
                return InverterStatus(text.strip().lower())
            except ValueError:
                continue
    return None


def parse_logger_info(data: object) -> LoggerInfo | None:
    """Parse ``GetLoggerInfo`` (``None`` without a unique ID)."""
    info = _mapping(data)
    unique_id = _text(info.get("UniqueID"))
    if unique_id is None:
        return None
    return LoggerInfo(
        unique_id=unique_id,
        product=_text(info.get("ProductID")),
        hardware_version=_text(info.get("HWVersion")),
        software_version=_text(info.get("SWVersion")),
    )


def parse_inverter_info(data: object) -> list[InverterInfo]:
    """Parse ``GetInverterInfo`` (sorted by device ID)."""
    inverters = []
    for device_id, entry in _objects(data):
        inverters.append(
            InverterInfo(
                device_id=device_id,
                unique_id=_serial(entry.get("UniqueID")),
                device_type=_integer(entry.get("DT")),
                custom_name=_text(entry.get("CustomName")),
            )
        )
    return inverters


def parse_power_flow(data: object) -> PowerFlow:
    """Parse ``GetPowerFlowRealtimeData``."""
    body = _mapping(data)
    site = _mapping(body.get("Site"))
    values: dict[str, Value] = {}
    for name, key in (
        ("P_PV", Key.PV_POWER),
        ("P_Grid", Key.GRID_POWER),
        ("P_Akku", Key.BATTERY_POWER),
        ("rel_Autonomy", Key.AUTONOMY),
        ("rel_SelfConsumption", Key.SELF_CONSUMPTION),
    ):
        if name in site:
            values[key] = number(site[name])
    if "P_Load" in site:
        values[Key.SITE_POWER] = _negated(number(site["P_Load"]))
    inverters = {
        device_id: PowerFlowInverter(
            power=number(entry.get("P")),
            energy_day=_kwh(entry.get("E_Day")),
            energy_year=_kwh(entry.get("E_Year")),
            energy_total=_kwh(entry.get("E_Total")),
            soc=number(entry.get("SOC")),
            battery_mode=_text(entry.get("Battery_Mode")),
            device_type=_integer(entry.get("DT")),
        )
        for device_id, entry in _objects(body.get("Inverters"))
    }
    return PowerFlow(
        values=values,
        inverters=inverters,
        mode=_text(site.get("Mode")),
        meter_location=_text(site.get("Meter_Location")),
    )


def parse_inverter_data(data: object) -> InverterReading:
    """Parse ``GetInverterRealtimeData`` with ``CommonInverterData``."""
    body = _mapping(data)
    status = _mapping(body.get("DeviceStatus"))
    return InverterReading(
        values={
            key: _quantity(body[name])
            for name, key in _INVERTER_FIELDS.items()
            if name in body
        },
        status=parse_status(status.get("StatusCode"), status.get("InverterState")),
        error_code=_integer(status.get("ErrorCode")),
        energy_day=_energy(body.get("DAY_ENERGY")),
        energy_year=_energy(body.get("YEAR_ENERGY")),
        energy_total=_energy(body.get("TOTAL_ENERGY")),
    )


def parse_inverter_3p_data(data: object) -> dict[str, Value]:
    """Parse ``GetInverterRealtimeData`` with ``3PInverterData``."""
    body = _mapping(data)
    return {
        key: _quantity(body[name])
        for name, key in _THREE_PHASE_FIELDS.items()
        if name in body
    }


def parse_meters(data: object) -> list[MeterReading]:
    """Parse ``GetMeterRealtimeData`` with ``Scope=System`` (enabled meters)."""
    meters = []
    for device_id, entry in _objects(data):
        if _integer(entry.get("Enable")) == 0:
            continue
        details = _mapping(entry.get("Details"))
        location = _integer(entry.get("Meter_Location_Current"))
        values: dict[str, Value] = {}
        for names, keys in _METER_PHASE_FIELDS:
            for phase, key in enumerate(keys, start=1):
                _put_first(values, key, entry, [name.format(phase) for name in names])
        for names, key in _METER_FIELDS:
            _put_first(values, key, entry, names)
        at_grid = location in (None, GRID_LOCATION)
        energy_in = Key.GRID_ELEC_IMPORT if at_grid else Key.METER_ELEC_IMPORT
        energy_out = Key.GRID_ELEC_EXPORT if at_grid else Key.METER_ELEC_EXPORT
        _put_first(values, energy_in, entry, _METER_IMPORT, scale=_kwh)
        _put_first(values, energy_out, entry, _METER_EXPORT, scale=_kwh)
        meters.append(
            MeterReading(
                device_id=device_id,
                values=values,
                serial=_serial(details.get("Serial")),
                manufacturer=_text(details.get("Manufacturer")),
                model=_text(details.get("Model")),
                location=location,
            )
        )
    return meters


def parse_storages(data: object) -> list[StorageReading]:
    """Parse ``GetStorageRealtimeData`` with ``Scope=System``."""
    storages = []
    for device_id, entry in _objects(data):
        controller = _mapping(entry.get("Controller"))
        if not controller:
            continue
        details = _mapping(controller.get("Details"))
        storages.append(
            StorageReading(
                device_id=device_id,
                values={
                    key: number(controller[name])
                    for name, key in _STORAGE_FIELDS.items()
                    if name in controller
                },
                serial=_serial(details.get("Serial")),
                manufacturer=_text(details.get("Manufacturer")),
                model=_text(details.get("Model")),
            )
        )
    return storages


def _objects(data: object) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Yield ``(device ID, object)`` of a per-device body, sorted by ID."""
    devices = _mapping(data)
    for device_id in sorted(devices, key=_device_order):
        if isinstance(entry := devices[device_id], Mapping):
            yield str(device_id), entry


def _device_order(device_id: str) -> tuple[int, str]:
    """Sort device IDs numerically ("2" before "10")."""
    return (int(device_id), "") if device_id.isdigit() else (1 << 30, device_id)


def _serial(value: object) -> str | None:
    """Return a serial number; placeholders such as "n.a." are none."""
    text = _text(value)
    return None if text is None or text.lower() in _NO_SERIAL else text


def _put_first(
    values: dict[str, Value],
    key: Key,
    entry: Mapping[str, Any],
    names: Sequence[str],
    scale: Callable[[object], Value] = number,
) -> None:
    """Set ``values[key]`` from the first of ``names`` that ``entry`` has."""
    for name in names:
        if name in entry:
            values[key] = scale(entry[name])
            return
