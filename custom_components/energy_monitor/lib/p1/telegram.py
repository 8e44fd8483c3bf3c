"""Turn the text of a P1 telegram into a :class:`P1Telegram`.

``dsmr_parser`` reads the objects (see :mod:`.dsmr`); this module adds what
the integration needs on top:

* the meter variant, detected from the telegram itself (header, version
  lines, the registers it carries), which picks ``dsmr_parser``'s
  specification;
* OBIS objects mapped onto the shared vocabulary, units normalised (kW → W
  for power, Wh → kWh, units in any case), so a meter that reports in W
  (EasyMeter) and one that reports in kW (DSMR) give the same values;
* MBus channels grouped into gas, water and heat readings with the time the
  device captured them; totals derived from tariff registers; signed power
  split into import and export.

Objects that cannot be read are skipped and counted; they never abort the
whole telegram.
"""

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from ..vocabulary import Key
from .dsmr import DsmrObject, LineId, crlf, line_ids, read_objects
from .model import (
    SWITCH_STATES,
    MbusKind,
    MbusReading,
    MeterVariant,
    P1Telegram,
    PeakDemand,
    PowerFailure,
)

_DSMR_ZONE = ZoneInfo("Europe/Amsterdam")
_SUMMER = timezone(timedelta(hours=2))
_WINTER = timezone(timedelta(hours=1))
_TIMESTAMP_DIGITS = 12

# Units are looked up in lower case: some meters write "kwh" or "KW".
_ENERGY_FACTORS: dict[str | None, float] = {
    None: 1.0,
    "kwh": 1.0,
    "wh": 0.001,
    "mwh": 1000.0,
}
_POWER_FACTORS: dict[str | None, float] = {None: 1000.0, "kw": 1000.0, "w": 1.0}
_DEMAND_FACTORS: dict[str | None, float] = {None: 1.0, "kw": 1.0, "w": 0.001}
_PLAIN_UNITS: dict[str, dict[str | None, float]] = {
    "V": {None: 1.0, "v": 1.0},
    "A": {None: 1.0, "a": 1.0},
    "Hz": {None: 1.0, "hz": 1.0},
    "": {None: 1.0},
}

