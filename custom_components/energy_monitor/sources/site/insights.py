"""The energy site's insights: opengrid's daily analyses as sensors.

From a power entity (the site's grid power, or one the user picks in the
options): standby power, its share, load factor and peaks; from an outdoor
temperature entity: heating degree days, and with the site's gas meter the gas
per degree day. Each sensor shows the last whole local day (its ``day``
attribute); HA's statistics of it are the trend. The states of the day are
integrated into minute means as they come (``lib/insights/day``); a day with
too little data shows unknown rather than a made-up figure.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, override

from homeassistant.components.sensor import RestoreSensor, SensorEntityDescription
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import UnitOfTemperature
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.event import (
    async_track_point_in_time,
    async_track_state_change_event,
)
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import TemperatureConverter

from ...descriptions import describe
from ...lib.insights.analyses import degree_days, temperature_equivalent
from ...lib.insights.day import DayProfile, daily_mean, power_figures
from ...lib.vocabulary import Key
from ...states import state_in_unit
from .const import (
    CONF_GAS,
    CONF_GRID_POWER,
    CONF_HEATING_BASE,
    CONF_INSIGHT_POWER,
    CONF_INSIGHT_TEMPERATURE,
    DEFAULT_HEATING_BASE,
)
from .inputs import gas_m3, power_w

POWER_KEYS = (
    Key.SITE_STANDBY_POWER,
    Key.SITE_STANDBY_SHARE,
    Key.SITE_LOAD_FACTOR,
    Key.SITE_PEAKS,
)
INSIGHT_SENSORS: dict[Key, SensorEntityDescription] = {
    key: describe(key)
    for key in (*POWER_KEYS, Key.HEATING_DEGREE_DAYS, Key.GAS_PER_DEGREE_DAY)
}
MIN_DEGREE_DAYS = 0.5
"""Below this a day's gas per degree day says nothing (division by ~0)."""
ATTR_DAY = "day"
ATTR_TEMPERATURES = "daily_mean_temperatures"


def _celsius(state: State | None) -> float | None:
    """Return a temperature state in °C."""
    return state_in_unit(state, TemperatureConverter, UnitOfTemperature.CELSIUS)


