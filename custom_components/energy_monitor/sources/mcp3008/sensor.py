"""Sensors of an ADC's channels: one device per channel.

A CT channel shows its RMS current, power and energy (and, with a voltage
channel, power factor and exported energy), an AC voltage channel its RMS
voltage, a linear channel its value in the unit the user chose. Units and
classes come from the vocabulary; the keys of a CT's power and energy follow
what it measures (grid, a circuit, PV).
"""

from typing import override

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
)
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.typing import StateType

from ...const import DOMAIN
from ...descriptions import describe
from ...entity import EnergyMonitorEntity
from ...lib.mcp3008.channels import Channel, LinearChannel
from ...lib.vocabulary import Key
from .coordinator import Mcp3008Coordinator, channel_keys


def channel_device_id(entry_id: str, channel: int) -> str:
    """Return the device ID of a channel (the start of its unique IDs)."""
    return f"{entry_id}_ch{channel}"


class Mcp3008Sensor(EnergyMonitorEntity[Mcp3008Coordinator], SensorEntity):
    """One value of one channel."""

    def __init__(
        self, coordinator: Mcp3008Coordinator, channel: Channel, key: Key
    ) -> None:
        """Create the sensor of ``key`` on the channel's device."""
        entry = coordinator.config_entry
        device_id = channel_device_id(entry.entry_id, channel.channel)
        description: SensorEntityDescription
        if isinstance(channel, LinearChannel):
            description = describe(
                key,
                translation_key=None,
                name=None,
                native_unit_of_measurement=channel.unit or None,
                device_class=(
                    SensorDeviceClass(channel.device_class)
                    if channel.device_class
                    else None
                ),
            )
        else:
            description = describe(key)
        super().__init__(
            coordinator,
            description,
            device_id=device_id,
            device_info=DeviceInfo(
                identifiers={(DOMAIN, device_id)},
                name=channel.name,
                manufacturer="Microchip",
                model=f"{coordinator.adc_model} channel {channel.channel}",
                via_device_id=coordinator.adc_device_id,
            ),
        )
        self._channel = channel.channel

    @property
    @override
    def available(self) -> bool:
        """Tell whether the last report has a plausible value."""
        return super().available and self.entity_description.key in (
            self.coordinator.data.get(self._channel, {})
        )

    @property
    @override
    def native_value(self) -> StateType:
        """Return the value (rounded below the channel's resolution)."""
        return self.rounded(
            self.coordinator.data.get(self._channel, {}).get(
                self.entity_description.key
            )
        )


def channel_sensors(coordinator: Mcp3008Coordinator) -> list[Mcp3008Sensor]:
    """Return the sensors of every channel."""
    channels = coordinator.channels
    return [
        Mcp3008Sensor(coordinator, channel, key)
        for channel in channels
        for key in channel_keys(channel, channels)
    ]
