"""The write policy through Home Assistant: which updates become state changes.

A sensor on the shared path (:class:`EnergyMonitorEntity`, described with
``describe``) gets one update a second on the frozen clock; the state changes
Home Assistant records (the recorder's rows) are what the policy allows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, override

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.sensor import SensorEntity
from homeassistant.const import EVENT_HOMEASSISTANT_STOP, STATE_UNAVAILABLE
from homeassistant.core import EVENT_STATE_CHANGED, Event, HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.typing import StateType
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockEntityPlatform,
    async_fire_time_changed,
)

from custom_components.energy_monitor.const import DOMAIN, LOGGER
from custom_components.energy_monitor.descriptions import describe
from custom_components.energy_monitor.entity import EnergyMonitorEntity
from custom_components.energy_monitor.lib.vocabulary import Key

type Values = dict[str, float]
START = datetime(2026, 11, 20, 12, 58, 0, tzinfo=dt_util.UTC)


class Sensor(EnergyMonitorEntity[DataUpdateCoordinator[Values]], SensorEntity):
    """A sensor of the shared path showing ``data[key]``."""

    @property
    @override
    def native_value(self) -> StateType | datetime:
        """Return the value, without float noise (a time: from epoch seconds)."""
        value = self.coordinator.data[self.entity_description.key]
        if self.entity_description.key == Key.LAST_TELEGRAM:
            return datetime.fromtimestamp(value, dt_util.UTC)
        return self.rounded(value)


@dataclass
class Written:
    """A state change: when, and what."""

    at: datetime
    state: str


@dataclass
class Meter:
    """A coordinator with one sensor per key, and the states it wrote."""

    coordinator: DataUpdateCoordinator[Values]
    writes: dict[str, list[Written]]

    def states(self, key: Key) -> list[str]:
        """Return the states written for ``key``."""
        return [written.state for written in self.writes[key]]

    def times(self, key: Key) -> list[datetime]:
        """Return when states were written for ``key``."""
        return [written.at for written in self.writes[key]]


async def set_up(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    first: Values,
) -> Meter:
    """Add a sensor per key of ``first`` at START; record what they write."""
    freezer.move_to(START)
    entry = MockConfigEntry(domain=DOMAIN)
    entry.add_to_hass(hass)
    coordinator: DataUpdateCoordinator[Values] = DataUpdateCoordinator(
        hass, LOGGER, config_entry=entry, name="meter", update_interval=None
    )
    coordinator.async_set_updated_data(first)
    device = DeviceInfo(identifiers={(DOMAIN, "meter")})
    sensors = [
        Sensor(coordinator, describe(Key(key)), device_id="meter", device_info=device)
        for key in first
    ]
    by_entity = {f"sensor.{key}": key for key in first}
    writes: dict[str, list[Written]] = {key: [] for key in first}

    @callback
    def changed(event: Event[Any]) -> None:
        if (key := by_entity.get(event.data["entity_id"])) is not None:
            state = event.data["new_state"]
            writes[key].append(Written(state.last_updated, state.state))

    hass.bus.async_listen(EVENT_STATE_CHANGED, changed)
    for sensor, key in zip(sensors, first, strict=True):
        sensor.entity_id = f"sensor.{key}"
    platform = MockEntityPlatform(hass, domain="sensor", platform_name=DOMAIN)
    await platform.async_add_entities(sensors)

    async def remove(_event: Event[Any]) -> None:
        await platform.async_reset()  # with the sensors' scheduled writes

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, remove)
    await hass.async_block_till_done()
    for key in first:
        writes[key].clear()  # the state written when added
    return Meter(coordinator, writes)


async def every_second(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    meter: Meter,
    seconds: int,
    values: Callable[[int], Values],
) -> None:
    """Publish ``values(n)`` at each of the next ``seconds`` seconds."""
    for second in range(1, seconds + 1):
        freezer.tick(timedelta(seconds=1))
        async_fire_time_changed(hass)
        meter.coordinator.async_set_updated_data(values(second))
        await hass.async_block_till_done()


async def test_counter_writes_once_a_minute_and_on_the_hour(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A counter moving 1 Wh a second: a state a minute, one at 13:00 sharp."""
    start = 1000.0
    meter = await set_up(hass, freezer, {Key.GRID_ELEC_IMPORT: start})
    await every_second(
        hass,
        freezer,
        meter,
        4 * 60,  # 12:58:00 to 13:02:00
        lambda n: {Key.GRID_ELEC_IMPORT: start + n / 1000},
    )
    times = meter.times(Key.GRID_ELEC_IMPORT)
    # The first change at once, then the latest value as each minute starts.
    assert times == [
        START + timedelta(seconds=1),
        *(START.replace(minute=59) + timedelta(minutes=n) for n in range(4)),
    ]
    assert START.replace(hour=13, minute=0) in times
    # On the hour: the reading of 12:59:59, the last one of the hour.
    assert meter.states(Key.GRID_ELEC_IMPORT) == [
        "1000.001",
        "1000.059",
        "1000.119",
        "1000.179",
        "1000.239",
    ]


