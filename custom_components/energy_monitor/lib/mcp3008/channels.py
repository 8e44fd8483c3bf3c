"""What each ADC channel measures, as stored in the entry's options.

A channel is a CT clamp (``ct_current``: RMS current, power, energy), an
AC-AC adapter (``ac_voltage``: RMS voltage, and real power with a CT paired
to it) or a DC sensor (``linear``: ``offset + gain * volts``). The stored
dict's keys are the dataclass fields; unknown keys are ignored, so a newer
version's settings never break loading.
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any


class ChannelKind(StrEnum):
    """Kinds of channel (stored: never change a value)."""

    CT_CURRENT = "ct_current"
    AC_VOLTAGE = "ac_voltage"
    LINEAR = "linear"


class CtType(StrEnum):
    """How a CT presents its current to the ADC."""

    CURRENT_OUTPUT = "current_output"
    """A current transformer with a burden resistor (``turns`` : 1)."""
    VOLTAGE_OUTPUT = "voltage_output"
    """A CT with a built-in burden, rated in volts at a current (SCT-013-030)."""


class Role(StrEnum):
    """What a CT measures: picks the keys of its power and energy."""

    GRID = "grid"
    CIRCUIT = "circuit"
    PV = "pv"


@dataclass(frozen=True, kw_only=True, slots=True)
class CtChannel:
    """A CT clamp on a circuit."""

    channel: int
    name: str
    role: Role = Role.CIRCUIT
    ct_type: CtType = CtType.VOLTAGE_OUTPUT
    burden_ohm: float = 22.0
    turns: float = 2000.0
    rated_current: float = 30.0
    rated_voltage: float = 1.0
    frequency: float = 50.0
    nominal_voltage: float = 230.0
    power_factor: float = 1.0
    voltage_channel: int | None = None
    noise_floor: float = 0.05
    """Amps below which the current is shown as 0 (the input's noise)."""
    phase_deg: float = 0.0
    """Phase correction of the paired voltage, degrees (emonlib's PHASECAL)."""
    gain: float = 1.0
    """Calibration factor on the current."""

    @property
    def amps_per_volt(self) -> float:
        """Return the amps on the cable per AC volt at the ADC input."""
        if self.ct_type is CtType.CURRENT_OUTPUT:
            scale = self.turns / self.burden_ohm
        else:
            scale = self.rated_current / self.rated_voltage
        return scale * self.gain


@dataclass(frozen=True, kw_only=True, slots=True)
class AcVoltageChannel:
    """An AC-AC adapter (through a divider) on the mains."""

    channel: int
    name: str
    ratio: float = 100.0
    """Mains volts per volt at the ADC input."""
    frequency: float = 50.0
    gain: float = 1.0


@dataclass(frozen=True, kw_only=True, slots=True)
class LinearChannel:
    """A DC sensor: ``offset + gain * volts``."""

    channel: int
    name: str
    offset: float = 0.0
    gain: float = 1.0
    unit: str | None = None
    device_class: str | None = None


type Channel = CtChannel | AcVoltageChannel | LinearChannel

_CLASSES: dict[ChannelKind, type[CtChannel | AcVoltageChannel | LinearChannel]] = {
    ChannelKind.CT_CURRENT: CtChannel,
    ChannelKind.AC_VOLTAGE: AcVoltageChannel,
    ChannelKind.LINEAR: LinearChannel,
}
KIND = "kind"
"""The stored dict's key of the channel's kind."""


def kind_of(channel: Channel) -> ChannelKind:
    """Return the kind of a channel."""
    return next(kind for kind, cls in _CLASSES.items() if isinstance(channel, cls))


def channel_from_dict(data: Mapping[str, Any]) -> Channel:
    """Return the channel a stored dict describes.

    Raises:
        ValueError: when the kind is unknown or a setting is missing.
    """
    cls = _CLASSES[ChannelKind(data[KIND])]
    names = {field.name for field in fields(cls)}
    values = {key: value for key, value in data.items() if key in names}
    if cls is CtChannel:
        values["role"] = Role(values.get("role", Role.CIRCUIT))
        values["ct_type"] = CtType(values.get("ct_type", CtType.VOLTAGE_OUTPUT))
    try:
        return cls(**values)
    except TypeError as err:
        raise ValueError(str(err)) from err


def channel_to_dict(channel: Channel) -> dict[str, Any]:
    """Return the dict stored for a channel."""
    stored: dict[str, Any] = {KIND: kind_of(channel).value}
    for field in fields(channel):
        value = getattr(channel, field.name)
        stored[field.name] = value.value if isinstance(value, StrEnum) else value
    return stored
