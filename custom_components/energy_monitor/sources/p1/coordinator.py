"""Coordinator of a P1 meter: telegrams in, averaged and guarded values out.

The meter pushes telegrams (every second for DSMR 5). The coordinator

* averages power, voltage and current over the update interval instead of
  dropping telegrams, and publishes counters at their latest value;
* drops implausible numbers (NaN, infinity, beyond a key's physical limits)
  as they arrive, and counts them;
* keeps lifetime counters from going to 0 or backwards on a glitch, with the
  last published values stored so this holds across restarts;
* reports an outage once when the reader loses the meter, and the recovery
  once when telegrams flow again;
* keeps a counter (or MBus reading) that one telegram lacks at its last
  value for :data:`READ_WATCHDOG` seconds, the time a silent meter stays
  available; older, it is unavailable. An MBus reading without an ID line
  keeps the ID its device was seen with.
"""

import asyncio
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, override

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from ...const import DOMAIN, LOGGER
from ...coordinator import EnergyMonitorConfigEntry
from ...lib.averaging import WindowAverage
from ...lib.counters import CounterGuard
from ...lib.p1.continuity import HeldValues, MbusIdentities
from ...lib.p1.framing import Rejection
from ...lib.p1.model import (
    MbusReading,
    P1Telegram,
    PeakDemand,
    PowerFailure,
    RejectReason,
)
from ...lib.p1.reader import P1Reader
from ...lib.readings import ReadingFilter
from ...lib.vocabulary import (
    AVERAGED_MEASUREMENTS,
    LIFETIME_COUNTERS,
    MAX_RATES,
    VOCABULARY,
    Key,
)
from ...storage import CounterStore
from . import repairs
from .connection import reader_options_from_entry
from .const import (
    CONF_UPDATE_INTERVAL,
    DECRYPTION_FAILURES_BEFORE_REAUTH,
    DEFAULT_UPDATE_INTERVAL,
    READ_WATCHDOG,
)

COUNTERS = LIFETIME_COUNTERS | {
    key for key, quantity in VOCABULARY.items() if quantity.unit == "kvarh"
}
"""The meter's lifetime counters: guarded, stored, held within the window.

Reactive energy (kvarh) is guarded at the same bounded rate as active energy.
"""
NO_DATA_REPAIR_AFTER = 3600.0
"""Seconds without valid telegrams before the user is asked to check."""
MONTH_PEAK_MISSING_REPAIR_AFTER = 60
"""Publishes of a Belgian meter without its month peak before a repair."""


@dataclass(frozen=True, slots=True)
class P1Data:
    """What the entities of a P1 meter show."""

    values: Mapping[str, float | str]
    mbus: tuple[MbusReading, ...]
    month_peak: PeakDemand | None
    peak_history: tuple[PeakDemand, ...]
    last_telegram: datetime
    rejected: int
    rejected_by_reason: Mapping[str, int] = field(default_factory=dict)
    expired: frozenset[str] = frozenset()
    """Counters and MBus devices whose last value is too old to show."""
    power_failures: tuple[PowerFailure, ...] = ()
    """The meter's log of long power failures (newest first)."""


def mbus_device_id(meter_id: str, reading: MbusReading) -> str:
    """Return the ID of the HA device of an MBus meter."""
    return reading.equipment_id or f"{meter_id}_mbus{reading.channel}"


