"""Coordinator of a Fronius system: one poller per Datamanager or Gen24.

What is asked when, which endpoints a system has, its inverters and the
backoff while it doesn't answer are the polling policy of
:class:`~..lib.fronius.poller.SolarNetPoller`; this coordinator publishes its
answers. A sleeping inverter is not an outage: its entities stay available
with 0 W. Every value must be plausible for its key (else it is dropped and
counted); lifetime counters pass a :class:`CounterGuard`; daily and yearly
energy come from :class:`PeriodTotals`; both, and the inverters found, are
stored so that they hold across restarts (a restart at night shows the
inverters at once).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, override

from homeassistant.const import CONF_HOST
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import StateType
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from ...const import DOMAIN, LOGGER
from ...coordinator import EnergyMonitorConfigEntry
from ...lib.counters import CounterGuard
from ...lib.fronius.client import (
    FroniusClient,
    SolarApiConnectionError,
    SolarApiError,
    system_unique_id,
)
from ...lib.fronius.model import DeviceReading, InverterInfo, Value
from ...lib.fronius.poller import POWER_FLOW_INTERVAL, KnownInverter, SolarNetPoller
from ...lib.fronius.values import inverter_values, site_values
from ...lib.periods import Period, PeriodTotals
from ...lib.readings import ReadingFilter
from ...lib.vocabulary import LIFETIME_COUNTERS, MAX_RATES, Key
from ...storage import CounterStore
from .const import MANUFACTURER, PERIOD_RESET_TOLERANCE


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
        self.poller = SolarNetPoller(
            self.client, f"solar_net_{entry.unique_id or entry.entry_id}"
        )
        self.last_error: str | None = None
        self._readings = ReadingFilter()
        self._guard = CounterGuard(rates=MAX_RATES)
        self._day = PeriodTotals(Period.DAY, PERIOD_RESET_TOLERANCE)
        self._year = PeriodTotals(Period.YEAR, PERIOD_RESET_TOLERANCE)
        self._store = CounterStore(
            hass, entry, {"counters": self._guard}, extra=self._snapshot
        )

    @property
    def system_id(self) -> str:
        """Return the device ID of the system (the Datamanager or Gen24)."""
        return self.poller.system_id

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
            infos = await self.poller.start(dt_util.now())
        except SolarApiConnectionError as err:
            raise _unreachable(err) from err
        self._adopt_unique_id(infos)
        self.poller.restore_inverters(stored.get("inverters", {}))
        self.poller.add_inverters(infos)

    def _adopt_unique_id(self, infos: list[InverterInfo]) -> None:
        """Give an entry made without the wizard the system's unique ID."""
        entry = self.config_entry
        if entry.unique_id is not None:
            return
        unique_id = system_unique_id(self.poller.logger_info, infos)
        if (
            unique_id is None
            or self.hass.config_entries.async_entry_for_domain_unique_id(
                DOMAIN, unique_id
            )
        ):
            return
        self.hass.config_entries.async_update_entry(entry, unique_id=unique_id)
        self.poller.system_id = f"solar_net_{unique_id}"

    async def async_save(self) -> None:
        """Store counters and inverters now (on unload)."""
        await self._store.async_save()

    def _snapshot(self) -> dict[str, Any]:
        """Return what must survive a restart besides the counters."""
        return {
            "day": self._day.snapshot(),
            "year": self._year.snapshot(),
            "inverters": self.poller.inverters_snapshot(),
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
            await self.poller.poll(moment)
        except SolarApiError as err:
            return self._failed(err)
        self.poller.succeeded()
        self.last_error = None
        self.update_interval = self.poller.regular_interval()
        data = self._build(moment)
        self._store.async_schedule_save()
        return data

    def _failed(self, err: SolarApiError) -> FroniusData:
        """Count a failed poll; keep the data once, then give up and back off.

        Raises:
            UpdateFailed: unless the last values may be shown a while longer.
        """
        retry = self.poller.failed()
        self.update_interval = retry.delay
        self.last_error = str(err)
        # ``data`` stays None until a poll has succeeded.
        if self.data is not None and not retry.unreachable:
            LOGGER.debug("%s did not answer, retrying: %s", self.name, err)
            return self.data
        raise _unreachable(err) from err

    # Publishing.

    def _build(self, moment: datetime) -> FroniusData:
        """Turn the latest answers into device states."""
        stamp = moment.timestamp()
        poller = self.poller
        logger = poller.logger_info
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
        if poller.flow is not None:
            states[self.system_id] = DeviceState(
                self._readings.filter(
                    site_values(poller.flow, battery_soc=not poller.has_storage)
                )
            )
        for solar_net_id, inverter in poller.inverters.items():
            devices[inverter.device_id] = _inverter_device(inverter)
            states[inverter.device_id] = self._inverter_state(
                solar_net_id, inverter, moment, stamp
            )
        for kind, readings in (
            (DeviceKind.METER, poller.meters),
            (DeviceKind.BATTERY, poller.storages),
        ):
            for reading in readings or ():
                self._add_reading(devices, states, kind, reading, stamp)
        return FroniusData(devices, states)

    def _inverter_state(
        self,
        solar_net_id: str,
        inverter: KnownInverter,
        moment: datetime,
        stamp: float,
    ) -> DeviceState:
        """Return an inverter's state, counters guarded and periods derived."""
        system_flow = self.poller.flow
        flow = system_flow.inverters.get(solar_net_id) if system_flow else None
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
            "failures": self.poller.failures,
            "last_error": self.last_error,
            "update_interval": str(self.update_interval),
            "requests": self.client.requests,
            "supported": sorted(self.poller.supported),
            "unsupported": sorted(self.poller.unsupported),
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


def _inverter_device(inverter: KnownInverter) -> FroniusDevice:
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
