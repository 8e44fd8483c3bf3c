"""Register maps: which registers a meter model has and what they mean.

A map is data: a JSON file per bundled meter model (``maps/<model>.json``) or
a CSV file a user writes (the lotus-leaf spreadsheet columns plus optional
schema columns). Both become a :class:`RegisterMap`. Parsing never raises on
bad rows: every problem is collected as a :class:`MapProblem` (and the row
left out) so the setup wizard can list them all at once.

The schema (README "Custom register maps" documents it for users):

=================  ==========================================================
field              meaning (default)
=================  ==========================================================
``key``            measurement key: a vocabulary key (``grid_power``, ...)
                   where the meaning matches, else the map's own; unique
``name``           entity name for keys outside the vocabulary
``address``        0-based register address as sent on the wire (PDU)
``register_type``  ``holding`` (function 3) or ``input`` (function 4)
``data_type``      INT16, UINT16, INT32, UINT32, INT64, UINT64, FLOAT32,
                   FLOAT64 or STRING
``count``          registers the value spans (from the data type; STRING:
                   required)
``word_order``     ``big`` (most significant register first) or ``little``
``byte_order``     ``big`` (Modbus order) or ``little`` (bytes swapped)
``scale``          multiplier (1); ``offset`` is added after scaling (0)
``scale_register`` key of an INT16 register holding a power-of-ten exponent
                   (SunSpec scale factors); such helper registers are read
                   but not shown
``invalid``        raw value the meter sends for "not available" (none)
``unit``, ``device_class``, ``state_class``
                   Home Assistant sensor metadata (from the vocabulary key,
                   else inferred from the unit)
``scan_group``     ``fast`` (power, voltage, ...), ``slow`` (counters) or
                   ``once`` (identity); inferred when absent
``precision``      suggested display precision; ``enabled`` (true)
=================  ==========================================================

A map may also set ``max_count`` and ``max_gap`` (the meter's read limits),
``register_type_fallback`` (the meter answers functions 3 and 4 alike: when
it refuses a whole group in one table, the other is tried) and
``sunspec_model``: its addresses are then those of the standard SunSpec
layout and are moved to wherever the meter's model chain puts that model
(see :mod:`.sunspec`).
"""

from collections.abc import Iterable, Mapping
import csv
from dataclasses import dataclass, field
from enum import StrEnum
import io
import re
from typing import Any

from ..vocabulary import VOCABULARY, Key, StateClass
from .registers import ByteOrder, DataType, WordOrder, register_count


class RegisterType(StrEnum):
    """Which Modbus table a register lives in."""

    HOLDING = "holding"
    INPUT = "input"


class ScanGroup(StrEnum):
    """How often a register is read."""

    FAST = "fast"
    """Power, voltage, current, ...: every update interval."""
    SLOW = "slow"
    """Energy counters: a few times a minute."""
    ONCE = "once"
    """Identity (serial number, firmware): at setup."""


DEVICE_CLASSES = frozenset(
    {
        "apparent_power",
        "current",
        "energy",
        "frequency",
        "power",
        "power_factor",
        "reactive_energy",
        "reactive_power",
        "temperature",
        "voltage",
    }
)
"""Home Assistant sensor device classes a map may use."""

ENERGY_DEVICE_CLASSES = frozenset({"energy", "reactive_energy"})
"""Counters of these classes must be ``total_increasing``."""

IDENTITY_KEYS = frozenset(
    {"serial_number", "firmware_version", "hardware_version", "manufacturer", "model"}
)
"""Keys that describe the meter itself: they fill in the device, not sensors."""

_M = StateClass.MEASUREMENT
_TI = StateClass.TOTAL_INCREASING
_UNIT_DEFAULTS: dict[str, tuple[str | None, StateClass]] = {
    "V": ("voltage", _M),
    "A": ("current", _M),
    "W": ("power", _M),
    "kW": ("power", _M),
    "VA": ("apparent_power", _M),
    "kVA": ("apparent_power", _M),
    "var": ("reactive_power", _M),
    "kvar": ("reactive_power", _M),
    "Hz": ("frequency", _M),
    "Wh": ("energy", _TI),
    "kWh": ("energy", _TI),
    "MWh": ("energy", _TI),
    "varh": ("reactive_energy", _TI),
    "kvarh": ("reactive_energy", _TI),
    "°C": ("temperature", _M),
}
"""Device and state class implied by a unit when a map names none."""


def _phases(prefix: str, unit: str | None) -> dict[str, str | None]:
    """Return ``{prefix_l1: unit, prefix_l2: unit, prefix_l3: unit}``."""
    return {f"{prefix}_l{phase}": unit for phase in (1, 2, 3)}