_ENERGY_OBJECTS = {
    "1.8.0": Key.GRID_ELEC_IMPORT,
    "1.8.1": Key.GRID_ELEC_IMPORT_T1,
    "1.8.2": Key.GRID_ELEC_IMPORT_T2,
    "1.8.3": Key.GRID_ELEC_IMPORT_T3,
    "1.8.4": Key.GRID_ELEC_IMPORT_T4,
    "2.8.0": Key.GRID_ELEC_EXPORT,
    "2.8.1": Key.GRID_ELEC_EXPORT_T1,
    "2.8.2": Key.GRID_ELEC_EXPORT_T2,
    "2.8.3": Key.GRID_ELEC_EXPORT_T3,
    "2.8.4": Key.GRID_ELEC_EXPORT_T4,
}
_POWER_OBJECTS = {
    "1.7.0": Key.GRID_POWER_IMPORT,
    "2.7.0": Key.GRID_POWER_EXPORT,
    "21.7.0": Key.POWER_IMPORT_L1,
    "41.7.0": Key.POWER_IMPORT_L2,
    "61.7.0": Key.POWER_IMPORT_L3,
    "22.7.0": Key.POWER_EXPORT_L1,
    "42.7.0": Key.POWER_EXPORT_L2,
    "62.7.0": Key.POWER_EXPORT_L3,
}
_EXPORT_OF_IMPORT = {
    Key.GRID_POWER_IMPORT: Key.GRID_POWER_EXPORT,
    Key.POWER_IMPORT_L1: Key.POWER_EXPORT_L1,
    Key.POWER_IMPORT_L2: Key.POWER_EXPORT_L2,
    Key.POWER_IMPORT_L3: Key.POWER_EXPORT_L3,
}
_PLAIN_OBJECTS: dict[str, tuple[Key, str]] = {
    "32.7.0": (Key.VOLTAGE_L1, "V"),
    "52.7.0": (Key.VOLTAGE_L2, "V"),
    "72.7.0": (Key.VOLTAGE_L3, "V"),
    "31.7.0": (Key.CURRENT_L1, "A"),
    "51.7.0": (Key.CURRENT_L2, "A"),
    "71.7.0": (Key.CURRENT_L3, "A"),
    "14.7.0": (Key.FREQUENCY, "Hz"),
    "13.7.0": (Key.POWER_FACTOR, ""),
    "33.7.0": (Key.POWER_FACTOR_L1, ""),
    "53.7.0": (Key.POWER_FACTOR_L2, ""),
    "73.7.0": (Key.POWER_FACTOR_L3, ""),
    "96.7.21": (Key.POWER_FAILURES, "count"),
    "96.7.9": (Key.POWER_FAILURES_LONG, "count"),
    "32.32.0": (Key.VOLTAGE_SAGS_L1, "count"),
    "52.32.0": (Key.VOLTAGE_SAGS_L2, "count"),
    "72.32.0": (Key.VOLTAGE_SAGS_L3, "count"),
    "32.36.0": (Key.VOLTAGE_SWELLS_L1, "count"),
    "52.36.0": (Key.VOLTAGE_SWELLS_L2, "count"),
    "72.36.0": (Key.VOLTAGE_SWELLS_L3, "count"),
}
_REACTIVE_ENERGY_FACTORS: dict[str | None, float] = {
    None: 1.0,
    "kvarh": 1.0,
    "varh": 0.001,
}
_REACTIVE_POWER_FACTORS: dict[str | None, float] = {
    None: 1000.0,
    "kvar": 1000.0,
    "var": 1.0,
}
_APPARENT_POWER_FACTORS: dict[str | None, float] = {
    None: 1000.0,
    "kva": 1000.0,
    "va": 1.0,
}
_AMPERE_FACTORS: dict[str | None, float] = {None: 1.0, "a": 1.0}
_METER_OBJECTS: dict[str, tuple[Key, dict[str | None, float]]] = {
    "3.8.0": (Key.GRID_REACTIVE_IMPORT, _REACTIVE_ENERGY_FACTORS),
    "3.8.1": (Key.GRID_REACTIVE_IMPORT_T1, _REACTIVE_ENERGY_FACTORS),
    "3.8.2": (Key.GRID_REACTIVE_IMPORT_T2, _REACTIVE_ENERGY_FACTORS),
    "4.8.0": (Key.GRID_REACTIVE_EXPORT, _REACTIVE_ENERGY_FACTORS),
    "4.8.1": (Key.GRID_REACTIVE_EXPORT_T1, _REACTIVE_ENERGY_FACTORS),
    "4.8.2": (Key.GRID_REACTIVE_EXPORT_T2, _REACTIVE_ENERGY_FACTORS),
    "5.8.0": (Key.GRID_REACTIVE_Q1, _REACTIVE_ENERGY_FACTORS),
    "6.8.0": (Key.GRID_REACTIVE_Q2, _REACTIVE_ENERGY_FACTORS),
    "7.8.0": (Key.GRID_REACTIVE_Q3, _REACTIVE_ENERGY_FACTORS),
    "8.8.0": (Key.GRID_REACTIVE_Q4, _REACTIVE_ENERGY_FACTORS),
    "15.8.0": (Key.GRID_ELEC_COMBINED, _ENERGY_FACTORS),
    "3.7.0": (Key.REACTIVE_POWER_IMPORT, _REACTIVE_POWER_FACTORS),
    "4.7.0": (Key.REACTIVE_POWER_EXPORT, _REACTIVE_POWER_FACTORS),
    "23.7.0": (Key.REACTIVE_POWER_IMPORT_L1, _REACTIVE_POWER_FACTORS),
    "43.7.0": (Key.REACTIVE_POWER_IMPORT_L2, _REACTIVE_POWER_FACTORS),
    "63.7.0": (Key.REACTIVE_POWER_IMPORT_L3, _REACTIVE_POWER_FACTORS),
    "24.7.0": (Key.REACTIVE_POWER_EXPORT_L1, _REACTIVE_POWER_FACTORS),
    "44.7.0": (Key.REACTIVE_POWER_EXPORT_L2, _REACTIVE_POWER_FACTORS),
    "64.7.0": (Key.REACTIVE_POWER_EXPORT_L3, _REACTIVE_POWER_FACTORS),
    "5.7.0": (Key.REACTIVE_POWER_Q1, _REACTIVE_POWER_FACTORS),
    "6.7.0": (Key.REACTIVE_POWER_Q2, _REACTIVE_POWER_FACTORS),
    "7.7.0": (Key.REACTIVE_POWER_Q3, _REACTIVE_POWER_FACTORS),
    "8.7.0": (Key.REACTIVE_POWER_Q4, _REACTIVE_POWER_FACTORS),
    "9.7.0": (Key.APPARENT_POWER_IMPORT, _APPARENT_POWER_FACTORS),
    "10.7.0": (Key.APPARENT_POWER_EXPORT, _APPARENT_POWER_FACTORS),
    "31.4.0": (Key.CURRENT_THRESHOLD_L1, _AMPERE_FACTORS),
    "51.4.0": (Key.CURRENT_THRESHOLD_L2, _AMPERE_FACTORS),
    "71.4.0": (Key.CURRENT_THRESHOLD_L3, _AMPERE_FACTORS),
}
"""Objects of the meter itself (channel 0) read as a number in a unit."""
_THRESHOLDS: dict[str, tuple[Key, float]] = {
    "kw": (Key.POWER_THRESHOLD, 1000.0),
    "w": (Key.POWER_THRESHOLD, 1.0),
    "kva": (Key.APPARENT_POWER_THRESHOLD, 1000.0),
    "va": (Key.APPARENT_POWER_THRESHOLD, 1.0),
    "a": (Key.CURRENT_THRESHOLD, 1.0),
}
"""The threshold (17.0.0) by its unit: a power, apparent power or current."""

