"""What a Fronius system reports, in the shared vocabulary.

Every measurement is keyed by a :class:`~..vocabulary.Key` in the fixed
unit of that key (energy kWh, power W, ...); a key that the device lists
with a ``null`` value maps to ``None``, a key it does not list is absent.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from pyfronius.const import INVERTER_DEVICE_TYPE

from ..vocabulary import Key

type Value = float | None
"""A measurement: a number, or ``None`` when the device reports ``null``."""


class InverterStatus(StrEnum):
    """Operating state of an inverter (Solar API ``StatusCode``)."""

    STARTUP = "startup"
    RUNNING = "running"
    STANDBY = "standby"
    BOOTLOADING = "bootloading"
    ERROR = "error"
    IDLE = "idle"
    READY = "ready"
    SLEEPING = "sleeping"


@dataclass(frozen=True, slots=True)
class LoggerInfo:
    """The Datamanager (``GetLoggerInfo``); Gen24 and Tauro have none."""

    unique_id: str
    product: str | None = None
    hardware_version: str | None = None
    software_version: str | None = None


@dataclass(frozen=True, slots=True)
class InverterInfo:
    """An inverter as ``GetInverterInfo`` lists it."""

    device_id: str
    """The inverter's number on the Solar Net (``DeviceId`` in requests)."""
    unique_id: str | None = None
    device_type: int | None = None
    custom_name: str | None = None

    @property
    def model(self) -> str | None:
        """Return the model its device type stands for (``None``: unknown)."""
        return INVERTER_DEVICE_TYPE.get(self.device_type or -1, {}).get("model")

    @property
    def manufacturer(self) -> str | None:
        """Return the maker its device type stands for (``None``: unknown)."""
        return INVERTER_DEVICE_TYPE.get(self.device_type or -1, {}).get("manufacturer")


@dataclass(frozen=True, slots=True)
class PowerFlowInverter:
    """One inverter's entry in the power flow."""

    power: Value = None
    energy_day: Value = None
    energy_year: Value = None
    energy_total: Value = None
    soc: Value = None
    battery_mode: str | None = None
    device_type: int | None = None


@dataclass(frozen=True, slots=True)
class PowerFlow:
    """The whole site's power flow (``GetPowerFlowRealtimeData``)."""

    values: Mapping[str, Value]
    """Site values the device lists: pv_power, grid_power, site_power,
    battery_power, autonomy, self_consumption."""
    inverters: Mapping[str, PowerFlowInverter] = field(default_factory=dict)
    """By device ID, in numeric order ("2" before "10")."""
    mode: str | None = None
    meter_location: str | None = None

    @property
    def battery_soc(self) -> Value:
        """Return the state of charge of the first inverter with a battery."""
        for inverter in self.inverters.values():
            mode = inverter.battery_mode
            if inverter.soc is None or mode == "disabled":
                continue
            if mode is not None or self.values.get(Key.BATTERY_POWER) is not None:
                return inverter.soc
        return None


@dataclass(frozen=True, slots=True)
class InverterReading:
    """One inverter's realtime data (``CommonInverterData``)."""

    values: Mapping[str, Value]
    """AC and DC measurements the inverter lists."""
    status: InverterStatus | None = None
    error_code: int | None = None
    energy_day: Value = None
    energy_year: Value = None
    energy_total: Value = None

    @property
    def online(self) -> bool:
        """Tell whether the inverter is awake and feeding in."""
        if self.status is not None:
            return self.status is InverterStatus.RUNNING
        return self.values.get(Key.INVERTER_POWER_AC) is not None


@dataclass(frozen=True, slots=True)
class DeviceReading:
    """A device behind the inverter or Datamanager: its identity and values."""

    device_id: str
    values: Mapping[str, Value]
    serial: str | None = None
    manufacturer: str | None = None
    model: str | None = None


@dataclass(frozen=True, slots=True)
class MeterReading(DeviceReading):
    """A smart meter (``GetMeterRealtimeData``)."""

    location: int | None = None
    """``Meter_Location_Current``: 0 grid connection, 1 consumption path,
    3 external generator, 256-511 subloads, ..."""


@dataclass(frozen=True, slots=True)
class StorageReading(DeviceReading):
    """A home battery (``GetStorageRealtimeData``)."""
