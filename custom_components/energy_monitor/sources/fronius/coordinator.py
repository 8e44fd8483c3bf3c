"""Coordinator of a Fronius system: one poller per Datamanager or Gen24.

Every request goes through one :class:`FroniusClient`, so the device gets
one request at a time. Each poll reads

* the power flow (every 10 s: PV, grid, house and battery power);
* when due, every inverter's realtime data, the smart meters and the
  batteries (every minute);
* when due, the Datamanager and the inverter list (hourly, and whenever the
  power flow names an inverter not seen yet, e.g. at sunrise after a start
  at night).

The device is unreachable when a request gets no answer: after
:data:`FAILURES_BEFORE_UNAVAILABLE` such polls the entities become
unavailable (logged once by the coordinator, like the recovery), and polls
back off to :data:`MAX_BACKOFF`. A sleeping inverter is not an outage: its
entities stay available with 0 W. Every value must be plausible for its key
(else it is dropped and counted); lifetime counters pass a
:class:`CounterGuard`; daily and yearly energy come from
:class:`PeriodTotals`; both, and the inverters found, are stored so that
they hold across restarts (a restart at night shows the inverters at once).
"""

from collections.abc import Awaitable, Callable, Mapping
import contextlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import Any, override

from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import StateType
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from ...const import DOMAIN, LOGGER
from ...coordinator import EnergyMonitorConfigEntry
from ...lib.backoff import Backoff
from ...lib.counters import CounterGuard
from ...lib.fronius.client import (
    FroniusClient,
    SolarApiConnectionError,
    SolarApiError,
    SolarApiStatusError,
    SolarApiUnsupportedError,
    system_unique_id,
)
from ...lib.fronius.model import (
    DeviceReading,
    InverterInfo,
    InverterReading,
    LoggerInfo,
    MeterReading,
    PowerFlow,
    StorageReading,
    Value,
)
from ...lib.fronius.values import inverter_values, site_values
from ...lib.periods import Period, PeriodTotals
from ...lib.readings import ReadingFilter
from ...lib.vocabulary import LIFETIME_COUNTERS, MAX_RATES, Key
from ...storage import CounterStore
from .const import (
    DEVICE_INTERVAL,
    FAILURES_BEFORE_UNAVAILABLE,
    IDENTITY_INTERVAL,
    MANUFACTURER,
    MAX_BACKOFF,
    PERIOD_RESET_TOLERANCE,
    POWER_FLOW_INTERVAL,
)

_ANSWERED_WITHOUT_DATA = (SolarApiStatusError, SolarApiUnsupportedError)


class DeviceKind(StrEnum):
    """Kinds of devices in a Fronius system."""

    SYSTEM = "system"
    INVERTER = "inverter"
    METER = "meter"
    BATTERY = "battery"


@dataclass(frozen=True, slots=True)
class FroniusDevice:
    """A device of the system, as the device registry shows it."""

    device_id: str
    kind: DeviceKind
    name: str | None = None
    number: str | None = None
    """The device's number on the Solar Net (names unnamed devices)."""
    model: str | None = None
    model_id: str | None = None
    serial_number: str | None = None
    sw_version: str | None = None
    hw_version: str | None = None
    manufacturer: str | None = MANUFACTURER


@dataclass(frozen=True, slots=True)
class DeviceState:
    """What a device's entities show."""

    values: Mapping[str, StateType] = field(default_factory=dict)
    """Values by key; an inverter's ``inverter_online`` is a bool."""
    last_reset: Mapping[str, datetime] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FroniusData:
    """The devices of the system and the state of those that answered."""

    devices: Mapping[str, FroniusDevice]
    states: Mapping[str, DeviceState]


@dataclass(slots=True)
class _Inverter:
    """What the coordinator knows about one inverter."""

    info: InverterInfo
    device_id: str
    reading: InverterReading | None = None
    phases: Mapping[str, Value] | None = None
    online: bool | None = None


