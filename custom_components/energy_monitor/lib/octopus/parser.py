"""Octopus API payloads to model objects (raises on anything undocumented)."""

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
import math
from typing import Any

from .model import Account, Agreement, Fuel, Interval, MeterPoint, Rate

PENCE = 100.0
"""The API's prices are in pence."""


def parse_time(value: Any) -> datetime:
    """Return an ISO 8601 time with a zone as aware UTC.

    Raises:
        ValueError: when it is not one (a time without a zone is ambiguous).
    """
    if not isinstance(value, str):
        raise TypeError(f"not a time: {value!r}")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"time without a zone: {value!r}")
    return moment.astimezone(UTC)


def _optional_time(value: Any) -> datetime | None:
    """Return a time, or None for an open end."""
    return None if value is None else parse_time(value)


def _number(value: Any) -> float:
    """Return a finite number.

    Raises:
        ValueError: when it is not one.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"not a number: {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"not finite: {value!r}")
    return float(value)


def _agreements(rows: Iterable[Mapping[str, Any]]) -> tuple[Agreement, ...]:
    """Return agreements, oldest first."""
    agreements = [
        Agreement(
            tariff_code=str(row["tariff_code"]),
            valid_from=parse_time(row["valid_from"]),
            valid_to=_optional_time(row.get("valid_to")),
        )
        for row in rows
    ]
    return tuple(sorted(agreements, key=lambda a: a.valid_from))


def parse_account(data: Mapping[str, Any]) -> Account:
    """Return the meter points of every property of an account payload."""
    points: list[MeterPoint] = []
    for prop in data["properties"]:
        if prop.get("moved_out_at"):
            continue
        points.extend(
            MeterPoint(
                fuel=Fuel.ELECTRICITY,
                identifier=str(point["mpan"]),
                serials=tuple(str(meter["serial_number"]) for meter in point["meters"]),
                agreements=_agreements(point["agreements"]),
                is_export=bool(point.get("is_export", False)),
            )
            for point in prop.get("electricity_meter_points", ())
        )
        points.extend(
            MeterPoint(
                fuel=Fuel.GAS,
                identifier=str(point["mprn"]),
                serials=tuple(str(meter["serial_number"]) for meter in point["meters"]),
                agreements=_agreements(point["agreements"]),
            )
            for point in prop.get("gas_meter_points", ())
        )
    return Account(number=str(data["number"]), meter_points=tuple(points))


def parse_rates(rows: Iterable[Mapping[str, Any]]) -> list[Rate]:
    """Return rates in pounds (VAT included), oldest first.

    Rates for another payment method than direct debit are left out where
    the API lists both.
    """
    rows = list(rows)
    methods = {row.get("payment_method") for row in rows}
    rates = [
        Rate(
            start=parse_time(row["valid_from"]),
            end=_optional_time(row.get("valid_to")),
            price=_number(row["value_inc_vat"]) / PENCE,
        )
        for row in rows
        if len(methods) == 1 or row.get("payment_method") in {None, "DIRECT_DEBIT"}
    ]
    return sorted(rates, key=lambda rate: rate.start)


def parse_intervals(rows: Iterable[Mapping[str, Any]]) -> list[Interval]:
    """Return half hours, oldest first (one per start: the last answer wins)."""
    intervals = {
        interval.start: interval
        for interval in (
            Interval(
                start=parse_time(row["interval_start"]),
                end=parse_time(row["interval_end"]),
                consumption=_number(row["consumption"]),
            )
            for row in rows
        )
    }
    return [intervals[start] for start in sorted(intervals)]
