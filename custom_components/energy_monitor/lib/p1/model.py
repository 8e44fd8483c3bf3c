"""Data model of a parsed P1 telegram."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum, StrEnum


class MeterVariant(StrEnum):
    """DSMR flavours; the value is the token users see (as in HA core)."""

    DSMR_2_2 = "2.2"
    DSMR_4 = "4"
    DSMR_5 = "5"
    BELGIUM = "5B"
    LUXEMBOURG = "5L"
    SWEDEN = "5S"
    HUNGARY = "5EONHU"
    EASYMETER_Q3D = "Q3D"

    @property
    def requires_crc(self) -> bool:
        """Tell whether telegrams of this variant always end in a CRC."""
        return self not in (MeterVariant.DSMR_2_2, MeterVariant.EASYMETER_Q3D)


class SerialSettings(IntEnum):
    """Serial line settings of P1 ports (the value is the baud rate)."""

    FAST = 115200
    """115200 baud; read as 8N1 with the parity bit stripped, so 7E1 works."""
    SLOW = 9600
    """9600 baud 7E1 (DSMR 2.2 and 3.0)."""


class RejectReason(StrEnum):
    """Why a piece of the stream was not accepted as a telegram."""

    CRC_MISMATCH = "crc_mismatch"
    MISSING_CRC = "missing_crc"
    TRUNCATED = "truncated"
    FRAGMENT = "fragment"
    MALFORMED = "malformed"
    TOO_LONG = "too_long"
    ENCRYPTED = "encrypted"
    DECRYPTION_FAILED = "decryption_failed"


class MbusKind(StrEnum):
    """What an MBus device measures (EN 13757-3 device type)."""

    GAS = "gas"
    WATER = "water"
    HEAT = "heat"


@dataclass(frozen=True, slots=True)
class MbusReading:
    """The latest reading of a gas, water or heat meter behind the P1 meter."""

    channel: int
    kind: MbusKind
    equipment_id: str | None
    value: float | None
    unit: str | None
    """"m³", "kWh", "MWh" or "GJ"; ``None`` when the meter sent no valid value."""
    captured_at: datetime | None
    """When the MBus device took the reading (not when the telegram arrived)."""
    valve: str | None = None
    """The gas valve (24.4.0): a :data:`SWITCH_STATES` value, if reported."""
    breaker: str | None = None
    """The device's breaker (96.3.10): a :data:`SWITCH_STATES` value."""


SWITCH_STATES = ("disconnected", "connected", "ready_for_reconnection")
"""States of a breaker or valve, by the number the meter sends (0, 1, 2)."""


@dataclass(frozen=True, slots=True)
class PowerFailure:
    """A long power failure in the meter's event log (99.97.0)."""

    end: datetime | None
    duration_s: int


@dataclass(frozen=True, slots=True)
class PeakDemand:
    """A 15-minute peak of the Belgian capacity tariff."""

    demand_kw: float
    peak_time: datetime | None
    month_start: datetime | None = None


@dataclass(slots=True)
class P1Telegram:
    """Everything read from one telegram, in the shared vocabulary's units."""

    header: str
    variant: MeterVariant
    protocol_version: str | None
    timestamp: datetime | None
    equipment_id: str | None
    values: dict[str, float | str] = field(default_factory=dict)
    mbus: tuple[MbusReading, ...] = ()
    month_peak: PeakDemand | None = None
    peak_history: tuple[PeakDemand, ...] = ()
    power_failures: tuple[PowerFailure, ...] = ()
    """The meter's log of long power failures, as sent (newest first)."""
    skipped_lines: int = 0
    """Objects that could not be read (malformed values) and were skipped."""
