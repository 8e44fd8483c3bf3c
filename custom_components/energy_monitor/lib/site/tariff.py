"""Versioned tariffs: what energy costs, per direction, from which day on.

A site has one or more :class:`TariffVersion` objects, each in effect from its
``valid_from`` (a local date; ``None``: since always) until the next version
starts, so a contract change never rewrites the past. A version holds a
:class:`Price` for grid import, export compensation and gas, the fixed charges
per day, and the Belgian capacity tariff.

A price is one of four modes:

* ``fixed``: one rate;
* ``registers``: a rate per meter register (tariff 1/2); the active register
  comes from per-register counters, a register schedule, the meter's
  active-tariff entity or, failing those, from which register counter moved;
* ``schedule``: time-of-use rows (Octopus Flux, Belgian day/night by clock);
* ``entity``: a dynamic price read from an entity (Nord Pool), plus a markup,
  times a multiplier.

The stored form (config entry options) is plain JSON; tariff files use the
format of octopus_viz configuration files (``tariffs`` by name, each with a
``unit``, ``currency`` and ``rates`` rows).
"""

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, tzinfo
from enum import StrEnum
from typing import Any

from .schedule import (
    ScheduleRow,
    TariffError,
    WeekSchedule,
    finite_number,
    rows_from_json,
    rows_to_json,
)

__all__ = [
    "Direction",
    "ImportedTariff",
    "Price",
    "PriceMode",
    "TariffError",
    "TariffVersion",
    "dump_tariffs",
    "isodate",
    "merge_imported",
    "parse_tariff_file",
    "parse_tariffs",
    "start_version",
    "version_index",
]

DEFAULT_CAPACITY_MINIMUM = 2.5
"""kW: the least a Flemish household pays the capacity tariff for."""


class Direction(StrEnum):
    """What a price applies to."""

    IMPORT = "import"
    EXPORT = "export"
    GAS = "gas"


class PriceMode(StrEnum):
    """How a price is determined."""

    FIXED = "fixed"
    REGISTERS = "registers"
    SCHEDULE = "schedule"
    ENTITY = "entity"


