"""Coordinator of an EV charger: runs the controller and drives the relay.

The controller is evaluated whenever an input entity changes and every
:data:`TICK_SECONDS` (for timers and stale data). When smart charging is on
and the decision differs from the relay, the relay's ``turn_on``/``turn_off``
action is called. The settings (mode, thresholds, ready-by time, on/off) and
the day's statistics are stored, so a restart continues where it stopped;
after a start the relay is not touched until the inputs are fresh.
"""

from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta
from typing import Any, override

from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, SERVICE_TURN_ON
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.event import (
    async_track_state_change_event,
    async_track_time_interval,
)
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from ...const import DOMAIN, LOGGER
from ...coordinator import EnergyMonitorConfigEntry
from ...lib.ev.controller import (
    ChargeController,
    ChargerSettings,
    ChargingMode,
    ControllerInputs,
    Decision,
    Reason,
)
from ...storage import PeriodicStore
from .const import (
    COMMAND_RETRY_SECONDS,
    CONF_CHARGER_POWER,
    CONF_PEAK_LIMIT,
    CONF_RELAY,
    CONF_STALE_AFTER,
    DEFAULT_CHARGER_POWER,
    DEFAULT_STALE_AFTER,
    INPUT_ENTITIES,
    SETTING_LIMITS,
    TICK_SECONDS,
)
from .inputs import InputReader
from .repairs import async_clear_relay_unavailable, async_raise_relay_unavailable

STORAGE_VERSION = 1
SAVE_INTERVAL = 30.0
SETTINGS_VERSION = 2
"""The defaults the stored settings were made with.

1: start at 55 % of the charger's power, 15 minutes on, 12 switches a day;
2: start at 50 %, 5 minutes on, 16 switches (benchmarks/ev_backtest.py).
"""
START_SHARE = 0.5
"""Share of the charger's power that starts solar charging (averaged surplus)."""
STOP_SHARE = 0.65
"""Share of the charger's power whose import stops solar charging."""
_VERSION_1_DEFAULTS = {"min_on_time": 900.0, "max_switches": 12}
_FROM_ENTRY = ("charger_power", "stale_after", "peak_limit")
"""Settings the entry fixes: never stored, never restored."""
_VERSION_1_START_SHARE = 0.55


@dataclass(frozen=True, slots=True)
class EvStatus:
    """What the EV charger's entities show."""

    decision: Decision
    inputs: ControllerInputs


def default_settings(entry: EnergyMonitorConfigEntry) -> ChargerSettings:
    """Return a charger's settings from its entry, the rest scaled to its power.

    Start at 50 % of the charger's power in averaged surplus, stop when 65 %
    of it would come from the grid: in the backtest (benchmarks/ev_backtest.py)
    this puts as much sun into the car as the seed controller, with no more
    grid energy and no more switches.
    """
    power = _charger_power(entry)
    return ChargerSettings(
        charger_power=power,
        start_surplus=_share_of(power, START_SHARE),
        stop_import=_share_of(power, STOP_SHARE),
        stale_after=float(entry.options.get(CONF_STALE_AFTER, DEFAULT_STALE_AFTER)),
        peak_limit=entry.options.get(CONF_PEAK_LIMIT) or None,
    )


def upgrade_settings(
    entry: EnergyMonitorConfigEntry, stored: dict[str, Any], version: object
) -> dict[str, Any]:
    """Return stored settings with those left at an older default moved to today's.

    A setting the user changed keeps its value; one that still holds the
    default of :data:`SETTINGS_VERSION` ``version`` (1 unless a valid
    version is stored) takes today's default.
    """
    if isinstance(version, int) and version >= SETTINGS_VERSION:
        return stored
    today = asdict(default_settings(entry))
    old = {
        **_VERSION_1_DEFAULTS,
        "start_surplus": _share_of(_charger_power(entry), _VERSION_1_START_SHARE),
    }
    return {
        name: today[name] if name in old and value == old[name] else value
        for name, value in stored.items()
    }


def restore_settings(
    settings: ChargerSettings, stored: dict[str, Any], title: str
) -> None:
    """Apply stored settings; one that cannot be a setting is ignored with a warning.

    The settings fixed by the entry (charger power, stale limit, peak limit)
    are never taken from storage.
    """
    defaults = asdict(settings)
    for name, value in stored.items():
        if name not in defaults or name in _FROM_ENTRY:
            continue
        try:
            setattr(settings, name, _setting_value(name, defaults[name], value))
        except TypeError, ValueError:
            LOGGER.warning(
                "%s: stored setting %s (%r) is not valid and is ignored",
                title,
                name,
                value,
            )