_IDENTIFIER_OBJECTS = ("96.1.1", "96.1.0", "42.0.0", "96.1.255", "0.0.0")
"""Objects that may carry the meter's equipment ID, most specific first."""

_MBUS_OBJECTS = frozenset(
    {"24.1.0", "96.1.0", "96.1.1", "24.2.1", "24.2.3", "24.3.0", "24.4.0", "96.3.10"}
)
_MBUS_KINDS = {3: MbusKind.GAS, 7: MbusKind.WATER, 6: MbusKind.WATER}
_MBUS_HEAT_TYPES = frozenset({4, 12})
_MBUS_UNITS = {"m3": "m³", "m³": "m³", "kwh": "kWh", "mwh": "MWh", "gj": "GJ"}

_PEAK_HISTORY_HEAD = 3
"""(count)(1-0:1.6.0)(1-0:1.6.0) before the monthly entries."""
_TARIFF_REGISTERS = frozenset(("1.8.1", "1.8.2", "2.8.1", "2.8.2"))
_IMPORT_TARIFFS = (
    Key.GRID_ELEC_IMPORT_T1,
    Key.GRID_ELEC_IMPORT_T2,
    Key.GRID_ELEC_IMPORT_T3,
    Key.GRID_ELEC_IMPORT_T4,
)
_EXPORT_TARIFFS = (
    Key.GRID_ELEC_EXPORT_T1,
    Key.GRID_ELEC_EXPORT_T2,
    Key.GRID_ELEC_EXPORT_T3,
    Key.GRID_ELEC_EXPORT_T4,
)


class TelegramError(ValueError):
    """The text is not a P1 telegram."""


class _SkippedError(ValueError):
    """An object of the meter could not be read."""


def parse_timestamp(raw: str | None) -> datetime | None:
    """Read a DSMR timestamp ``YYMMDDhhmmss[S|W]``; ``None`` if invalid.

    ``S`` (summer) and ``W`` (winter) give the UTC offset of Central European
    time, so the hour repeated at the end of summer time is unambiguous. The
    flag is taken as sent: ``dsmr_parser`` recomputes the offset from the
    calendar instead, which moves the times of meters whose flag disagrees
    with it (Irish meters, test telegrams) by an hour.
    """
    if raw is None or len(raw) < _TIMESTAMP_DIGITS:
        return None
    digits = raw[:_TIMESTAMP_DIGITS]
    if not digits.isdigit():
        return None
    flag = raw[_TIMESTAMP_DIGITS : _TIMESTAMP_DIGITS + 1]
    zone = _SUMMER if flag == "S" else _WINTER if flag == "W" else _DSMR_ZONE
    try:
        return datetime(
            2000 + int(digits[0:2]),
            int(digits[2:4]),
            int(digits[4:6]),
            int(digits[6:8]),
            int(digits[8:10]),
            int(digits[10:12]),
            tzinfo=zone,
        )
    except ValueError:
        return None