@dataclass(frozen=True, slots=True)
class Price:
    """The price of one direction in one tariff version (see module docstring)."""

    mode: PriceMode = PriceMode.FIXED
    rate: float = 0.0
    """``fixed``: the rate (currency per kWh, or per m³ for gas)."""
    register_rates: Mapping[int, float] = field(default_factory=dict)
    """``registers``: the rate of each register (1, 2, ...)."""
    rows: tuple[ScheduleRow, ...] = ()
    """``schedule``: the rate rows; ``registers``: the register schedule."""
    default: float | None = None
    """The rate (``schedule``) or register (``registers``) no row matches."""
    entity_id: str | None = None
    """``entity``: the entity whose state is the price."""
    markup: float = 0.0
    multiplier: float = 1.0

    def schedule(self, zone: tzinfo = UTC) -> WeekSchedule:
        """Return the rows as a schedule in ``zone``."""
        return WeekSchedule(self.rows, self.default, zone)

    @classmethod
    def from_dict(cls, data: Any) -> Price:
        """Read the stored form.

        Raises:
            TariffError: when the data is not a valid price.
        """
        if not isinstance(data, Mapping):
            raise TariffError("invalid_price", repr(data))
        try:
            mode = PriceMode(data.get("mode", PriceMode.FIXED))
        except ValueError:
            raise TariffError("invalid_mode", str(data.get("mode"))) from None
        if mode is PriceMode.FIXED:
            return cls(mode, rate=finite_number(data.get("rate", 0.0), "rate"))
        if mode is PriceMode.REGISTERS:
            return cls._registers_from_dict(data)
        if mode is PriceMode.SCHEDULE:
            rows = rows_from_json(_list(data.get("rates")), "rate")
            default = _optional(data.get("default_rate"), "default_rate")
            price = cls(mode, rows=rows, default=default)
            if not rows or not price.schedule().covers_week():
                raise TariffError("schedule_gap", "rates")
            return price
        entity_id = data.get("entity_id")
        if not isinstance(entity_id, str) or not entity_id:
            raise TariffError("invalid_entity", repr(entity_id))
        return cls(
            mode,
            entity_id=entity_id,
            markup=finite_number(data.get("markup", 0.0), "markup"),
            multiplier=finite_number(data.get("multiplier", 1.0), "multiplier"),
        )

    @classmethod
    def _registers_from_dict(cls, data: Mapping[str, Any]) -> Price:
        """Read a price per register.

        Raises:
            TariffError: for missing rates or a schedule naming unknown registers.
        """
        raw = data.get("rates")
        if not isinstance(raw, Mapping) or not raw:
            raise TariffError("invalid_registers", repr(raw))
        rates = {}
        for register, rate in raw.items():
            number = _register(register)
            rates[number] = finite_number(rate, f"rate {register}")
        rows = rows_from_json(_list(data.get("schedule", [])), "register")
        default = _optional(data.get("default_register"), "default_register")
        used = {row.value for row in rows} | (
            {default} if default is not None else set()
        )
        if any(value not in rates for value in used):
            raise TariffError("invalid_registers", "schedule")
        price = cls(
            PriceMode.REGISTERS, register_rates=rates, rows=rows, default=default
        )
        if rows and not price.schedule().covers_week():
            raise TariffError("schedule_gap", "schedule")
        return price

    def to_dict(self) -> dict[str, Any]:
        """Return the stored form."""
        if self.mode is PriceMode.FIXED:
            return {"mode": self.mode.value, "rate": self.rate}
        if self.mode is PriceMode.REGISTERS:
            result: dict[str, Any] = {
                "mode": self.mode.value,
                "rates": {
                    str(key): value for key, value in self.register_rates.items()
                },
            }
            if self.rows:
                result["schedule"] = rows_to_json(self.rows, "register")
            if self.default is not None:
                result["default_register"] = int(self.default)
            return result
        if self.mode is PriceMode.SCHEDULE:
            result = {"mode": self.mode.value, "rates": rows_to_json(self.rows)}
            if self.default is not None:
                result["default_rate"] = self.default
            return result
        return {
            "mode": self.mode.value,
            "entity_id": self.entity_id,
            "markup": self.markup,
            "multiplier": self.multiplier,
        }


@dataclass(frozen=True, slots=True)
class TariffVersion:
    """All prices and charges in effect from ``valid_from`` on."""

    valid_from: date | None = None
    valid_until: date | None = None
    """Informative: a version stays in effect until the next one starts."""
    import_price: Price = field(default_factory=Price)
    export_price: Price = field(default_factory=Price)
    gas_price: Price = field(default_factory=Price)
    standing_charge: float = 0.0
    """Fixed charges per day (standing charge, subscription, meter rent)."""
    capacity_rate: float = 0.0
    """Belgian capacity tariff: currency per kW per year (0: none)."""
    capacity_minimum: float = DEFAULT_CAPACITY_MINIMUM
    """kW: the capacity tariff is charged for at least this."""

    def price(self, direction: Direction) -> Price:
        """Return the price of ``direction``."""
        if direction is Direction.IMPORT:
            return self.import_price
        if direction is Direction.EXPORT:
            return self.export_price
        return self.gas_price

    def with_price(self, direction: Direction, price: Price) -> TariffVersion:
        """Return a copy with the price of ``direction`` replaced."""
        if direction is Direction.IMPORT:
            return replace(self, import_price=price)
        if direction is Direction.EXPORT:
            return replace(self, export_price=price)
        return replace(self, gas_price=price)

    @classmethod
    def from_dict(cls, data: Any) -> TariffVersion:
        """Read the stored form.

        Raises:
            TariffError: when the data is not a valid tariff version.
        """
        if not isinstance(data, Mapping):
            raise TariffError("invalid_version", repr(data))
        version = cls(
            valid_from=_date(data.get("valid_from")),
            valid_until=_date(data.get("valid_until")),
            import_price=Price.from_dict(data.get("import", {})),
            export_price=Price.from_dict(data.get("export", {})),
            gas_price=Price.from_dict(data.get("gas", {})),
            standing_charge=finite_number(
                data.get("standing_charge", 0.0), "standing_charge"
            ),
            capacity_rate=finite_number(
                data.get("capacity_rate", 0.0), "capacity_rate"
            ),
            capacity_minimum=finite_number(
                data.get("capacity_minimum", DEFAULT_CAPACITY_MINIMUM),
                "capacity_minimum",
            ),
        )
        if version.capacity_rate < 0 or version.capacity_minimum < 0:
            raise TariffError("invalid_rate", "capacity")
        return version

    def to_dict(self) -> dict[str, Any]:
        """Return the stored form."""
        return {
            "valid_from": isodate(self.valid_from),
            "valid_until": isodate(self.valid_until),
            "import": self.import_price.to_dict(),
            "export": self.export_price.to_dict(),
            "gas": self.gas_price.to_dict(),
            "standing_charge": self.standing_charge,
            "capacity_rate": self.capacity_rate,
            "capacity_minimum": self.capacity_minimum,
        }