KEY_UNITS: dict[str, str | None] = {
    key: quantity.unit for key, quantity in VOCABULARY.items()
}
"""The fixed unit of every vocabulary key (a map uses its keys in these)."""
_POWER_FACTOR_KEYS = {Key.POWER_FACTOR, *_phases("power_factor", "")}


class MapProblem(Exception):  # noqa: N818 - a finding, raised while parsing a row
    """One thing wrong with a register map (a row, or the map as a whole)."""

    def __init__(self, code: str, message: str, key: str | None = None) -> None:
        """Describe the problem; ``code`` is stable, ``message`` is for people."""
        super().__init__(f"{key}: {message}" if key else message)
        self.code = code
        self.key = key
        self.message = message


class MapError(Exception):
    """A register map cannot be used; :attr:`problems` says why."""

    def __init__(self, name: str, problems: list[MapProblem]) -> None:
        """Keep every problem found."""
        summary = "; ".join(str(problem) for problem in problems[:5])
        super().__init__(f"{name}: {summary}")
        self.name = name
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Register:
    """One value of a meter: where it is, how to decode it, what it means."""

    key: str
    name: str
    address: int
    register_type: RegisterType = RegisterType.HOLDING
    data_type: DataType = DataType.UINT16
    count: int = 1
    word_order: WordOrder = WordOrder.BIG
    byte_order: ByteOrder = ByteOrder.BIG
    scale: float = 1.0
    offset: float = 0.0
    unit: str | None = None
    device_class: str | None = None
    state_class: StateClass | None = None
    scan_group: ScanGroup = ScanGroup.FAST
    scale_register: str | None = None
    invalid: int | None = None
    precision: int | None = None
    enabled: bool = True
    description: str | None = None

    @property
    def end(self) -> int:
        """Return the address after the value's last register."""
        return self.address + self.count

    @property
    def is_counter(self) -> bool:
        """Tell whether the value is a lifetime counter (never decreasing)."""
        return self.state_class is StateClass.TOTAL_INCREASING


@dataclass(frozen=True, slots=True)
class RegisterMap:
    """The registers of one meter model."""

    model: str
    registers: tuple[Register, ...]
    manufacturer: str | None = None
    product: str | None = None
    source: str | None = None
    aliases: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    max_count: int | None = None
    """Largest read the meter accepts (registers), if below the default."""
    max_gap: int | None = None
    """Unused registers a read may span, if the meter needs another value."""
    sunspec_model: int | None = None
    """A SunSpec model: its registers are found by walking the model chain."""
    register_type_fallback: bool = False
    """The meter answers functions 3 and 4 alike: try the other table too."""
    _by_key: dict[str, Register] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        """Index the registers by key."""
        self._by_key.update((register.key, register) for register in self.registers)

    def register(self, key: str) -> Register:
        """Return the register of ``key``."""
        return self._by_key[key]

    @property
    def helper_keys(self) -> frozenset[str]:
        """Return the keys of registers used only to scale others."""
        return frozenset(
            register.scale_register
            for register in self.registers
            if register.scale_register is not None
        )

    @property
    def sensors(self) -> tuple[Register, ...]:
        """Return the registers shown as sensors (not helpers, not identity)."""
        hidden = self.helper_keys | IDENTITY_KEYS
        return tuple(r for r in self.registers if r.key not in hidden)


def _enum[E: StrEnum](
    kind: type[E], value: object, code: str, key: str, *, upper: bool = False
) -> E:
    """Return ``value`` as a member of ``kind``.

    Raises:
        MapProblem: when it is not one.
    """
    text = str(value).strip()
    text = text.upper() if upper else text.lower()
    try:
        return kind(text)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise MapProblem(
            code, f"unknown {kind.__name__} {value!r} (use {allowed})", key
        ) from None


def _number(value: object, what: str, key: str) -> float:
    """Return ``value`` as a number (``0x`` hex accepted).

    Raises:
        MapProblem: when it is not one.
    """
    if isinstance(value, bool):
        raise MapProblem("bad_number", f"{what} must be a number", key)
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    try:
        return float(int(text, 16)) if text.lower().startswith("0x") else float(text)
    except ValueError:
        raise MapProblem(
            "bad_number", f"{what} {value!r} is not a number", key
        ) from None


def _integer(value: object, what: str, key: str) -> int:
    """Return ``value`` as a whole number.

    Raises:
        MapProblem: when it is not one.
    """
    number = _number(value, what, key)
    if number != int(number):
        raise MapProblem("bad_number", f"{what} {value!r} is not a whole number", key)
    return int(number)


def _text(record: Mapping[str, Any], name: str) -> str | None:
    """Return a field as stripped text (None when absent or empty)."""
    value = record.get(name)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _is_identity(key: str, data_type: DataType) -> bool:
    """Tell whether a value describes the meter (identity key or text)."""
    return key in IDENTITY_KEYS or data_type is DataType.STRING