def decode_identifier(raw: str) -> str:
    """Decode an equipment ID sent as hex-encoded ASCII, if it is one."""
    if raw and len(raw) % 2 == 0:
        try:
            text = bytes.fromhex(raw).decode("ascii").strip()
        except ValueError:
            return raw
        if text.isalnum():
            return text
    return raw


def _value(obj: DsmrObject, index: int = 0) -> dict[str, Any]:
    """Return ``{"value", "unit"}`` of a value group as dsmr_parser read it.

    Raises:
        _SkippedError: when dsmr_parser could not read the line.
    """
    if obj.parsed is None:
        raise _SkippedError(obj.line.code)
    values: list[dict[str, Any]] = obj.parsed.values
    return values[index]


def _number(group: dict[str, Any], factors: dict[str | None, float]) -> float:
    """Convert a value with the factor of its unit (``KeyError``: unknown unit)."""
    unit: str | None = group["unit"]
    factor = factors[unit.lower() if unit else None]
    value = group["value"]
    if not isinstance(value, Decimal | int):
        raise _SkippedError(value)
    number = float(value)
    return number if factor == 1.0 else round(number * factor, 6)


class _TelegramBuilder:
    """Collects the objects of one telegram; see :func:`parse_telegram`."""

    def __init__(self, header: str) -> None:
        self.header = header
        self.values: dict[str, float | str] = {}
        self.identifiers: dict[str, str] = {}
        self.mbus: dict[int, dict[str, DsmrObject]] = {}
        self.version: str | None = None
        self.belgian_version: str | None = None
        self.timestamp: datetime | None = None
        self.month_peak: PeakDemand | None = None
        self.peak_history: tuple[PeakDemand, ...] = ()
        self.power_failures: tuple[PowerFailure, ...] = ()
        self.skipped = 0

    def add(self, obj: DsmrObject) -> None:
        """Add one object of the main meter."""
        code = obj.line.code
        values = self.values
        if (key := _ENERGY_OBJECTS.get(code)) is not None:
            values[key] = _number(_value(obj), _ENERGY_FACTORS)
        elif (key := _POWER_OBJECTS.get(code)) is not None:
            values[key] = _number(_value(obj), _POWER_FACTORS)
        elif (plain := _PLAIN_OBJECTS.get(code)) is not None:
            key, unit = plain
            group = _value(obj)
            values[key] = (
                int(group["value"])
                if unit == "count"
                else _number(group, _PLAIN_UNITS[unit])
            )
        elif (handler := _SPECIAL_OBJECTS.get(code)) is not None:
            handler(self, obj)
        elif obj.line.channel == 0 and (meter := _METER_OBJECTS.get(code)):
            key, factors = meter
            values[key] = _number(_value(obj), factors)
        elif obj.line.channel == 0 and (reader := _STATE_OBJECTS.get(code)):
            reader(self, obj)

    def build(self, variant: MeterVariant) -> P1Telegram:
        """Derive the totals and return the telegram."""
        values = self.values
        _derive_total(values, Key.GRID_ELEC_IMPORT, _IMPORT_TARIFFS)
        _derive_total(values, Key.GRID_ELEC_EXPORT, _EXPORT_TARIFFS)
        for import_key, export_key in _EXPORT_OF_IMPORT.items():
            power = values.get(import_key)
            if isinstance(power, float) and power < 0 and export_key not in values:
                # Meters without an export register (EasyMeter) sign the power.
                values[import_key] = 0.0
                values[export_key] = -power
        if isinstance(power_in := values.get(Key.GRID_POWER_IMPORT), float):
            power_out = values.get(Key.GRID_POWER_EXPORT)
            exported = power_out if isinstance(power_out, float) else 0.0
            values[Key.GRID_POWER] = round(power_in - exported, 6)
        identifier = next(
            (self.identifiers[c] for c in _IDENTIFIER_OBJECTS if c in self.identifiers),
            None,
        )
        return P1Telegram(
            header=self.header,
            variant=variant,
            protocol_version=self.belgian_version or self.version,
            timestamp=self.timestamp,
            equipment_id=identifier,
            values=values,
            mbus=tuple(
                reading
                for channel, objects in sorted(self.mbus.items())
                if (reading := _mbus_reading(channel, objects)) is not None
            ),
            month_peak=self.month_peak,
            peak_history=self.peak_history,
            power_failures=self.power_failures,
            skipped_lines=self.skipped,
        )