class P1Coordinator(DataUpdateCoordinator[P1Data]):
    """Receive telegrams from a :class:`P1Reader` and publish them."""

    config_entry: EnergyMonitorConfigEntry

    def __init__(self, hass: HomeAssistant, entry: EnergyMonitorConfigEntry) -> None:
        """Create the coordinator and its reader (not started yet)."""
        super().__init__(
            hass, LOGGER, config_entry=entry, name="P1 meter", update_interval=None
        )
        self.meter_id = entry.unique_id or entry.entry_id
        options = reader_options_from_entry(entry.data)
        self.reader = P1Reader(
            options.endpoint,
            self,
            variant=options.variant,
            encryption_key=options.encryption_key,
            authentication_key=options.authentication_key,
            watchdog=READ_WATCHDOG,
        )
        self.clock: Callable[[], float] = hass.loop.time
        """Monotonic seconds; benchmarks replace it to replay telegrams fast."""
        self.latest: P1Telegram | None = None
        self.last_rejection: Rejection | None = None
        self._interval = float(
            entry.options.get(CONF_UPDATE_INTERVAL, DEFAULT_UPDATE_INTERVAL)
        )
        self._average = WindowAverage(AVERAGED_MEASUREMENTS)
        self._readings = ReadingFilter()
        self._guard = CounterGuard(rates=MAX_RATES)
        self._mbus_guard = CounterGuard()
        self._held: HeldValues[float | str] = HeldValues(READ_WATCHDOG)
        self._held_mbus: HeldValues[MbusReading] = HeldValues(READ_WATCHDOG)
        self._mbus_ids = MbusIdentities()
        self._store = CounterStore(
            hass,
            entry,
            {"meter": self._guard, "mbus": self._mbus_guard},
        )
        self._rejected: Counter[str] = Counter()
        self._decryption_failures = 0
        self._window_start = 0.0
        self._health_at = 0.0
        self._last_valid = 0.0
        self._health_listeners: list[CALLBACK_TYPE] = []
        self._pending: P1Telegram | None = None
        self._cancel_pending: CALLBACK_TYPE | None = None
        self._cancel_no_data: CALLBACK_TYPE | None = None
        self._had_month_peak = False
        self._month_peak_missing = 0
        self._last_arrival = dt_util.utcnow()
        self._published = False
        self._first_result = asyncio.Event()
        self._first_error: Exception | None = None

    async def async_load(self) -> None:
        """Seed the counter guards with the values published before a restart."""
        await self._store.async_load(self.clock())

    async def async_wait_first_telegram(self, timeout: float) -> None:
        """Wait until the first telegram arrived.

        Raises:
            UpdateFailed: when the meter could not be reached or stayed silent.
        """
        try:
            async with asyncio.timeout(timeout):
                await self._first_result.wait()
        except TimeoutError:
            raise UpdateFailed(
                translation_domain=DOMAIN, translation_key="p1_no_telegram"
            ) from None
        if not self._published:
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="p1_connection_failed",
                translation_placeholders={"error": str(self._first_error)},
            )

    async def async_stop(self) -> None:
        """Drop scheduled work and store the counter values (on unload)."""
        for cancel in (self._cancel_pending, self._cancel_no_data):
            if cancel is not None:
                cancel()
        self._cancel_pending = self._cancel_no_data = None
        await self._store.async_save()

    @override
    async def _async_update_data(self) -> P1Data:
        """Return the latest data; a P1 meter pushes, there is nothing to poll.

        A refresh (``homeassistant.update_entity``) never brings old values
        back as live: it fails unless the meter is connected and a valid
        telegram arrived within :data:`READ_WATCHDOG` seconds.
        """
        if (
            not self._published
            or not self.last_update_success
            or self.clock() - self._last_valid > READ_WATCHDOG
        ):
            raise UpdateFailed(
                translation_domain=DOMAIN, translation_key="p1_no_telegram"
            )
        return self.data

    @callback
    def async_add_health_listener(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``update`` when the health figures change; return the remover.

        Health sensors (rejected telegrams) follow the line on this path, so
        a rejected telegram updates them without publishing the meter's
        values again (which would make them look live, see
        :meth:`telegram_rejected`).
        """
        self._health_listeners.append(update)
        return lambda: self._health_listeners.remove(update)

    # P1Listener: called by the reader.

    def telegram_received(self, telegram: P1Telegram) -> None:
        """Average the telegram in; publish now or at the end of the window."""
        telegram = self._plausible(telegram)
        self.latest = telegram
        self._last_arrival = dt_util.utcnow()
        self._decryption_failures = 0
        self._average.add(telegram.values)
        now = self.clock()
        self._last_valid = now
        wait = self._window_start + self._interval - now
        if not self._published or not self.last_update_success or wait <= 0:
            self._publish(telegram, now)
            return
        # Publish at the end of the window even if no further telegram comes.
        self._pending = telegram
        if self._cancel_pending is None:
            self._cancel_pending = async_call_later(
                self.hass, wait, self._publish_pending
            )

    @callback
    def _report_no_data(self, _now: datetime) -> None:
        """Tell the user the meter has sent nothing for a long time."""
        self._cancel_no_data = None
        repairs.async_raise(self.hass, self.config_entry, repairs.NO_DATA)

    def _check_capacity_data(self, telegram: P1Telegram) -> None:
        """Tell the user when a Belgian meter stops reporting its month peak."""
        if Key.DEMAND_MONTH_PEAK in telegram.values:
            if self._month_peak_missing >= MONTH_PEAK_MISSING_REPAIR_AFTER:
                repairs.async_clear(
                    self.hass, self.config_entry, repairs.CAPACITY_DATA_MISSING
                )
            self._had_month_peak = True
            self._month_peak_missing = 0
        elif self._had_month_peak:
            self._month_peak_missing += 1
            if self._month_peak_missing == MONTH_PEAK_MISSING_REPAIR_AFTER:
                repairs.async_raise(
                    self.hass, self.config_entry, repairs.CAPACITY_DATA_MISSING
                )

    @callback
    def _publish_pending(self, _now: datetime) -> None:
        """Publish what arrived during a window that no telegram closed."""
        self._cancel_pending = None
        if self._pending is not None:
            self._publish(self._pending, self.clock())

    def telegram_rejected(self, rejection: Rejection) -> None:
        """Count a rejected telegram; ask for new keys if decryption fails."""
        self._rejected[rejection.reason] += 1
        self.last_rejection = rejection
        LOGGER.debug(
            "P1 telegram rejected (%s): %s", rejection.reason, rejection.detail
        )
        if rejection.reason is RejectReason.DECRYPTION_FAILED:
            self._decryption_failures += 1
            if self._decryption_failures == DECRYPTION_FAILURES_BEFORE_REAUTH:
                self.config_entry.async_start_reauth(self.hass)
        now = self.clock()
        if self._published and now - self._health_at >= self._interval:
            # Not async_set_updated_data: that would mark a lost meter as
            # available again and show its last values as live.
            self._health_at = now
            self.data = replace(
                self.data,
                rejected=self._rejected.total(),
                rejected_by_reason=dict(self._rejected),
            )
            for update in tuple(self._health_listeners):
                update()

    def connection_lost(self, error: Exception) -> None:
        """Mark the entities unavailable (logged once per outage)."""
        if not self._published:
            self._first_error = error
            self._first_result.set()
        if self._cancel_no_data is None:
            self._cancel_no_data = async_call_later(
                self.hass, NO_DATA_REPAIR_AFTER, self._report_no_data
            )
        self.async_set_update_error(
            UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="p1_connection_lost",
                translation_placeholders={"error": str(error)},
            )
        )

    def _publish(self, telegram: P1Telegram, now: float) -> None:
        """Publish averaged measurements and guarded counters."""
        if self._published and not self.last_update_success:
            LOGGER.info("P1 meter %s is sending telegrams again", self.name)
        if self._cancel_no_data is not None:
            self._cancel_no_data()
            self._cancel_no_data = None
        repairs.async_clear(self.hass, self.config_entry, repairs.NO_DATA)
        self._check_capacity_data(telegram)
        self._window_start = now
        self._pending = None
        if self._cancel_pending is not None:
            self._cancel_pending()
            self._cancel_pending = None
        values = dict(telegram.values)
        values.update(self._average.take())
        self._guard.check_values(values, COUNTERS, now)
        held, expired = self._held.fill(
            {key: values[key] for key in COUNTERS & values.keys()}, now
        )
        values.update(held)
        mbus, expired_mbus = self._hold_mbus(telegram.mbus, now)
        self.async_set_updated_data(
            P1Data(
                values=values,
                mbus=mbus,
                month_peak=telegram.month_peak,
                peak_history=telegram.peak_history,
                last_telegram=self._last_arrival,
                rejected=self._rejected.total(),
                rejected_by_reason=dict(self._rejected),
                expired=expired | expired_mbus,
                power_failures=telegram.power_failures,
            )
        )
        self._published = True
        self._first_result.set()
        self._store.async_schedule_save()

    def _plausible(self, telegram: P1Telegram) -> P1Telegram:
        """Return the telegram without its implausible values (counted)."""
        values = self._readings.filter(telegram.values)
        mbus = tuple(
            reading
            if self._readings.accept(f"grid_{reading.kind}_import", reading.value)
            else replace(reading, value=None)
            for reading in telegram.mbus
        )
        history = tuple(
            peak
            for peak in telegram.peak_history
            if self._readings.accept(Key.DEMAND_MONTH_PEAK, peak.demand_kw)
        )
        if (
            len(values) == len(telegram.values)
            and mbus == telegram.mbus
            and len(history) == len(telegram.peak_history)
        ):
            return telegram
        return replace(
            telegram,
            values=values,
            mbus=mbus,
            month_peak=telegram.month_peak if Key.DEMAND_MONTH_PEAK in values else None,
            peak_history=history,
        )

    def _hold_mbus(
        self, readings: tuple[MbusReading, ...], now: float
    ) -> tuple[tuple[MbusReading, ...], frozenset[str]]:
        """Identify and guard the MBus readings; fill in the ones left out.

        Returns:
            The readings to publish and the MBus devices whose last reading
            is too old to show.
        """
        by_device = {
            mbus_device_id(self.meter_id, reading): reading
            for reading in (
                self._guard_mbus(self._mbus_ids.identify(reading), now)
                for reading in readings
            )
        }
        held, expired = self._held_mbus.fill(
            {key: r for key, r in by_device.items() if r.value is not None}, now
        )
        return tuple({**by_device, **held}.values()), expired

    def _guard_mbus(self, reading: MbusReading, now: float) -> MbusReading:
        """Apply the counter guard to an MBus reading."""
        if reading.value is None:
            return reading
        key = mbus_device_id(self.meter_id, reading)
        checked = self._mbus_guard.check(key, reading.value, now)
        return reading if checked == reading.value else replace(reading, value=checked)

    def diagnostics(self) -> dict[str, Any]:
        """Return the reader's health figures."""
        return {
            "reconnects": self.reader.reconnects,
            "rejected": dict(self._rejected),
            "last_rejection": (
                None
                if self.last_rejection is None
                else {
                    "reason": self.last_rejection.reason,
                    "detail": self.last_rejection.detail,
                }
            ),
            "counter_glitches": self._guard.glitches + self._mbus_guard.glitches,
            "values_rejected": dict(self._readings.rejected),
        }