def parse_tariffs(data: Any) -> tuple[TariffVersion, ...]:
    """Read the stored versions; none stored gives one free version.

    Raises:
        TariffError: for an invalid version or two starting the same day.
    """
    if data is None:
        return (TariffVersion(),)
    versions = [TariffVersion.from_dict(item) for item in _list(data)]
    starts = [version.valid_from for version in versions]
    if len(set(starts)) != len(starts):
        raise TariffError("duplicate_version", "valid_from")
    return _normalise(versions) if versions else (TariffVersion(),)


def dump_tariffs(versions: Iterable[TariffVersion]) -> list[dict[str, Any]]:
    """Return the stored form of ``versions``."""
    return [version.to_dict() for version in versions]


def version_index(versions: Sequence[TariffVersion], day: date) -> int:
    """Return the index of the version in effect on ``day``.

    Before the first version starts, the first one applies.
    """
    starts = [version.valid_from or date.min for version in versions]
    return max(bisect_right(starts, day) - 1, 0)


def start_version(
    versions: Sequence[TariffVersion], day: date
) -> tuple[tuple[TariffVersion, ...], int]:
    """Add a version from ``day`` on, a copy of the one in effect then.

    Returns:
        The versions and the index of the new one.

    Raises:
        TariffError: when a version already starts on ``day``.
    """
    if any(version.valid_from == day for version in versions):
        raise TariffError("duplicate_version", day.isoformat())
    base = versions[version_index(versions, day)]
    result = _normalise([*versions, replace(base, valid_from=day, valid_until=None)])
    return result, next(i for i, v in enumerate(result) if v.valid_from == day)


@dataclass(frozen=True, slots=True)
class ImportedTariff:
    """One tariff of a tariff file."""

    name: str
    direction: Direction
    price: Price
    currency: str | None
    valid_from: date | None
    standing_charge: float | None


_FILE_UNITS = {
    "electricity_importing_kwh": Direction.IMPORT,
    "electricity_exporting_kwh": Direction.EXPORT,
    "gas_importing_m3": Direction.GAS,
}


