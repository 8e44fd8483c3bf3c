"""Coordinator of a Flukso meter: messages in, guarded values out.

Messages come from the meter's broker (:class:`~...lib.flukso.client.FluksoClient`)
or from Home Assistant's MQTT integration; a
:class:`~...lib.flukso.decoder.FluksoDecoder` makes sensors and readings of
them. The coordinator

* keeps the values of every sensor; a reading is dropped and counted when
  its number is implausible for its key (:class:`~...lib.readings.ReadingFilter`);
* keeps lifetime counters continuous across a counter reset or wrap
  (:class:`~...lib.flukso.continuity.CounterContinuity`) and from going to 0
  or backwards on a glitch (:class:`~...lib.counters.CounterGuard`), stored
  across restarts;
* tells only the entities of the sensor that reported (16 sensors at 1 Hz
  would otherwise wake every entity 32 times a second);
* marks a sensor unavailable after a silence longer than a few of its report
  periods, and every sensor during a broker outage (logged once).
"""

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, override

from homeassistant.components import mqtt
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from ...const import DOMAIN, LOGGER
from ...coordinator import EnergyMonitorConfigEntry
from ...lib.counters import CounterGuard
from ...lib.flukso.continuity import CounterContinuity
from ...lib.flukso.decoder import SUBSCRIPTIONS, FluksoDecoder
from ...lib.flukso.keys import scale, sensor_keys
from ...lib.flukso.model import FluksoSensor, Malformed, Reading, ReadingKind
from ...lib.readings import ReadingFilter
from ...lib.vocabulary import MAX_RATES, Key
from ...storage import CounterStore
from .const import DEFAULT_PERIOD, MIN_SILENCE, SILENCE_FACTOR, STALE_CHECK_INTERVAL


@dataclass(slots=True)
class SensorState:
    """What is known about one sensor's readings."""

    values: dict[Key, float] = field(default_factory=dict)
    last_seen: float | None = None
    period: float = DEFAULT_PERIOD
    stale: bool = False


@dataclass(frozen=True, slots=True)
class FluksoData:
    """The meter's enabled sensors (the values are in :class:`SensorState`)."""

    sensors: Mapping[str, FluksoSensor]