class InsightTracker:
    """Follow the insight inputs through the day; publish at local midnight."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Read the inputs from the entry's data and options."""
        self.hass = hass
        options = entry.options
        self.power: str | None = options.get(CONF_INSIGHT_POWER) or entry.data.get(
            CONF_GRID_POWER
        )
        self.temperature: str | None = options.get(CONF_INSIGHT_TEMPERATURE)
        self.gas: str | None = entry.data.get(CONF_GAS) if self.temperature else None
        self.base: float = options.get(CONF_HEATING_BASE, DEFAULT_HEATING_BASE)
        self.values: dict[Key, float | None] = {}
        self.attributes: dict[Key, dict[str, Any]] = {}
        self.temperatures: list[float | None] = []
        """Daily mean temperatures of the last days (oldest first)."""
        self._profiles: dict[str, DayProfile] = {}
        self._gas_start: float | None = None
        self._listeners: list[Callable[[], None]] = []
        self._unsubscribe: CALLBACK_TYPE | None = None
        self._midnight: CALLBACK_TYPE | None = None

    @property
    def keys(self) -> tuple[Key, ...]:
        """The insights this site has."""
        keys: tuple[Key, ...] = POWER_KEYS if self.power else ()
        if self.temperature:
            keys += (Key.HEATING_DEGREE_DAYS,)
        if self.gas:
            keys += (Key.GAS_PER_DEGREE_DAY,)
        return keys

    @callback
    def async_listen(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` when new figures are published."""
        self._listeners.append(listener)

    @callback
    def async_start(self) -> None:
        """Start today's profiles and follow the inputs."""
        entities = [e for e in (self.power, self.temperature) if e is not None]
        if not entities:
            return
        self._new_day(dt_util.now())
        self._unsubscribe = async_track_state_change_event(
            self.hass, entities, self._on_state
        )

    @callback
    def async_stop(self) -> None:
        """Stop following the inputs."""
        for unsubscribe in (self._unsubscribe, self._midnight):
            if unsubscribe is not None:
                unsubscribe()
        self._unsubscribe = self._midnight = None

    def _new_day(self, now: datetime) -> None:
        """Start the profiles of the local day of ``now``; schedule its end."""
        start = dt_util.start_of_local_day(now)
        end = dt_util.start_of_local_day(start + timedelta(hours=26))
        moment = now.timestamp()
        for entity_id in (self.power, self.temperature):
            if entity_id is not None:
                profile = DayProfile(start, end)
                profile.set(moment, self._number(entity_id))
                self._profiles[entity_id] = profile
        self._gas_start = gas_m3(self.hass.states.get(self.gas)) if self.gas else None
        self._midnight = async_track_point_in_time(self.hass, self._on_midnight, end)

    def _number(self, entity_id: str) -> float | None:
        """Return an input's current value (W or °C), None if unknown."""
        state = self.hass.states.get(entity_id)
        return power_w(state) if entity_id == self.power else _celsius(state)

    @callback
    def _on_state(self, event: Event[EventStateChangedData]) -> None:
        """Add an input's new state to today's profile."""
        entity_id = event.data["entity_id"]
        if (profile := self._profiles.get(entity_id)) is not None:
            state = event.data["new_state"]
            value = power_w(state) if entity_id == self.power else _celsius(state)
            profile.set(event.time_fired_timestamp, value)

    @callback
    def _on_midnight(self, now: datetime) -> None:
        """Close the day, publish its figures and start the next one."""
        moment = now.timestamp()
        day = None
        if self.power and (profile := self._profiles.get(self.power)):
            day = profile.start.date().isoformat()
            self._publish_power(profile.close(moment), day)
        if self.temperature and (profile := self._profiles.get(self.temperature)):
            day = profile.start.date().isoformat()
            self._publish_degree_days(daily_mean(profile.close(moment)), day)
        self._new_day(now)
        for listener in self._listeners:
            listener()

    def _publish_power(self, minutes: list[Any], day: str) -> None:
        """Set the power insights of the day that ended."""
        figures = power_figures(minutes)
        self.values.update(
            dict.fromkeys(POWER_KEYS)
            if figures is None
            else {
                Key.SITE_STANDBY_POWER: round(figures.standby, 1),
                Key.SITE_STANDBY_SHARE: round(figures.share_of_standby, 1),
                Key.SITE_LOAD_FACTOR: round(figures.load_factor, 1),
                Key.SITE_PEAKS: figures.peaks,
            }
        )
        for key in POWER_KEYS:
            self.attributes[key] = {ATTR_DAY: day}
        if figures is not None:
            self.attributes[Key.SITE_STANDBY_POWER] |= {
                "standby_01_06": round(figures.standby_night, 1),
                "day_energy": round(figures.energy, 3),
            }

    def _publish_degree_days(self, mean: float | None, day: str) -> None:
        """Set the degree days (and gas per degree day) of the day that ended."""
        self.temperatures = [*self.temperatures[-2:], mean]
        hdd = None
        if len(self.temperatures) == 3 and None not in self.temperatures:  # noqa: PLR2004
            equivalent = temperature_equivalent(self.temperatures)[-1]  # type: ignore[arg-type]
            hdd = round(degree_days(equivalent, self.base), 2)
        self.values[Key.HEATING_DEGREE_DAYS] = hdd
        self.attributes[Key.HEATING_DEGREE_DAYS] = {
            ATTR_DAY: day,
            "base_temperature": self.base,
            ATTR_TEMPERATURES: [
                None if value is None else round(value, 2)
                for value in self.temperatures
            ],
        }
        if not self.gas:
            return
        end = gas_m3(self.hass.states.get(self.gas))
        used = None if end is None or self._gas_start is None else end - self._gas_start
        self.values[Key.GAS_PER_DEGREE_DAY] = (
            round(used / hdd, 4)
            if used is not None and used >= 0 and hdd and hdd >= MIN_DEGREE_DAYS
            else None
        )
        self.attributes[Key.GAS_PER_DEGREE_DAY] = {ATTR_DAY: day, "gas_used": used}

    @callback
    def restore(
        self, key: Key, value: float | None, attributes: dict[str, Any]
    ) -> None:
        """Take a sensor's last figure (and the recent temperatures) back."""
        self.values.setdefault(key, value)
        self.attributes.setdefault(key, attributes)
        if key is Key.HEATING_DEGREE_DAYS and not self.temperatures:
            stored = attributes.get(ATTR_TEMPERATURES) or []
            self.temperatures = [
                float(item) if isinstance(item, int | float) else None
                for item in stored[-3:]
            ]


class InsightSensor(RestoreSensor):
    """One insight of the energy site (the last whole day's figure)."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(
        self,
        tracker: InsightTracker,
        key: Key,
        *,
        device_id: str,
        device_info: DeviceInfo,
    ) -> None:
        """Create the sensor on the site's device."""
        self._tracker = tracker
        self._key = key
        self.entity_description = INSIGHT_SENSORS[key]
        self._attr_unique_id = f"{device_id}_{key}"
        self._attr_device_info = device_info

    @override
    async def async_added_to_hass(self) -> None:
        """Restore the last figure; follow new ones."""
        await super().async_added_to_hass()
        if (last := await self.async_get_last_state()) is not None and (
            data := await self.async_get_last_sensor_data()
        ) is not None:
            value = data.native_value
            self._tracker.restore(
                self._key,
                float(value) if isinstance(value, int | float) else None,
                dict(last.attributes),
            )
        self._tracker.async_listen(self.async_write_ha_state)

    @property
    @override
    def native_value(self) -> float | None:
        """Return the last whole day's figure."""
        return self._tracker.values.get(self._key)

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return the day the figure is of, and its details."""
        return self._tracker.attributes.get(self._key)