def _data_type_and_count(record: Mapping[str, Any], key: str) -> tuple[DataType, int]:
    """Return the data type and the register count, checked against each other.

    Raises:
        MapProblem: on an unknown type or a count that does not fit it.
    """
    data_type = _enum(
        DataType,
        record.get("data_type", "UINT16"),
        "unknown_data_type",
        key,
        upper=True,
    )
    expected = register_count(data_type)
    size = record.get("count")
    count = expected if size in {None, ""} else _integer(size, "count", key)
    if count is None:
        raise MapProblem("size_mismatch", "a STRING needs its count of registers", key)
    if expected is not None and count != expected:
        raise MapProblem(
            "size_mismatch",
            f"{data_type} takes {expected} register(s), the map says {count}",
            key,
        )
    if not 1 <= count <= 125:  # noqa: PLR2004 - the Modbus limit of one read
        raise MapProblem("size_mismatch", f"count {count} is not 1 to 125", key)
    return data_type, count


def _classes(
    record: Mapping[str, Any], key: str, unit: str | None, data_type: DataType
) -> tuple[str | None, StateClass | None]:
    """Return the device and state class, given or implied.

    Raises:
        MapProblem: on an unknown class.
    """
    implied_device, implied_state = _UNIT_DEFAULTS.get(unit or "", (None, _M))
    if key in _POWER_FACTOR_KEYS:
        implied_device = "power_factor"
    device_class = _text(record, "device_class")
    if device_class is None:
        device_class = implied_device
    elif device_class.lower() not in DEVICE_CLASSES:
        allowed = ", ".join(sorted(DEVICE_CLASSES))
        raise MapProblem(
            "unknown_device_class",
            f"unknown device class {device_class!r} (use {allowed})",
            key,
        )
    else:
        device_class = device_class.lower()
    state = _text(record, "state_class")
    if state is not None:
        return device_class, _enum(StateClass, state, "unknown_state_class", key)
    if _is_identity(key, data_type):
        return device_class, None
    if device_class in ENERGY_DEVICE_CLASSES:
        return device_class, StateClass.TOTAL_INCREASING
    return device_class, implied_state


def _scan_group(
    record: Mapping[str, Any],
    key: str,
    data_type: DataType,
    state_class: StateClass | None,
) -> ScanGroup:
    """Return the scan group, given or implied by what the value is.

    Raises:
        MapProblem: on an unknown group.
    """
    if (group := _text(record, "scan_group")) is not None:
        return _enum(ScanGroup, group, "unknown_scan_group", key)
    if _is_identity(key, data_type):
        return ScanGroup.ONCE
    if state_class in {StateClass.TOTAL, StateClass.TOTAL_INCREASING}:
        return ScanGroup.SLOW
    return ScanGroup.FAST


def parse_register(record: Mapping[str, Any], defaults: Mapping[str, Any]) -> Register:
    """Build one register from a map record, filling in the map's defaults.

    Raises:
        MapProblem: when the record is not usable.
    """
    merged = {**defaults, **{k: v for k, v in record.items() if v not in {None, ""}}}
    key = _text(merged, "key")
    if key is None or not re.fullmatch(r"[a-z0-9_]+", key):
        raise MapProblem(
            "bad_key",
            f"key {key!r} must be lower-case letters, digits and underscores",
            _text(merged, "name"),
        )
    if "address" not in merged:
        raise MapProblem("missing_field", "no address", key)
    address = _integer(merged["address"], "address", key)
    if not 0 <= address <= 0xFFFF:  # noqa: PLR2004
        raise MapProblem("bad_address", f"address {address} is not 0 to 65535", key)
    data_type, count = _data_type_and_count(merged, key)
    unit = _text(merged, "unit") or KEY_UNITS.get(key)
    device_class, state_class = _classes(merged, key, unit, data_type)
    scale = _number(merged.get("scale", 1), "scale", key)
    if scale == 0:
        raise MapProblem("bad_scale", "scale must not be 0", key)
    invalid = merged.get("invalid")
    precision = merged.get("precision")
    enabled = merged.get("enabled", True)
    return Register(
        key=key,
        name=_text(merged, "name") or key.replace("_", " ").capitalize(),
        address=address,
        register_type=_enum(
            RegisterType,
            merged.get("register_type", "holding"),
            "unknown_register_type",
            key,
        ),
        data_type=data_type,
        count=count,
        word_order=_enum(
            WordOrder, merged.get("word_order", "big"), "unknown_word_order", key
        ),
        byte_order=_enum(
            ByteOrder, merged.get("byte_order", "big"), "unknown_byte_order", key
        ),
        scale=scale,
        offset=_number(merged.get("offset", 0), "offset", key),
        unit=unit,
        device_class=device_class,
        state_class=state_class,
        scale_register=_text(merged, "scale_register"),
        invalid=None if invalid is None else _integer(invalid, "invalid", key),
        precision=None if precision is None else _integer(precision, "precision", key),
        enabled=str(enabled).strip().lower() not in {"false", "no", "0"},
        description=_text(merged, "description"),
        scan_group=_scan_group(merged, key, data_type, state_class),
    )