def _setting_value(name: str, default: object, value: object) -> object:
    """Return ``value`` as setting ``name`` (of ``default``'s kind), else raise."""
    if isinstance(default, ChargingMode | time):
        if not isinstance(value, str):
            raise TypeError(value)
        if isinstance(default, time):
            return time.fromisoformat(value)
        return ChargingMode(value)
    lowest, highest = SETTING_LIMITS[name]
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not lowest <= value <= highest
    ):
        raise ValueError(value)
    if isinstance(default, int):
        if value != int(value):
            raise ValueError(value)
        return int(value)
    return float(value)


def _charger_power(entry: EnergyMonitorConfigEntry) -> float:
    """Return the charger power (W) configured in the entry."""
    return float(entry.data.get(CONF_CHARGER_POWER, DEFAULT_CHARGER_POWER))


def _share_of(power: float, share: float) -> float:
    """Return ``share`` of ``power``, rounded to 50 W."""
    return float(round(power * share / 50) * 50)


class EvChargerCoordinator(DataUpdateCoordinator[EvStatus]):
    """Run the charge controller of one relay."""

    config_entry: EnergyMonitorConfigEntry

    def __init__(self, hass: HomeAssistant, entry: EnergyMonitorConfigEntry) -> None:
        """Create the coordinator; :meth:`async_start` loads and starts it."""
        super().__init__(
            hass, LOGGER, config_entry=entry, name="EV charger", update_interval=None
        )
        self.device_id = entry.unique_id or entry.entry_id
        self.enabled = True
        self.controller = ChargeController(default_settings(entry), dt_util.now())
        self._store: PeriodicStore[dict[str, Any]] = PeriodicStore(
            hass, STORAGE_VERSION, entry, SAVE_INTERVAL
        )
        self._inputs = InputReader(hass, entry.data)
        self._last_command: tuple[bool, datetime] | None = None
        self._relay_missing_since: datetime | None = None
        self._relay_issue = False

    @property
    def settings(self) -> ChargerSettings:
        """Return the controller's settings."""
        return self.controller.settings

    async def async_start(self) -> None:
        """Restore the stored settings and statistics, then start listening."""
        entry = self.config_entry
        loaded: object = await self._store.async_load()
        if loaded is not None and not isinstance(loaded, dict):
            LOGGER.warning("%s: the stored state is not readable", entry.title)
        stored: dict[str, Any] = loaded if isinstance(loaded, dict) else {}
        stored_settings = stored.get("settings")
        restore_settings(
            self.controller.settings,
            upgrade_settings(
                entry,
                stored_settings if isinstance(stored_settings, dict) else {},
                stored.get("settings_version"),
            ),
            entry.title,
        )
        self.enabled = stored.get("enabled") is not False
        statistics = stored.get("controller")
        try:
            self.controller.restore(statistics if isinstance(statistics, dict) else {})
        except (TypeError, ValueError, OverflowError) as err:
            LOGGER.warning(
                "%s: the stored charging statistics are not readable (%s) and"
                " start afresh",
                entry.title,
                err,
            )
        watched = [entry.data[CONF_RELAY]] + [
            entry.data[key] for key in INPUT_ENTITIES if entry.data.get(key)
        ]
        entry.async_on_unload(
            async_track_state_change_event(self.hass, watched, self._state_changed)
        )
        entry.async_on_unload(
            async_track_time_interval(
                self.hass, self._tick, timedelta(seconds=TICK_SECONDS)
            )
        )
        self.evaluate()

    async def async_stop(self) -> None:
        """Store the settings and statistics (on unload)."""
        await self._store.async_save(self.snapshot())

    def snapshot(self) -> dict[str, Any]:
        """Return what must survive a restart."""
        settings = asdict(self.controller.settings)
        settings["ready_by"] = self.controller.settings.ready_by.isoformat()
        for fixed in _FROM_ENTRY:
            settings.pop(fixed)
        return {
            "settings": settings,
            "settings_version": SETTINGS_VERSION,
            "enabled": self.enabled,
            "controller": self.controller.snapshot(),
        }

    @override
    async def _async_update_data(self) -> EvStatus:
        """Re-decide and act now (the coordinator is pushed; this serves refreshes)."""
        return self._decide_and_act()

    @callback
    def _state_changed(self, _event: Event[EventStateChangedData]) -> None:
        """Re-decide when an input or the relay changes."""
        self.evaluate()

    @callback
    def _tick(self, _now: datetime) -> None:
        """Re-decide for timers and stale data."""
        self.evaluate()

    @callback
    def evaluate(self) -> None:
        """Run the controller, drive the relay and publish the status."""
        self.async_set_updated_data(self._decide_and_act())

    def _decide_and_act(self) -> EvStatus:
        """Run the controller, drive the relay and schedule storing the state."""
        inputs = self._inputs.read(dt_util.now())
        status = EvStatus(self.controller.update(inputs), inputs)
        decision = status.decision
        relay = status.inputs.relay_on
        if (
            self.enabled
            and decision.relay_on is not None
            and relay is not None
            and decision.relay_on != relay
        ):
            self._command(on=decision.relay_on, now=status.inputs.now)
        self._report_relay(status)
        self._store.async_schedule_save(self.snapshot)
        return status

    def _report_relay(self, status: EvStatus) -> None:
        """Raise the repair issue while the relay stays unavailable; clear it after."""
        now = status.inputs.now
        if status.decision.reason is not Reason.RELAY_UNAVAILABLE:
            self._relay_missing_since = None
            if self._relay_issue:
                self._relay_issue = False
                async_clear_relay_unavailable(self.hass, self.config_entry)
            return
        since = self._relay_missing_since = self._relay_missing_since or now
        if (
            not self._relay_issue
            and (now - since).total_seconds() >= self.settings.stale_after
        ):
            self._relay_issue = True
            async_raise_relay_unavailable(
                self.hass, self.config_entry, self.config_entry.data[CONF_RELAY]
            )

    def _command(self, *, on: bool, now: datetime) -> None:
        """Switch the relay (not again for the same state within a minute)."""
        if self._last_command is not None:
            last_state, when = self._last_command
            if (
                last_state == on
                and (now - when).total_seconds() < COMMAND_RETRY_SECONDS
            ):
                return
        self._last_command = (on, now)
        relay = self.config_entry.data[CONF_RELAY]
        self.config_entry.async_create_task(
            self.hass, self._async_switch(relay, on=on), f"{DOMAIN} relay {relay}"
        )

    async def _async_switch(self, relay: str, *, on: bool) -> None:
        """Call the relay's turn_on or turn_off action."""
        domain = relay.split(".", 1)[0]
        try:
            await self.hass.services.async_call(
                domain,
                SERVICE_TURN_ON if on else SERVICE_TURN_OFF,
                {ATTR_ENTITY_ID: relay},
                blocking=True,
            )
        except HomeAssistantError as err:
            LOGGER.warning(
                "Could not switch %s %s: %s", relay, "on" if on else "off", err
            )

    # Settings changed through the entities.

    @callback
    def async_set_enabled(self, *, enabled: bool) -> None:
        """Turn the controller on or off (off leaves the relay alone)."""
        self.enabled = enabled
        self._last_command = None
        self.evaluate()

    @callback
    def async_update_settings(self, **changes: Any) -> None:
        """Change settings and re-decide."""
        for name, value in changes.items():
            setattr(self.controller.settings, name, value)
        self.evaluate()

    @callback
    def async_boost(self, minutes: float) -> None:
        """Charge now for ``minutes`` (0 cancels a boost)."""
        self.controller.boost(
            dt_util.now() + timedelta(minutes=minutes) if minutes > 0 else None
        )
        self.evaluate()

    def plan(self) -> dict[str, Any]:
        """Return the charging plan (the get_charging_plan action's response)."""
        status = self.data
        controller = self.controller
        now = status.inputs.now
        return {
            "mode": controller.settings.mode.value,
            "smart_charging": self.enabled,
            "charge_recommended": status.decision.relay_on,
            "reason": status.decision.reason.value,
            "ready_by": controller.next_ready_by(now).isoformat(),
            "remaining_energy": round(controller.remaining_energy(), 3),
            "boost_until": None
            if controller.boost_until is None
            else controller.boost_until.isoformat(),
            "slots": [slot.as_dict() for slot in controller.plan(status.inputs)],
        }