def _read_tariff(builder: _TelegramBuilder, obj: DsmrObject) -> None:
    builder.values[Key.GRID_TARIFF] = str(int(_value(obj)["value"]))


def _read_timestamp(builder: _TelegramBuilder, obj: DsmrObject) -> None:
    builder.timestamp = parse_timestamp(obj.groups[0])


def _read_version(builder: _TelegramBuilder, obj: DsmrObject) -> None:
    builder.version = obj.groups[0]


def _read_belgian_version(builder: _TelegramBuilder, obj: DsmrObject) -> None:
    builder.belgian_version = obj.groups[0]


def _read_identifier(builder: _TelegramBuilder, obj: DsmrObject) -> None:
    # Raw: an ID is text as sent, and dsmr_parser cannot read IDs with
    # characters outside its value pattern.
    if raw := obj.groups[0]:
        builder.identifiers[obj.line.code] = decode_identifier(raw)


def _read_demand(builder: _TelegramBuilder, obj: DsmrObject) -> None:
    builder.values[Key.DEMAND_CURRENT_QUARTER] = _number(_value(obj), _DEMAND_FACTORS)


def _read_month_peak(builder: _TelegramBuilder, obj: DsmrObject) -> None:
    demand = _number(_value(obj, -1), _DEMAND_FACTORS)
    peak_time = parse_timestamp(obj.groups[0]) if len(obj.groups) > 1 else None
    builder.month_peak = PeakDemand(demand, peak_time)
    builder.values[Key.DEMAND_MONTH_PEAK] = demand


def _read_peak_history(builder: _TelegramBuilder, obj: DsmrObject) -> None:
    # Belgian shape: (count)(1-0:1.6.0)(1-0:1.6.0) then per month
    # (month start)(peak time)(kW). Other countries (e.g. E.ON Hungary) use
    # 0-0:98.1.0 for billing values, which are not peaks: ignore those, and
    # an empty history "(0)" that dsmr_parser cannot read.
    groups = obj.groups
    if (
        len(groups) < _PEAK_HISTORY_HEAD
        or not groups[0].isdigit()
        or ":1.6.0" not in groups[1]
    ):
        return
    count = int(groups[0])
    if len(groups) - _PEAK_HISTORY_HEAD != 3 * count or obj.parsed is None:
        raise _SkippedError("peak history count does not match its entries")
    entries = groups[_PEAK_HISTORY_HEAD:]
    builder.peak_history = tuple(
        PeakDemand(
            _number(peak.values[2], _DEMAND_FACTORS),
            parse_timestamp(entries[3 * month + 1]),
            parse_timestamp(entries[3 * month]),
        )
        for month, peak in enumerate(obj.parsed)
    )


_SPECIAL_OBJECTS = {
    "96.14.0": _read_tariff,
    "1.0.0": _read_timestamp,
    "0.2.8": _read_version,
    "96.1.4": _read_belgian_version,
    "1.4.0": _read_demand,
    "1.6.0": _read_month_peak,
    "98.1.0": _read_peak_history,
    **dict.fromkeys(_IDENTIFIER_OBJECTS, _read_identifier),
}


def switch_state(raw: object) -> str:
    """Return the state of a breaker or valve from the number sent.

    Raises:
        ValueError: when it is not one of the known states.
    """
    number = int(str(raw))
    if not 0 <= number < len(SWITCH_STATES):
        raise ValueError(raw)
    return SWITCH_STATES[number]


