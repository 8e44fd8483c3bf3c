"""Coordinator of an energy site: input entities in, site figures out.

The site has no device to poll. It follows its input entities: every state
change (and every report of an unchanged counter, which tells the engine no
energy flowed meanwhile) goes to the HA-free :class:`SiteEngine` with the
time the state was written, and the figures are published at once. A timer
wakes the engine when figures change by themselves (a price period starts, a
quarter hour or a day ends). The engine's whole state is stored in one
document, written 30 seconds after a change and at shutdown.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any, override

from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    EventStateReportedData,
    HomeAssistant,
    State,
    callback,
)
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.event import (
    async_track_point_in_utc_time,
    async_track_state_change_event,
    async_track_state_report_event,
)
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from ...const import LOGGER
from ...coordinator import EnergyMonitorConfigEntry
from ...lib.site.engine import SiteEngine
from ...lib.site.ledger import Channel
from ...lib.site.outputs import SiteSnapshot, build_snapshot, provided_keys
from ...lib.vocabulary import Key
from ...storage import PeriodicStore
from .const import SAVE_INTERVAL, STORAGE_VERSION
from .inputs import (
    energy_kwh,
    gas_m3,
    power_kw,
    power_w,
    price_per_kwh,
    register,
    site_inputs,
    site_tariffs,
)


class SiteCoordinator(DataUpdateCoordinator[SiteSnapshot]):
    """Follow a site's input entities; see the module docstring."""

    config_entry: EnergyMonitorConfigEntry

    def __init__(self, hass: HomeAssistant, entry: EnergyMonitorConfigEntry) -> None:
        """Create the engine from the entry (not started yet).

        Raises:
            TariffError: when the stored tariffs are invalid.
        """
        super().__init__(
            hass, LOGGER, config_entry=entry, name="Energy site", update_interval=None
        )
        self.engine = self._new_engine()
        self.keys: list[Key] = provided_keys(self.engine)
        self._store: PeriodicStore[dict[str, Any]] = PeriodicStore(
            hass, STORAGE_VERSION, entry, SAVE_INTERVAL
        )
        self._readers: dict[str, Callable[[State | None, float], None]] = {}
        self._peers = self._counter_peers()
        self._unsubscribe: list[CALLBACK_TYPE] = []
        self._timer: CALLBACK_TYPE | None = None
        self._wakeup: datetime | None = None

    def _new_engine(self) -> SiteEngine:
        """Return an engine for the entry, starting now with nothing counted."""
        entry = self.config_entry
        return SiteEngine(
            site_inputs(entry.data),
            site_tariffs(entry.options),
            dt_util.get_default_time_zone(),
            dt_util.utcnow().timestamp(),
        )

    def _input_readers(self) -> dict[str, Callable[[State | None, float], None]]:
        """Return, per input entity, how its state is fed to the engine."""
        engine = self.engine
        inputs = engine.inputs
        readers: dict[str, Callable[[State | None, float], None]] = {}
        for spec in inputs.counters:
            convert = gas_m3 if spec.channel is Channel.GAS else energy_kwh
            readers[spec.input_id] = _feed(engine.counter, spec.input_id, convert)
        for entity_id in (inputs.grid_power, inputs.battery_power, *inputs.pv_power):
            if entity_id is not None:
                readers[entity_id] = _feed(engine.power_reading, entity_id, power_w)
        if inputs.register_entity is not None:
            readers[inputs.register_entity] = _feed(
                engine.entity_value, inputs.register_entity, register
            )
        for entity_id in engine.timelines:
            readers[entity_id] = _feed(engine.entity_value, entity_id, price_per_kwh)
        if inputs.demand_entity is not None:
            readers[inputs.demand_entity] = lambda state, t: engine.demand(
                power_kw(state), t
            )
        if inputs.month_peak_entity is not None:
            readers[inputs.month_peak_entity] = self._read_month_peak
        return readers

    def _counter_peers(self) -> dict[str, tuple[str, ...]]:
        """Return, per counter, the other counters of the same device.

        A device publishes its counters together (a P1 meter's registers), but
        only changed values become state changes. When one counter of a device
        reports, the others' unchanged states are current as of that moment:
        feeding them tells the engine no energy flowed there meanwhile, so a
        counter that was idle for hours (export at night) does not later
        spread its first increase back over the idle hours.
        """
        registry = er.async_get(self.hass)
        devices: dict[str, list[str]] = {}
        for spec in self.engine.inputs.counters:
            entity = registry.async_get(spec.input_id)
            if entity is not None and entity.device_id is not None:
                devices.setdefault(entity.device_id, []).append(spec.input_id)
        return {
            entity_id: tuple(peer for peer in group if peer != entity_id)
            for group in devices.values()
            if len(group) > 1
            for entity_id in group
        }

    def _read_month_peak(self, state: State | None, t: float) -> None:
        """Feed the meter's month peak, its time and its 13-month history."""
        attributes = {} if state is None else state.attributes
        history = []
        for item in attributes.get("history") or []:
            month = _parse_time(item.get("month_start"))
            demand = item.get("demand_kw")
            if month is not None and isinstance(demand, int | float):
                peak = _parse_time(item.get("peak_time"))
                history.append(
                    (
                        dt_util.as_local(month).date(),
                        float(demand),
                        None if peak is None else peak.timestamp(),
                    )
                )
        at = _parse_time(attributes.get("peak_time"))
        self.engine.month_peak(
            power_kw(state),
            t,
            at=None if at is None else at.timestamp(),
            history=history,
        )

    async def async_start(self) -> None:
        """Continue from the stored state, follow the inputs and publish."""
        stored = await self._store.async_load()
        if stored is not None:
            try:
                self.engine.load(stored)
            except ValueError:
                LOGGER.warning(
                    "Stored state of energy site %s is unusable; starting afresh",
                    self.config_entry.title,
                )
                self.engine = self._new_engine()  # not a half-loaded one
        self._readers = self._input_readers()
        entity_ids = list(self._readers)
        self._unsubscribe = [
            async_track_state_change_event(self.hass, entity_ids, self._changed),
            async_track_state_report_event(self.hass, entity_ids, self._reported),
        ]
        # Current states hold as of now: a counter unchanged since the stored
        # baseline means nothing flowed meanwhile.
        now = dt_util.utcnow().timestamp()
        self.engine.tick(now)
        for entity_id, reader in self._readers.items():
            reader(self.hass.states.get(entity_id), now)
        self._publish()

    async def async_stop(self) -> None:
        """Stop following the inputs and store the state now."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        if self._timer is not None:
            self._timer()
            self._timer = None
        await self._store.async_save(self.engine.dump())

    @callback
    def _changed(self, event: Event[EventStateChangedData]) -> None:
        """Feed a changed input state to the engine."""
        state = event.data["new_state"]
        at = dt_util.utcnow() if state is None else state.last_reported
        self._read(event.data["entity_id"], state, at.timestamp())

    @callback
    def _reported(self, event: Event[EventStateReportedData]) -> None:
        """Feed a re-reported (unchanged) input state to the engine."""
        self._read(
            event.data["entity_id"],
            event.data["new_state"],
            event.data["last_reported"].timestamp(),
        )

    @callback
    def _read(self, entity_id: str, state: State | None, at: float) -> None:
        """Feed a state (and its device's other counters) and publish."""
        self._readers[entity_id](state, at)
        if state is not None:
            for peer in self._peers.get(entity_id, ()):
                self._readers[peer](self.hass.states.get(peer), at)
        self._publish()

    @callback
    def _wake(self, point: datetime) -> None:
        """Let time pass in the engine (a period or price changed)."""
        self._timer = None
        self.engine.tick(max(point, dt_util.utcnow()).timestamp())
        self._publish()

    @callback
    def _publish(self) -> None:
        """Publish the figures, store the state soon, set the next wake-up."""
        self.engine.pop_closed()
        self.async_set_updated_data(build_snapshot(self.engine, self.keys))
        self._store.async_schedule_save(self.engine.dump)
        wakeup = dt_util.utc_from_timestamp(self.engine.next_wakeup())
        if self._timer is None or wakeup != self._wakeup:
            if self._timer is not None:
                self._timer()
            self._wakeup = wakeup
            self._timer = async_track_point_in_utc_time(self.hass, self._wake, wakeup)

    @override
    async def _async_update_data(self) -> SiteSnapshot:
        """Return the figures now (the site is pushed, never polled)."""
        return build_snapshot(self.engine, self.keys)

    def diagnostics(self) -> dict[str, Any]:
        """Return the engine's state and health."""
        return {
            "engine": self.engine.diagnostics(),
            "stored": self.engine.dump(),
        }


def _feed(
    method: Callable[[str, float | None, float], None],
    input_id: str,
    convert: Callable[[State | None], float | None],
) -> Callable[[State | None, float], None]:
    """Return a reader that converts a state and passes it to the engine."""

    def read(state: State | None, t: float) -> None:
        method(input_id, convert(state), t)

    return read


def _parse_time(value: Any) -> datetime | None:
    """Return an ISO 8601 attribute as an aware datetime."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    return dt_util.parse_datetime(value)
