"""The forms of a channel, shared by the wizard and the options.

One form per kind of channel (CT, AC voltage, linear), offering the inputs
not taken by another channel. An AC channel (CT or voltage) must show a
signal before it is saved: one that reads a constant 0 or full scale is not
connected, or its bias is missing ("check the wiring").
"""

from collections.abc import Mapping
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.core import HomeAssistant
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)
import probatio as vol

from ...lib.mcp3008.channels import (
    KIND,
    AcVoltageChannel,
    Channel,
    ChannelKind,
    CtChannel,
    CtType,
    LinearChannel,
    Role,
    channel_from_dict,
    channel_to_dict,
)
from ...lib.mcp3008.chip import CHANNELS
from ...selectors import number_box
from .connection import AdcUnusableError, channel_stuck, spi_io

CHANNEL = "channel"
NAME = "name"
VOLTAGE_CHANNEL = "voltage_channel"

LINEAR_DEVICE_CLASSES = (
    SensorDeviceClass.CURRENT,
    SensorDeviceClass.DISTANCE,
    SensorDeviceClass.HUMIDITY,
    SensorDeviceClass.ILLUMINANCE,
    SensorDeviceClass.IRRADIANCE,
    SensorDeviceClass.MOISTURE,
    SensorDeviceClass.POWER,
    SensorDeviceClass.PRESSURE,
    SensorDeviceClass.TEMPERATURE,
    SensorDeviceClass.VOLTAGE,
    SensorDeviceClass.VOLUME_FLOW_RATE,
)
"""What a DC sensor may measure (instantaneous quantities only)."""

_DEFAULT_NAMES = {
    ChannelKind.CT_CURRENT: "CT",
    ChannelKind.AC_VOLTAGE: "Mains voltage",
    ChannelKind.LINEAR: "Sensor",
}


def _dropdown(options: list[str], translation_key: str | None = None) -> SelectSelector:
    """Return a dropdown of ``options``."""
    config = SelectSelectorConfig(options=options, mode=SelectSelectorMode.DROPDOWN)
    if translation_key is not None:
        config["translation_key"] = translation_key
    return SelectSelector(config)


def free_inputs(channels: list[Channel], editing: int | None = None) -> list[int]:
    """Return the inputs no channel uses (and the one being edited)."""
    used = {channel.channel for channel in channels} - {editing}
    return [number for number in range(CHANNELS) if number not in used]


def channel_schema(
    kind: ChannelKind, channels: list[Channel], editing: int | None = None
) -> vol.Schema:
    """Return the form of a channel of ``kind``."""
    fields: dict[vol.Marker, Any] = {
        vol.Required(CHANNEL): _dropdown(
            [str(n) for n in free_inputs(channels, editing)]
        ),
        vol.Required(NAME): TextSelector(),
    }
    if kind is ChannelKind.CT_CURRENT:
        voltages = [str(c.channel) for c in channels if isinstance(c, AcVoltageChannel)]
        ct_fields: dict[vol.Marker, Any] = {
            vol.Required("role"): _dropdown([r.value for r in Role], "mcp3008_role"),
            vol.Required("ct_type"): _dropdown(
                [t.value for t in CtType], "mcp3008_ct_type"
            ),
            vol.Required("rated_current"): number_box("A", minimum=0.1),
            vol.Required("rated_voltage"): number_box("V", minimum=0.01),
            vol.Required("turns"): number_box(minimum=1),
            vol.Required("burden_ohm"): number_box("Ω", minimum=0.1),
            vol.Required("frequency"): _dropdown(["50", "60"]),
            vol.Required("nominal_voltage"): number_box("V", minimum=1, maximum=500),
            vol.Required("power_factor"): number_box(minimum=0, maximum=1),
            **(
                {vol.Optional(VOLTAGE_CHANNEL): _dropdown(voltages)} if voltages else {}
            ),
            vol.Required("phase_deg"): number_box("°", minimum=-30, maximum=30),
            vol.Required("noise_floor"): number_box("A", minimum=0),
            vol.Required("gain"): number_box(minimum=0.01, maximum=100),
        }
        fields |= ct_fields
    elif kind is ChannelKind.AC_VOLTAGE:
        fields |= {
            vol.Required("ratio"): number_box(minimum=0.1),
            vol.Required("frequency"): _dropdown(["50", "60"]),
        }
    else:
        fields |= {
            vol.Required("offset"): number_box(),
            vol.Required("gain"): number_box(),
            vol.Optional("unit"): TextSelector(),
            vol.Optional("device_class"): _dropdown(
                [d.value for d in LINEAR_DEVICE_CLASSES]
            ),
        }
    return vol.Schema(fields)


def suggested(
    kind: ChannelKind, channel: Channel | None, free: list[int]
) -> dict[str, Any]:
    """Return the form's suggested values: the channel's, or the defaults."""
    if channel is None:
        cls = {
            ChannelKind.CT_CURRENT: CtChannel,
            ChannelKind.AC_VOLTAGE: AcVoltageChannel,
            ChannelKind.LINEAR: LinearChannel,
        }[kind]
        channel = cls(channel=free[0] if free else 0, name=_DEFAULT_NAMES[kind])
    values = {k: v for k, v in channel_to_dict(channel).items() if v is not None}
    values[CHANNEL] = str(channel.channel)
    for key in ("frequency", VOLTAGE_CHANNEL):
        if key in values:
            values[key] = str(int(values[key]))
    return values


def channel_from_input(kind: ChannelKind, user_input: Mapping[str, Any]) -> Channel:
    """Return the channel a submitted form describes."""
    data: dict[str, Any] = {**user_input, KIND: kind.value}
    data[CHANNEL] = int(data[CHANNEL])
    if "frequency" in data:
        data["frequency"] = float(data["frequency"])
    if VOLTAGE_CHANNEL in data:
        data[VOLTAGE_CHANNEL] = int(data[VOLTAGE_CHANNEL])
    return channel_from_dict(data)


async def async_channel_ok(
    hass: HomeAssistant,
    entry_data: Mapping[str, Any],
    channel: Channel,
    errors: dict[str, str],
    placeholders: dict[str, str],
) -> bool:
    """Tell whether a channel shows a signal; else fill the form's error.

    ``placeholders["devices"]`` gets the detail of an SPI error.
    """
    if isinstance(channel, LinearChannel):
        return True
    try:
        stuck = await hass.async_add_executor_job(
            channel_stuck, spi_io(hass), entry_data, channel.channel
        )
    except AdcUnusableError as err:
        errors["base"] = err.reason.value
        placeholders["devices"] = err.detail or "-"
        return False
    if stuck:
        errors["base"] = "check_wiring"
    return not stuck