def decode_text(raw: str) -> str:
    """Return a text message, decoded when it is sent as hex-encoded ASCII."""
    if raw and len(raw) % 2 == 0:
        try:
            text = bytes.fromhex(raw).decode("ascii")
        except ValueError:
            return raw
        if text.isprintable():
            return text.strip()
    return raw


def _read_threshold(builder: _TelegramBuilder, obj: DsmrObject) -> None:
    group = _value(obj)
    unit: str | None = group["unit"]
    key, factor = _THRESHOLDS[unit.lower() if unit else "kw"]
    builder.values[key] = _number(group, {unit.lower() if unit else None: factor})


def _read_breaker(builder: _TelegramBuilder, obj: DsmrObject) -> None:
    builder.values[Key.BREAKER_STATE] = switch_state(obj.groups[0])


def _read_meter_state(builder: _TelegramBuilder, obj: DsmrObject) -> None:
    builder.values[Key.METER_STATE] = obj.groups[0]


def _read_text_message(builder: _TelegramBuilder, obj: DsmrObject) -> None:
    # Raw: dsmr_parser cannot read messages with spaces or a '/' in them.
    builder.values[Key.TEXT_MESSAGE] = decode_text(obj.groups[0])


def _read_power_failures(builder: _TelegramBuilder, obj: DsmrObject) -> None:
    # (count)(0-0:96.7.19) then per failure (end time)(duration*s).
    if obj.parsed is None:
        raise _SkippedError("unreadable power failure log")
    values = obj.parsed.values
    ends = obj.groups[2::2]
    builder.power_failures = tuple(
        PowerFailure(parse_timestamp(end), int(duration["value"]))
        for end, duration in zip(ends, values[3::2], strict=True)
    )


_STATE_OBJECTS = {
    "17.0.0": _read_threshold,
    "96.3.10": _read_breaker,
    "96.5.5": _read_meter_state,
    "96.13.0": _read_text_message,
    "99.97.0": _read_power_failures,
}
"""Objects of the meter itself (channel 0) that are not a plain number."""


def _derive_total(
    values: dict[str, float | str], total: Key, tariffs: tuple[Key, ...]
) -> None:
    """Sum the tariff registers when the meter has no total register."""
    if total in values:
        return
    parts = [v for key in tariffs if isinstance(v := values.get(key), float)]
    if parts:
        values[total] = round(sum(parts), 6)


def _mbus_value(
    objects: dict[str, DsmrObject],
) -> tuple[datetime | None, Any, str | None] | None:
    """Return the capture time, raw value and unit of an MBus channel."""
    reading = objects.get("24.2.3") or objects.get("24.2.1")
    if reading is not None and len(reading.groups) > 1:
        if reading.parsed is None:
            return None, None, None
        values = reading.parsed.values
        captured_at = parse_timestamp(reading.groups[0])
        return captured_at, values[-1]["value"], values[-1]["unit"]
    legacy = objects.get("24.3.0")
    if legacy is not None and legacy.parsed is not None:
        # DSMR 2.2/3.0: (time)(status)(interval)(1)(0-n:24.2.1)(unit)(value).
        values = legacy.parsed.values
        captured_at = parse_timestamp(legacy.groups[0])
        return captured_at, values[6]["value"], values[5]["value"]
    return None


def _mbus_reading(channel: int, objects: dict[str, DsmrObject]) -> MbusReading | None:
    """Build the reading of one MBus channel, if it is a known kind of meter."""
    device_type: int | None = None
    if (kind_object := objects.get("24.1.0")) is not None and kind_object.groups[
        0
    ].isdigit():
        device_type = int(kind_object.groups[0])
    found = _mbus_value(objects)
    if found is None:
        return None
    captured_at, raw_value, raw_unit = found
    unit = _MBUS_UNITS.get(str(raw_unit).lower()) if raw_unit else None
    value: float | None = None
    if unit is not None and captured_at is not None and raw_value is not None:
        value = float(raw_value)
    if value is None:
        unit = None
    kind = _mbus_kind(device_type, unit)
    if kind is None:
        return None
    identifier = objects.get("96.1.0") or objects.get("96.1.1")
    equipment_id = decode_identifier(identifier.groups[0]) if identifier else None
    if not equipment_id and value is None:
        return None  # an unused channel: no meter, no reading
    return MbusReading(
        channel=channel,
        kind=kind,
        equipment_id=equipment_id or None,
        value=value,
        unit=unit,
        captured_at=captured_at,
        valve=_mbus_switch(objects.get("24.4.0")),
        breaker=_mbus_switch(objects.get("96.3.10")),
    )


