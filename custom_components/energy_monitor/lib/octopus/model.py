"""What an Octopus account holds: meter points, agreements, rates, intervals.

Times are aware UTC datetimes; money is in the account's currency (pounds,
not the API's pence), VAT included.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Fuel(StrEnum):
    """What a meter point meters."""

    ELECTRICITY = "electricity"
    GAS = "gas"


class Flow(StrEnum):
    """Which way the metered energy goes (also the statistics' suffix)."""

    IMPORT = "import"
    EXPORT = "export"
    GAS = "gas"


@dataclass(frozen=True, slots=True)
class Agreement:
    """A tariff in force from ``valid_from`` until ``valid_to`` (None: open)."""

    tariff_code: str
    valid_from: datetime
    valid_to: datetime | None

    def covers(self, moment: datetime) -> bool:
        """Tell whether the agreement is in force at ``moment``."""
        return self.valid_from <= moment and (
            self.valid_to is None or moment < self.valid_to
        )

    @property
    def product_code(self) -> str:
        """Return the product of the tariff (see :func:`product_code`)."""
        return product_code(self.tariff_code)

    @property
    def dual_register(self) -> bool:
        """Tell whether the tariff has day and night registers (``E-2R-...``)."""
        return self.tariff_code.split("-")[1:2] == ["2R"]


@dataclass(frozen=True, slots=True)
class MeterPoint:
    """An electricity MPAN or a gas MPRN with its meters and agreements."""

    fuel: Fuel
    identifier: str
    """The MPAN (electricity) or MPRN (gas)."""
    serials: tuple[str, ...]
    agreements: tuple[Agreement, ...]
    is_export: bool = False

    @property
    def flow(self) -> Flow:
        """Return what the meter point meters: import, export or gas."""
        if self.fuel is Fuel.GAS:
            return Flow.GAS
        return Flow.EXPORT if self.is_export else Flow.IMPORT

    @property
    def key(self) -> str:
        """Return ``<mpan or mprn>_<flow>``: the meter point's ID in statistics."""
        return f"{self.identifier}_{self.flow}"

    def agreement_at(self, moment: datetime) -> Agreement | None:
        """Return the agreement in force at ``moment``, if any."""
        return next((a for a in self.agreements if a.covers(moment)), None)


@dataclass(frozen=True, slots=True)
class Account:
    """An account's meter points (of every property)."""

    number: str
    meter_points: tuple[MeterPoint, ...]


@dataclass(frozen=True, slots=True)
class Rate:
    """A price from ``start`` until ``end`` (None: until further notice)."""

    start: datetime
    end: datetime | None
    price: float
    """Pounds (the account's currency), VAT included, per kWh or per day."""


@dataclass(frozen=True, slots=True)
class Interval:
    """Energy metered from ``start`` to ``end`` (a half hour)."""

    start: datetime
    end: datetime
    consumption: float
    """kWh, or m³ for a SMETS2 gas meter."""


def product_code(tariff_code: str) -> str:
    """Return the product code of a tariff code (the parts between type and region).

    ``E-1R-AGILE-24-10-01-C`` -> ``AGILE-24-10-01``; ``G-1R-VAR-22-11-01-A`` ->
    ``VAR-22-11-01``. A code without that anatomy is returned as it is.
    """
    parts = tariff_code.split("-")
    if len(parts) < 4 or parts[0] not in {"E", "G"}:  # noqa: PLR2004
        return tariff_code
    return "-".join(parts[2:-1])


def clip_agreements(
    agreements: Iterable[Agreement], start: datetime, end: datetime
) -> Sequence[tuple[Agreement, datetime, datetime]]:
    """Return the agreements overlapping ``[start, end)``, with the overlap."""
    found = []
    for agreement in sorted(agreements, key=lambda a: a.valid_from):
        lower = max(agreement.valid_from, start)
        upper = end if agreement.valid_to is None else min(agreement.valid_to, end)
        if lower < upper:
            found.append((agreement, lower, upper))
    return found