class FroniusCoordinator(DataUpdateCoordinator[FroniusData]):
    """Poll a Fronius system and publish its devices' values."""

    config_entry: EnergyMonitorConfigEntry

    def __init__(self, hass: HomeAssistant, entry: EnergyMonitorConfigEntry) -> None:
        """Create the coordinator (nothing is requested yet)."""
        host: str = entry.data[CONF_HOST]
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"Fronius {host}",
            update_interval=POWER_FLOW_INTERVAL,
        )
        self.client = fronius_client(hass, host)
        self.system_id = f"solar_net_{entry.unique_id or entry.entry_id}"
        self.logger_info: LoggerInfo | None = None
        self.flow: PowerFlow | None = None
        self.meters: list[MeterReading] | None = None
        self.storages: list[StorageReading] | None = None
        self.last_error: str | None = None
        self._inverters: dict[str, _Inverter] = {}
        self._supported: set[str] = set()
        self._unsupported: set[str] = set()
        self._devices_due: datetime | None = None
        self._identity_due: datetime | None = None
        self._backoff = Backoff(maximum=MAX_BACKOFF.total_seconds())
        """Polls in a row that failed, and how long to wait after them."""
        self._has_storage = False
        """A battery reported its own data: its state of charge comes from it."""
        self._readings = ReadingFilter()
        self._guard = CounterGuard(rates=MAX_RATES)
        self._day = PeriodTotals(Period.DAY, PERIOD_RESET_TOLERANCE)
        self._year = PeriodTotals(Period.YEAR, PERIOD_RESET_TOLERANCE)
        self._store = CounterStore(
            hass, entry, {"counters": self._guard}, extra=self._snapshot
        )

    # Setup and storage.

    @override
    async def _async_setup(self) -> None:
        """Restore what was stored and identify the system.

        Raises:
            UpdateFailed: when the device does not answer.
        """
        stored = await self._store.async_load(dt_util.now().timestamp())
        self._day.restore(stored.get("day", {}))
        self._year.restore(stored.get("year", {}))
        try:
            infos = await self._read_identity()
        except SolarApiConnectionError as err:
            raise _unreachable(err) from err
        self._adopt_unique_id(infos)
        for solar_net_id, known in stored.get("inverters", {}).items():
            if "device_id" not in known:
                continue
            info = InverterInfo(
                device_id=solar_net_id,
                unique_id=known.get("unique_id"),
                device_type=known.get("device_type"),
                custom_name=known.get("custom_name"),
            )
            self._inverters[solar_net_id] = _Inverter(info, known["device_id"])
        self._add_inverters(infos)
        self._identity_due = dt_util.now() + IDENTITY_INTERVAL

    def _adopt_unique_id(self, infos: list[InverterInfo]) -> None:
        """Give an entry made without the wizard the system's unique ID."""
        entry = self.config_entry
        if entry.unique_id is not None:
            return
        unique_id = system_unique_id(self.logger_info, infos)
        if (
            unique_id is None
            or self.hass.config_entries.async_entry_for_domain_unique_id(
                DOMAIN, unique_id
            )
        ):
            return
        self.hass.config_entries.async_update_entry(entry, unique_id=unique_id)
        self.system_id = f"solar_net_{unique_id}"

    async def async_save(self) -> None:
        """Store counters and inverters now (on unload)."""
        await self._store.async_save()

    def _snapshot(self) -> dict[str, Any]:
        """Return what must survive a restart besides the counters."""
        return {
            "day": self._day.snapshot(),
            "year": self._year.snapshot(),
            "inverters": {
                solar_net_id: {
                    "device_id": inverter.device_id,
                    "unique_id": inverter.info.unique_id,
                    "device_type": inverter.info.device_type,
                    "custom_name": inverter.info.custom_name,
                }
                for solar_net_id, inverter in self._inverters.items()
            },
        }

    # Polling.

    @override
    async def _async_update_data(self) -> FroniusData:
        """Poll what is due and publish the values.

        Raises:
            UpdateFailed: when the device stopped answering.
        """
        moment = dt_util.now()
        try:
            await self._poll(moment)
        except SolarApiError as err:
            return self._failed(err)
        if self._backoff.failures:
            self._backoff.succeeded()
            self.last_error = None
        self.update_interval = self._regular_interval()
        data = self._build(moment)
        self._store.async_schedule_save()
        return data

    def _failed(self, err: SolarApiError) -> FroniusData:
        """Count a failed poll; keep the data once, then give up and back off.

        Raises:
            UpdateFailed: unless the last values may be shown a while longer.
        """
        # The first failed poll waits the regular interval, then it doubles.
        self._backoff.first = self._regular_interval().total_seconds()
        self.update_interval = timedelta(seconds=self._backoff.failed())
        self.last_error = str(err)
        # After an outage the device may have restarted: read everything.
        self._devices_due = None
        self._identity_due = None
        # ``data`` stays None until a poll has succeeded.
        if (
            self.data is not None
            and self._backoff.failures < FAILURES_BEFORE_UNAVAILABLE
        ):
            LOGGER.debug("%s did not answer, retrying: %s", self.name, err)
            return self.data
        raise _unreachable(err) from err

    def _regular_interval(self) -> timedelta:
        """Return the poll interval: the power flow's, or the devices' without."""
        return (
            POWER_FLOW_INTERVAL if "power_flow" in self._supported else DEVICE_INTERVAL
        )

    async def _poll(self, moment: datetime) -> None:
        """Read what is due.

        Raises:
            SolarApiError: when the device does not answer, or the power flow
                that it used to give fails.
        """
        if self._identity_due is None or moment >= self._identity_due:
            self._identity_due = moment + IDENTITY_INTERVAL
            self._unsupported.clear()
            self._add_inverters(await self._read_identity())
        if "power_flow" not in self._unsupported:
            try:
                self.flow = await self.client.power_flow()
            except _ANSWERED_WITHOUT_DATA:
                if "power_flow" in self._supported:
                    raise
                self._unsupported.add("power_flow")
            else:
                self._supported.add("power_flow")
                if not self.flow.inverters.keys() <= self._inverters.keys():
                    await self._find_new_inverters(self.flow)
        if self._devices_due is None or moment >= self._devices_due:
            self._devices_due = moment + DEVICE_INTERVAL
            await self._read_devices()

    async def _read_identity(self) -> list[InverterInfo]:
        """Read the Datamanager's identity and the inverter list.

        Raises:
            SolarApiConnectionError: when the device does not answer.
        """
        with contextlib.suppress(*_ANSWERED_WITHOUT_DATA):
            self.logger_info = await self.client.logger_info() or self.logger_info
        try:
            return await self.client.inverter_info()
        except _ANSWERED_WITHOUT_DATA as err:
            LOGGER.debug("%s lists no inverters: %s", self.name, err)
            return []

    async def _find_new_inverters(self, flow: PowerFlow) -> None:
        """Add the inverters the power flow names but the coordinator lacks.

        The inverter list is asked first (for serial numbers and names);
        an inverter it does not list is added with its number only.
        """
        self._add_inverters(await self._read_identity())
        self._add_inverters(
            [
                InverterInfo(device_id=solar_net_id, device_type=entry.device_type)
                for solar_net_id, entry in flow.inverters.items()
            ]
        )

    def _add_inverters(self, infos: list[InverterInfo]) -> None:
        """Add new inverters and refresh what is known of the others."""
        used = {inverter.device_id for inverter in self._inverters.values()}
        for info in infos:
            if (known := self._inverters.get(info.device_id)) is not None:
                if info.unique_id is not None:
                    known.info = info
                continue
            device_id = info.unique_id
            if device_id is None or device_id in used:
                device_id = f"{self.system_id}_inverter_{info.device_id}"
            used.add(device_id)
            self._inverters[info.device_id] = _Inverter(info, device_id)
            self._devices_due = None
            LOGGER.debug("%s: inverter %s found", self.name, info.device_id)

    async def _read_devices(self) -> None:
        """Read every inverter, the smart meters and the batteries.

        Raises:
            SolarApiConnectionError: when the device does not answer.
        """
        for solar_net_id, inverter in self._inverters.items():
            try:
                inverter.reading = await self.client.inverter_data(solar_net_id)
            except _ANSWERED_WITHOUT_DATA as err:
                LOGGER.debug("Fronius inverter %s: %s", solar_net_id, err)
                inverter.reading = None
            inverter.phases = await self._read_optional(
                f"inverter_{solar_net_id}_3p",
                partial(self.client.inverter_3p_data, solar_net_id),
            )
        self.meters = await self._read_optional("meters", self.client.meters)
        self.storages = await self._read_optional("storages", self.client.storages)
        self._has_storage = self._has_storage or bool(self.storages)

    async def _read_optional[T](
        self, name: str, request: Callable[[], Awaitable[T]]
    ) -> T | None:
        """Read an endpoint not every system has (``None``: no answer now).

        One that never answered is asked again only after the next identity
        check.

        Raises:
            SolarApiConnectionError: when the device does not answer.
        """
        if name in self._unsupported:
            return None
        try:
            found = await request()
        except _ANSWERED_WITHOUT_DATA as err:
            LOGGER.debug("%s has no %s now: %s", self.name, name, err)
            if name not in self._supported:
                self._unsupported.add(name)
            return None
        self._supported.add(name)
        return found

    # Publishing.

    def _build(self, moment: datetime) -> FroniusData:
        """Turn the latest answers into device states."""
        stamp = moment.timestamp()
        logger = self.logger_info
        devices: dict[str, FroniusDevice] = {
            self.system_id: FroniusDevice(
                self.system_id,
                DeviceKind.SYSTEM,
                model=logger.product if logger else None,
                sw_version=logger.software_version if logger else None,
                hw_version=logger.hardware_version if logger else None,
            )
        }
        states: dict[str, DeviceState] = {}
        if self.flow is not None:
            states[self.system_id] = DeviceState(
                self._readings.filter(
                    site_values(self.flow, battery_soc=not self._has_storage)
                )
            )
        for solar_net_id, inverter in self._inverters.items():
            devices[inverter.device_id] = _inverter_device(inverter)
            states[inverter.device_id] = self._inverter_state(
                solar_net_id, inverter, moment, stamp
            )
        for kind, readings in (
            (DeviceKind.METER, self.meters),
            (DeviceKind.BATTERY, self.storages),
        ):
            for reading in readings or ():
                self._add_reading(devices, states, kind, reading, stamp)
        return FroniusData(devices, states)

    def _inverter_state(
        self, solar_net_id: str, inverter: _Inverter, moment: datetime, stamp: float
    ) -> DeviceState:
        """Return an inverter's state, counters guarded and periods derived."""
        flow = self.flow.inverters.get(solar_net_id) if self.flow else None
        shown = inverter_values(inverter.reading, flow, inverter.phases)
        if shown.online != inverter.online and inverter.online is not None:
            LOGGER.info(
                "Fronius inverter %s is %s",
                inverter.info.custom_name or solar_net_id,
                "online" if shown.online else "asleep or off",
            )
        inverter.online = shown.online
        values: dict[str, StateType] = self._readings.filter(shown.values)
        values[Key.INVERTER_ONLINE] = shown.online
        last_reset: dict[str, datetime] = {}
        lifetime = self._guarded(
            inverter.device_id, Key.PV_ELEC_PROD, shown.energy_total, stamp
        )
        if lifetime is not None:
            values[Key.PV_ELEC_PROD] = lifetime
        for totals, key, reported in (
            (self._day, Key.PV_ELEC_PROD_TODAY, shown.energy_day),
            (self._year, Key.PV_ELEC_PROD_YEAR, shown.energy_year),
        ):
            plausible = reported if self._readings.accept(key, reported) else None
            period = totals.update(
                f"{inverter.device_id}_{key}", moment, lifetime, plausible
            )
            if period is not None:
                values[key] = period.value
                last_reset[key] = period.since
        return DeviceState(values, last_reset)

    def _add_reading(
        self,
        devices: dict[str, FroniusDevice],
        states: dict[str, DeviceState],
        kind: DeviceKind,
        reading: DeviceReading,
        stamp: float,
    ) -> None:
        """Add a meter or battery with its values (counters guarded)."""
        device_id = reading.serial or f"{self.system_id}_{kind}_{reading.device_id}"
        values: dict[str, StateType] = {
            key: self._guarded(device_id, key, value, stamp)
            if key in LIFETIME_COUNTERS
            else value
            for key, value in self._readings.filter(reading.values).items()
        }
        if values:
            devices[device_id] = FroniusDevice(
                device_id,
                kind,
                number=reading.device_id,
                model=reading.model,
                serial_number=reading.serial,
                manufacturer=reading.manufacturer,
            )
            states[device_id] = DeviceState(values)

    def _guarded(
        self, device_id: str, key: str, value: Value, stamp: float
    ) -> float | None:
        """Return a lifetime counter's value to show (the last one if absent)."""
        if not self._readings.accept(key, value):
            value = None
        return self._guard.check(f"{device_id}_{key}", value, stamp, kind=key)

    def diagnostics(self) -> dict[str, Any]:
        """Return the poller's health figures."""
        return {
            "failures": self._backoff.failures,
            "last_error": self.last_error,
            "update_interval": str(self.update_interval),
            "requests": self.client.requests,
            "supported": sorted(self._supported),
            "unsupported": sorted(self._unsupported),
            "counter_glitches": self._guard.glitches,
            "values_rejected": dict(self._readings.rejected),
        }


def fronius_client(hass: HomeAssistant, host: str) -> FroniusClient:
    """Return a client of the device at ``host`` on Home Assistant's session.

    Raises:
        ValueError: when ``host`` is not a host.
    """
    # Gen24 firmware redirects to HTTPS with a self-signed certificate.
    return FroniusClient(async_get_clientsession(hass, verify_ssl=False), host)


def _inverter_device(inverter: _Inverter) -> FroniusDevice:
    """Describe an inverter as a device."""
    info = inverter.info
    return FroniusDevice(
        inverter.device_id,
        DeviceKind.INVERTER,
        name=info.custom_name,
        number=info.device_id,
        model=info.model,
        model_id=None if info.device_type is None else str(info.device_type),
        serial_number=info.unique_id,
        manufacturer=info.manufacturer or MANUFACTURER,
    )


def _unreachable(err: SolarApiError) -> UpdateFailed:
    """Return the error that makes the entities unavailable."""
    return UpdateFailed(
        translation_domain=DOMAIN,
        translation_key="fronius_unreachable",
        translation_placeholders={"error": str(err)},
    )