def _mbus_switch(obj: DsmrObject | None) -> str | None:
    """Return the state of an MBus device's valve or breaker, if sent."""
    if obj is None or not obj.groups:
        return None
    try:
        return switch_state(obj.groups[0])
    except ValueError:
        return None


def _mbus_kind(device_type: int | None, unit: str | None) -> MbusKind | None:
    """Map an EN 13757-3 device type (or, lacking one, the unit) to a kind."""
    if device_type is None:
        return MbusKind.GAS if unit == "m³" else None
    if device_type in _MBUS_HEAT_TYPES:
        return MbusKind.HEAT
    return _MBUS_KINDS.get(device_type)


def _is_mbus(line: LineId) -> bool:
    """Tell whether a line belongs to an MBus channel."""
    return line.channel != 0 and line.medium == 0 and line.code in _MBUS_OBJECTS


def detect_variant(
    header: str,
    codes: frozenset[str],
    *,
    suffixed: bool,
    version: str | None,
    dated: bool,
) -> MeterVariant:
    """Tell which DSMR flavour sent a telegram.

    Args:
        header: the header line after the ``/``.
        codes: the codes of the meter's own objects (not its MBus channels).
        suffixed: whether OBIS codes end in ``*255`` (EasyMeter).
        version: the DSMR version line (0.2.8), if any.
        dated: whether the telegram carries a timestamp (1.0.0).
    """
    has_totals = "1.8.0" in codes
    has_tariffs = not _TARIFF_REGISTERS.isdisjoint(codes)
    if suffixed or header.startswith("ESY"):
        variant = MeterVariant.EASYMETER_Q3D
    elif "96.1.4" in codes or header.startswith("FLU"):
        variant = MeterVariant.BELGIUM
    elif header.startswith("Lux"):
        variant = MeterVariant.LUXEMBOURG
    elif "1.8.3" in codes or "1.8.4" in codes:
        variant = MeterVariant.HUNGARY
    elif has_totals and not has_tariffs and "42.0.0" in codes:
        variant = MeterVariant.LUXEMBOURG
    elif has_totals and not has_tariffs:
        variant = MeterVariant.SWEDEN
    elif version is not None and version.startswith("4"):
        variant = MeterVariant.DSMR_4
    elif version is not None or dated:
        variant = MeterVariant.DSMR_5
    else:
        variant = MeterVariant.DSMR_2_2
    return variant


def parse_telegram(text: str) -> P1Telegram:
    """Parse a complete telegram (``/`` up to ``!``) into a :class:`P1Telegram`.

    Raises:
        TelegramError: when the text has no header or no objects.
    """
    if not text.startswith("/"):
        raise TelegramError("telegram does not start with '/'")
    end_of_header = text.find("\n")
    if end_of_header < 0:
        raise TelegramError("telegram has no header line")
    header = text[1:end_of_header].strip()
    text = crlf(text)
    lines = list(line_ids(text))
    if not lines:
        raise TelegramError("telegram has no objects")
    codes = frozenset(line.code for line in lines)
    main_codes = frozenset(line.code for line in lines if not _is_mbus(line))
    builder = _TelegramBuilder(header)
    objects = read_objects(
        text,
        detect_variant(
            header,
            main_codes,
            suffixed=any(line.suffixed for line in lines),
            version=None,
            dated="1.0.0" in main_codes,
        ),
        codes,
    )
    for obj in objects.values():
        line = obj.line
        if _is_mbus(line):
            builder.mbus.setdefault(line.channel, {})[line.code] = obj
            continue
        try:
            builder.add(obj)
        except _SkippedError, ValueError, KeyError, IndexError, TypeError:
            builder.skipped += 1
    variant = detect_variant(
        header,
        main_codes,
        suffixed=any(line.suffixed for line in lines),
        version=builder.version,
        dated=builder.timestamp is not None,
    )
    return builder.build(variant)