class FluksoCoordinator(DataUpdateCoordinator[FluksoData]):
    """Decode a meter's messages and tell the entities; see the module docstring."""

    config_entry: EnergyMonitorConfigEntry

    def __init__(self, hass: HomeAssistant, entry: EnergyMonitorConfigEntry) -> None:
        """Create the coordinator (nothing read yet)."""
        super().__init__(
            hass, LOGGER, config_entry=entry, name="Flukso meter", update_interval=None
        )
        self.decoder = FluksoDecoder(self)
        self.clock: Callable[[], float] = hass.loop.time
        """Monotonic seconds (the guard's and the silence check's clock)."""
        self.states: dict[str, SensorState] = {}
        self._readings = ReadingFilter()
        self._guard = CounterGuard(rates=MAX_RATES)
        self._continuity = CounterContinuity()
        self._store = CounterStore(
            hass,
            entry,
            {"counters": self._guard},
            extra=lambda: {"continuity": self._continuity.snapshot()},
        )
        self._sensor_listeners: dict[str, list[CALLBACK_TYPE]] = {}
        self._configured = asyncio.Event()
        self._outage = False
        self._unsubscribe: list[CALLBACK_TYPE] = []
        self.data = FluksoData({})

    async def async_load(self) -> None:
        """Seed the counters with the values published before a restart."""
        stored = await self._store.async_load(self.clock())
        self._continuity.restore(stored.get("continuity"))

    @callback
    def async_start_timers(self) -> None:
        """Check for silent sensors periodically."""
        self._unsubscribe.append(
            async_track_time_interval(
                self.hass,
                self._check_silence,
                timedelta(seconds=STALE_CHECK_INTERVAL),
                cancel_on_shutdown=True,
            )
        )

    async def async_subscribe_ha_mqtt(self) -> None:
        """Read the meter's topics through Home Assistant's MQTT integration."""

        @callback
        def received(message: mqtt.ReceiveMessage) -> None:
            payload = message.payload
            if isinstance(payload, bytes):
                self.decoder.handle(message.topic, payload)

        @callback
        def connection(connected: bool) -> None:  # noqa: FBT001 - HA's signature
            if not connected:
                self.connection_lost(ConnectionError("MQTT broker disconnected"))

        for topic in SUBSCRIPTIONS:
            self._unsubscribe.append(
                await mqtt.async_subscribe(self.hass, topic, received, encoding=None)
            )
        self._unsubscribe.append(
            mqtt.async_subscribe_connection_status(self.hass, connection)
        )

    async def async_wait_configured(self, timeout: float) -> None:
        """Wait until the meter's sensor configuration arrived.

        Raises:
            UpdateFailed: when it did not arrive within ``timeout`` seconds.
        """
        try:
            async with asyncio.timeout(timeout):
                await self._configured.wait()
        except TimeoutError:
            raise UpdateFailed(
                translation_domain=DOMAIN, translation_key="flukso_no_config"
            ) from None

    async def async_stop(self) -> None:
        """Stop the timers and subscriptions; store the counters (unload)."""
        for undo in self._unsubscribe:
            undo()
        self._unsubscribe.clear()
        await self._store.async_save()

    @override
    async def _async_update_data(self) -> FluksoData:
        """Return the latest data; a Flukso meter pushes, nothing to poll."""
        return self.data

    @callback
    def async_add_sensor_listener(
        self, sensor_id: str, update: CALLBACK_TYPE
    ) -> CALLBACK_TYPE:
        """Call ``update`` when a reading or the silence of a sensor changes."""
        listeners = self._sensor_listeners.setdefault(sensor_id, [])
        listeners.append(update)
        return lambda: listeners.remove(update)

    def available(self, sensor_id: str) -> bool:
        """Tell whether a sensor is configured, reporting and reachable."""
        state = self.states.get(sensor_id)
        return (
            self.last_update_success
            and sensor_id in self.data.sensors
            and state is not None
            and not state.stale
        )

    def value(self, sensor_id: str, key: Key) -> float | None:
        """Return a sensor's latest value of ``key``."""
        state = self.states.get(sensor_id)
        return None if state is None else state.values.get(key)

    # FluksoListener: called by the decoder.

    def sensors_changed(self, sensors: Mapping[str, FluksoSensor]) -> None:
        """Publish the new set of sensors (new ones get entities)."""
        for sensor_id in sensors:
            self.states.setdefault(sensor_id, SensorState())
        self.async_set_updated_data(FluksoData(dict(sensors)))
        if sensors:
            self._configured.set()

    def reading_received(self, reading: Reading) -> None:
        """Validate, guard and keep a reading; tell the sensor's entities."""
        if self._outage or not self.last_update_success:
            self._recovered()
        sensor = self.data.sensors.get(reading.sensor_id)
        key = None if sensor is None else sensor_keys(sensor).get(reading.kind)
        if sensor is None or key is None:
            return
        value: float | None = reading.value
        if reading.kind is ReadingKind.GAUGE:
            value = reading.value * scale(sensor)
        if not self._readings.accept(key, value):
            return
        now = self.clock()
        if reading.kind is ReadingKind.COUNTER:
            value = self._continuity.value(reading.sensor_id, reading.value)
            value = self._guard.check(reading.sensor_id, value, now, kind=key)
            self._store.async_schedule_save()
        state = self.states.setdefault(reading.sensor_id, SensorState())
        if state.last_seen is not None and reading.kind is ReadingKind.GAUGE:
            state.period = max(now - state.last_seen, 1.0)
        if value is not None:
            state.values[key] = value
        state.last_seen = now
        if state.stale:
            state.stale = False
            LOGGER.info("Flukso sensor %s reports again", sensor.name)
        self._notify(reading.sensor_id)

    def message_skipped(self, reason: Malformed) -> None:
        """Note a skipped message (counted by the decoder)."""
        LOGGER.debug("Flukso message skipped: %s", reason)

    def connection_lost(self, error: Exception) -> None:
        """Make every sensor unavailable (the coordinator logs it once)."""
        self._outage = True
        self.async_set_update_error(
            UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="flukso_connection_lost",
                translation_placeholders={"error": str(error)},
            )
        )

    def _recovered(self) -> None:
        """End an outage: readings flow again."""
        if self._outage:
            LOGGER.info("Flukso meter is reachable again")
        self._outage = False
        self.async_set_updated_data(self.data)

    @callback
    def _check_silence(self, _now: datetime) -> None:
        """Make sensors that stopped reporting unavailable."""
        now = self.clock()
        for sensor_id, state in self.states.items():
            if state.stale or state.last_seen is None:
                continue
            if now - state.last_seen > max(SILENCE_FACTOR * state.period, MIN_SILENCE):
                state.stale = True
                sensor = self.data.sensors.get(sensor_id)
                LOGGER.info(
                    "Flukso sensor %s has been silent for %.0f s",
                    sensor.name if sensor else sensor_id,
                    now - state.last_seen,
                )
                self._notify(sensor_id)

    def _notify(self, sensor_id: str) -> None:
        """Tell the entities of one sensor."""
        for update in tuple(self._sensor_listeners.get(sensor_id, ())):
            update()

    def diagnostics(self) -> dict[str, Any]:
        """Return the decoder's and the guards' health figures."""
        return {
            "flukso_meters": list(self.decoder.devices),
            "messages": self.decoder.messages,
            "skipped": dict(self.decoder.skipped),
            "values_rejected": dict(self._readings.rejected),
            "counter_glitches": self._guard.glitches + self._continuity.glitches,
            "counter_resets": self._continuity.resets,
            "sensors": [
                {
                    "sensor_id": sensor_id,
                    "name": sensor.name,
                    "type": sensor.type,
                    "subtype": sensor.subtype,
                    "port": sensor.port,
                    "port_class": sensor.port_class,
                    "values": dict(self.states[sensor_id].values)
                    if sensor_id in self.states
                    else {},
                    "stale": self.states[sensor_id].stale
                    if sensor_id in self.states
                    else None,
                }
                for sensor_id, sensor in self.data.sensors.items()
            ],
        }