def parse_tariff_file(data: Any) -> list[ImportedTariff]:
    """Read a tariff file in the octopus_viz configuration format.

    ``{"tariffs": {name: {"unit", "currency", "rates": [...]}}}``; each tariff
    may also give ``valid_from``, ``default_rate`` and ``standing_charge``
    (per day), and each rate row ``weekdays``. Other top-level keys
    (``meters``) are ignored.

    Raises:
        TariffError: when the file holds no valid tariff.
    """
    tariffs = data.get("tariffs") if isinstance(data, Mapping) else None
    if not isinstance(tariffs, Mapping) or not tariffs:
        raise TariffError("invalid_file", "no tariffs")
    result = []
    for name, tariff in tariffs.items():
        if not isinstance(tariff, Mapping):
            raise TariffError("invalid_file", str(name))
        direction = _FILE_UNITS.get(str(tariff.get("unit")))
        if direction is None:
            raise TariffError("unknown_unit", f"{name}: {tariff.get('unit')}")
        price = Price.from_dict(
            {
                "mode": PriceMode.SCHEDULE,
                "rates": tariff.get("rates"),
                "default_rate": tariff.get("default_rate"),
            }
        )
        currency = tariff.get("currency")
        result.append(
            ImportedTariff(
                name=str(name),
                direction=direction,
                price=price,
                currency=None if currency is None else str(currency),
                valid_from=_date(tariff.get("valid_from")),
                standing_charge=_optional(
                    tariff.get("standing_charge"), "standing_charge"
                ),
            )
        )
    return result


def merge_imported(
    versions: Sequence[TariffVersion],
    imported: Iterable[ImportedTariff],
    *,
    valid_from: date | None,
    today: date,
) -> tuple[TariffVersion, ...]:
    """Merge tariffs from a file into the versions.

    Tariffs are grouped by their start day (``valid_from`` overrides the
    file's). Without a start day they replace the prices of the version in
    effect ``today``; with one they update the version starting that day, or
    a new one copied from the version in effect then.
    """
    result = list(versions)
    groups: dict[date | None, list[ImportedTariff]] = {}
    for item in imported:
        groups.setdefault(valid_from or item.valid_from, []).append(item)
    for day in sorted(groups, key=lambda key: key or date.min):
        if day is None:
            index = version_index(result, today)
        elif (
            index := next(
                (i for i, version in enumerate(result) if version.valid_from == day),
                -1,
            )
        ) < 0:
            grown, index = start_version(result, day)
            result = list(grown)
        version = result[index]
        for item in groups[day]:
            version = version.with_price(item.direction, item.price)
            if item.standing_charge is not None:
                version = replace(version, standing_charge=item.standing_charge)
        result[index] = version
    return _normalise(result)


def _normalise(versions: Iterable[TariffVersion]) -> tuple[TariffVersion, ...]:
    """Sort versions and end each where the next one starts."""
    ordered = sorted(versions, key=lambda version: version.valid_from or date.min)
    result = []
    for index, version in enumerate(ordered):
        if index + 1 < len(ordered):
            until = ordered[index + 1].valid_from
        elif (
            version.valid_until is not None
            and version.valid_from is not None
            and version.valid_until <= version.valid_from
        ):
            until = None
        else:
            until = version.valid_until
        result.append(replace(version, valid_until=until))
    return tuple(result)


def _list(value: Any) -> list[Any]:
    """Return ``value`` if it is a list.

    Raises:
        TariffError: otherwise.
    """
    if not isinstance(value, list):
        raise TariffError("invalid_rows", repr(value))
    return value


def _optional(value: Any, what: str) -> float | None:
    """Return ``value`` as a number, or ``None``."""
    return None if value is None else finite_number(value, what)


def _register(value: Any) -> int:
    """Return a register number (1 or more).

    Raises:
        TariffError: for anything else.
    """
    try:
        number = int(str(value))
    except ValueError:
        raise TariffError("invalid_registers", repr(value)) from None
    if number < 1:
        raise TariffError("invalid_registers", repr(value))
    return number


def _date(value: Any) -> date | None:
    """Return an ISO date, or ``None``.

    Raises:
        TariffError: for text that is not a date.
    """
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise TariffError("invalid_date", repr(value)) from None


def isodate(value: date | None) -> str | None:
    """Return an ISO date, or ``None``."""
    return None if value is None else value.isoformat()