def _parse_registers(
    records: Iterable[Mapping[str, Any]], defaults: Mapping[str, Any]
) -> tuple[list[Register], list[MapProblem]]:
    """Parse every record; collect the problems of those that fail."""
    registers: list[Register] = []
    problems: list[MapProblem] = []
    for record in records:
        try:
            registers.append(parse_register(record, defaults))
        except MapProblem as problem:
            problems.append(problem)
    return registers, problems


_MAP_FIELDS = frozenset(
    {
        "model",
        "manufacturer",
        "product",
        "source",
        "aliases",
        "notes",
        "defaults",
        "max_count",
        "max_gap",
        "sunspec_model",
        "register_type_fallback",
        "registers",
    }
)


def parse_map(
    document: Mapping[str, Any], name: str
) -> tuple[RegisterMap, list[MapProblem]]:
    """Build a map from a JSON document; return it and the problems found."""
    problems = [
        MapProblem("unknown_field", f"unknown map field {field_name!r}")
        for field_name in document
        if field_name not in _MAP_FIELDS
    ]
    records = document.get("registers")
    if not isinstance(records, list) or not records:
        problems.append(MapProblem("no_registers", "the map lists no registers"))
        records = []
    registers, row_problems = _parse_registers(records, document.get("defaults", {}))
    max_count = document.get("max_count")
    max_gap = document.get("max_gap")
    register_map = RegisterMap(
        model=str(document.get("model", name)),
        registers=tuple(registers),
        manufacturer=document.get("manufacturer"),
        product=document.get("product"),
        source=document.get("source"),
        aliases=tuple(document.get("aliases", ())),
        notes=tuple(document.get("notes", ())),
        max_count=None if max_count is None else int(max_count),
        max_gap=None if max_gap is None else int(max_gap),
        sunspec_model=document.get("sunspec_model"),
        register_type_fallback=bool(document.get("register_type_fallback", False)),
    )
    return register_map, problems + row_problems


CSV_COLUMNS: dict[str, str] = {
    "metricname": "name",
    "metricdescription": "description",
    "metricaddress": "address",
    "metricsize": "count",
    "scalingfactor": "scale",
    "datatype": "data_type",
    "key": "key",
    "registertype": "register_type",
    "wordorder": "word_order",
    "byteorder": "byte_order",
    "offset": "offset",
    "unit": "unit",
    "deviceclass": "device_class",
    "stateclass": "state_class",
    "scangroup": "scan_group",
    "scaleregister": "scale_register",
    "invalid": "invalid",
    "precision": "precision",
    "enabled": "enabled",
}
"""CSV header (case, spaces and underscores ignored) -> schema field.

The first six are the lotus-leaf spreadsheet's columns; the others are
optional.
"""
CSV_REQUIRED = ("name", "address", "data_type")


def slug(text: str) -> str:
    """Return a key made from a metric name (``Voltage_AN`` -> ``voltage_an``)."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def parse_csv(text: str, name: str) -> tuple[RegisterMap, list[MapProblem]]:
    """Build a map from a CSV spreadsheet; return it and the problems found.

    Registers are holding registers unless a ``Register Type`` column says
    otherwise (the seed spreadsheets were read with function 3); a row
    without a ``Key`` gets the slug of its metric name.
    """
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = reader.fieldnames or []
    columns: dict[str, str] = {}
    problems: list[MapProblem] = []
    for column in header:
        normalized = re.sub(r"[\s_]+", "", column.lower())
        if normalized in CSV_COLUMNS:
            columns[column] = CSV_COLUMNS[normalized]
        else:
            problems.append(MapProblem("unknown_column", f"unknown column {column!r}"))
    missing = [field for field in CSV_REQUIRED if field not in columns.values()]
    if missing:
        problems.append(
            MapProblem("missing_column", f"missing column(s): {', '.join(missing)}")
        )
        return RegisterMap(model=name, registers=()), problems
    records = []
    for row in reader:
        record = {columns[c]: v for c, v in row.items() if c in columns and v}
        if not record:
            continue
        if "key" not in record and "name" in record:
            record["key"] = slug(record["name"])
        records.append(record)
    registers, row_problems = _parse_registers(records, {})
    if not registers and not row_problems:
        problems.append(MapProblem("no_registers", "the map lists no registers"))
    return RegisterMap(model=name, registers=tuple(registers)), problems + row_problems
