"""Turn a Flukso broker's messages into sensors and readings, whatever the transport.

:class:`FluksoDecoder` takes every message of the topics in
:data:`SUBSCRIPTIONS` (from its own MQTT connection or from Home Assistant's
MQTT integration) and tells a :class:`FluksoListener` what it means: the set
of enabled sensors changed (a retained configuration arrived or changed), a
reading arrived, or a message was skipped (counted by reason).
"""

import asyncio
from collections import Counter
from collections.abc import Mapping
import re
from typing import Protocol

from .config import ConfigError, Port, parse_names, parse_sensors
from .model import FluksoSensor, Malformed, Reading
from .payload import MalformedError, parse_reading, parse_topic

SUBSCRIPTIONS: tuple[str, ...] = (
    "/device/+/config/+",
    "/sensor/+/gauge",
    "/sensor/+/counter",
)
"""The topic filters a Flukso reader subscribes to."""

_CONFIG_TOPIC = re.compile(r"^/device/([^/]+)/config/(sensor|flx|kube)$")


class FluksoListener(Protocol):
    """Receives what a :class:`FluksoDecoder` makes of the messages."""

    def sensors_changed(self, sensors: Mapping[str, FluksoSensor]) -> None:
        """Handle the new set of enabled sensors (by sensor ID)."""

    def reading_received(self, reading: Reading) -> None:
        """Handle a valid reading of a sensor."""

    def message_skipped(self, reason: Malformed) -> None:
        """Handle a message that was not valid (counted)."""


class FluksoDecoder:
    """Decode messages; see the module docstring."""

    def __init__(self, listener: FluksoListener) -> None:
        """Start knowing no meter."""
        self._listener = listener
        self._sensor_config: dict[str, bytes] = {}
        self._ports: dict[str, dict[int, Port]] = {}
        self._by_device: dict[str, tuple[FluksoSensor, ...]] = {}
        self.sensors: dict[str, FluksoSensor] = {}
        """The enabled sensors of every meter, by sensor ID."""
        self.skipped: Counter[str] = Counter()
        """Messages skipped, by reason."""
        self.messages = 0

    @property
    def devices(self) -> tuple[str, ...]:
        """Return the IDs of the meters whose configuration arrived, sorted."""
        return tuple(sorted(self._by_device))

    def handle(self, topic: str, payload: bytes) -> None:
        """Decode one message."""
        self.messages += 1
        reading_topic = parse_topic(topic)
        if reading_topic is not None:
            sensor_id, kind = reading_topic
            if sensor_id not in self.sensors:
                return
            try:
                reading = parse_reading(sensor_id, kind, payload)
            except MalformedError as err:
                self._skip(err.reason)
                return
            self._listener.reading_received(reading)
            return
        if (match := _CONFIG_TOPIC.match(topic)) is not None:
            self._configure(match.group(1), match.group(2), payload)

    def _skip(self, reason: Malformed) -> None:
        """Count a skipped message and tell the listener."""
        self.skipped[reason] += 1
        self._listener.message_skipped(reason)

    def _configure(self, device_id: str, part: str, payload: bytes) -> None:
        """Take a configuration topic in; tell the listener if the sensors changed."""
        if not payload:
            # An empty retained message clears the topic: the meter is gone.
            if part == "sensor":
                self._sensor_config.pop(device_id, None)
            else:
                self._ports.pop(device_id, None)
        else:
            try:
                if part == "sensor":
                    parse_sensors(device_id, payload)
                    self._sensor_config[device_id] = payload
                else:
                    self._ports[device_id] = {
                        **self._ports.get(device_id, {}),
                        **parse_names(payload),
                    }
            except ConfigError:
                self._skip(Malformed.BAD_CONFIG)
                return
        self._rebuild(device_id)

    def _rebuild(self, device_id: str) -> None:
        """Re-read a meter's sensors; tell the listener when they changed."""
        payload = self._sensor_config.get(device_id)
        sensors = (
            ()
            if payload is None
            else parse_sensors(device_id, payload, self._ports.get(device_id))
        )
        if sensors == self._by_device.get(device_id, ()):
            return
        if sensors:
            self._by_device[device_id] = sensors
        else:
            self._by_device.pop(device_id, None)
        self.sensors = {
            sensor.sensor_id: sensor
            for device in sorted(self._by_device)
            for sensor in self._by_device[device]
        }
        self._listener.sensors_changed(self.sensors)


class ConfigWaiter:
    """A listener for a setup wizard: it only waits for a configuration."""

    def __init__(self) -> None:
        """Start waiting."""
        self.found = asyncio.Event()

    def sensors_changed(self, sensors: Mapping[str, FluksoSensor]) -> None:
        """Stop waiting once a meter configures a sensor."""
        if sensors:
            self.found.set()

    def reading_received(self, reading: Reading) -> None:
        """Ignore readings."""

    def message_skipped(self, reason: Malformed) -> None:
        """Ignore malformed messages."""