async def test_held_counter_change_is_written_when_the_minute_ends(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A change held back is written at the minute's end, with no update."""
    meter = await set_up(hass, freezer, {Key.GRID_ELEC_IMPORT: 5.0})
    await every_second(
        hass, freezer, meter, 2, lambda n: {Key.GRID_ELEC_IMPORT: 5.0 + n}
    )
    assert meter.states(Key.GRID_ELEC_IMPORT) == ["6.0"]
    freezer.move_to(START + timedelta(minutes=1))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert meter.states(Key.GRID_ELEC_IMPORT) == ["6.0", "7.0"]
    assert meter.times(Key.GRID_ELEC_IMPORT)[-1] == START + timedelta(minutes=1)


async def test_voltage_wobble_writes_after_the_maximum_silence(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """±0.1 V: written only after 5 minutes of silence; a bigger step at once."""
    meter = await set_up(hass, freezer, {Key.VOLTAGE_L1: 230.0})
    await every_second(
        hass,
        freezer,
        meter,
        10 * 60 + 1,
        lambda n: {Key.VOLTAGE_L1: 230.0 + (0.1 if n % 2 else -0.1)},
    )
    # 13:03:00 (229.9); at 13:08:00 it reads 229.9 again, nothing to write.
    assert meter.times(Key.VOLTAGE_L1) == [
        START + timedelta(minutes=5),
        START + timedelta(minutes=10, seconds=1),
    ]
    assert meter.states(Key.VOLTAGE_L1) == ["229.9", "230.1"]
    await every_second(hass, freezer, meter, 1, lambda _: {Key.VOLTAGE_L1: 231.2})
    assert meter.states(Key.VOLTAGE_L1)[-1] == "231.2"
    assert meter.times(Key.VOLTAGE_L1)[-1] == START + timedelta(minutes=10, seconds=2)


async def test_power_writes_at_every_update(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """Live power: every update is written (unchanged ones refresh it)."""
    meter = await set_up(hass, freezer, {Key.GRID_POWER: 0.0})
    await every_second(
        hass, freezer, meter, 30, lambda n: {Key.GRID_POWER: 100.0 + n * 5}
    )
    assert meter.times(Key.GRID_POWER) == [
        START + timedelta(seconds=n) for n in range(1, 31)
    ]
    state = hass.states.get("sensor.grid_power")
    assert state is not None
    reported = state.last_reported
    await every_second(hass, freezer, meter, 1, lambda _: {Key.GRID_POWER: 250.0})
    assert state.last_reported > reported


async def test_last_seen_time_writes_every_five_minutes(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A timestamp that changes with every update: once per 5 minutes."""
    first = {Key.LAST_TELEGRAM: START.timestamp()}
    meter = await set_up(hass, freezer, first)
    await every_second(
        hass,
        freezer,
        meter,
        10 * 60,
        lambda n: {Key.LAST_TELEGRAM: START.timestamp() + n},
    )
    assert len(meter.times(Key.LAST_TELEGRAM)) <= 3


@pytest.mark.parametrize(
    "key", [Key.GRID_ELEC_IMPORT, Key.VOLTAGE_L1, Key.LAST_TELEGRAM]
)
async def test_unavailable_at_once_whatever_the_policy(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, key: Key
) -> None:
    """Availability is never held back: an outage shows at once."""
    meter = await set_up(hass, freezer, {key: 1.0})
    await every_second(hass, freezer, meter, 1, lambda _: {key: 2.0})
    meter.coordinator.async_set_update_error(RuntimeError("gone"))
    await hass.async_block_till_done()
    assert meter.states(key)[-1] == STATE_UNAVAILABLE
