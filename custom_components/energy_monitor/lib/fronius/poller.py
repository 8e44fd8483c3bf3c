"""What to ask a Fronius system, and when: the polling policy of the Solar API.

A :class:`SolarNetPoller` decides each poll's requests and remembers what the
device answered:

* the power flow every :data:`POWER_FLOW_INTERVAL` (PV, grid, house and
  battery power);
* every inverter's realtime data, the smart meters and the batteries every
  :data:`DEVICE_INTERVAL`;
* the Datamanager and the inverter list every :data:`IDENTITY_INTERVAL`, and
  whenever the power flow names an inverter not seen yet (e.g. at sunrise
  after a start at night).

Endpoints a system doesn't have are tracked: one that never answered is asked
again only after the next identity check, while one that used to answer and
fails is an error. A poll that gets no answer backs off, starting from the
regular interval and doubling to :data:`MAX_BACKOFF`; only after
:data:`FAILURES_BEFORE_UNAVAILABLE` such polls in a row is the device taken
for unreachable.
"""

from collections.abc import Awaitable, Callable, Mapping
import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
import logging
from typing import Any, Final

from ..backoff import Backoff
from .client import FroniusClient, SolarApiStatusError, SolarApiUnsupportedError
from .model import (
    InverterInfo,
    InverterReading,
    LoggerInfo,
    MeterReading,
    PowerFlow,
    StorageReading,
    Value,
)

_LOGGER = logging.getLogger(__name__)

POWER_FLOW_INTERVAL: Final = timedelta(seconds=10)
"""How often the site's power flow is read."""
DEVICE_INTERVAL: Final = timedelta(minutes=1)
"""How often inverters, meters and batteries are read."""
IDENTITY_INTERVAL: Final = timedelta(hours=1)
"""How often the Datamanager and the inverter list are read again (new
inverters, firmware updates, endpoints that were not supported)."""
MAX_BACKOFF: Final = timedelta(minutes=5)
"""The longest wait between attempts while the device does not answer."""
FAILURES_BEFORE_UNAVAILABLE: Final = 2
"""Polls in a row that must fail before the device counts as unreachable: a
single lost answer keeps the last values."""

ANSWERED_WITHOUT_DATA = (SolarApiStatusError, SolarApiUnsupportedError)
"""Errors of a device that answered, but has no such data (now)."""

_POWER_FLOW = "power_flow"


@dataclass(slots=True)
class KnownInverter:
    """What the poller knows about one inverter."""

    info: InverterInfo
    device_id: str
    """The ID its device has (its serial number, or one made from its number)."""
    reading: InverterReading | None = None
    phases: Mapping[str, Value] | None = None
    online: bool | None = None


@dataclass(frozen=True, slots=True)
class Retry:
    """What to do after a poll that got no answer."""

    delay: timedelta
    """The wait before the next poll."""
    unreachable: bool
    """Whether enough polls failed in a row to call the device unreachable."""


class SolarNetPoller:
    """Poll a Fronius system; see the module docstring."""

    def __init__(self, client: FroniusClient, system_id: str) -> None:
        """Prepare to poll through ``client`` (nothing is requested yet).

        ``system_id`` names inverters that report no serial number.
        """
        self.client = client
        self.system_id = system_id
        self.logger_info: LoggerInfo | None = None
        self.flow: PowerFlow | None = None
        self.meters: list[MeterReading] | None = None
        self.storages: list[StorageReading] | None = None
        self.has_storage = False
        """A battery reported its own data (its state of charge comes from it)."""
        self.inverters: dict[str, KnownInverter] = {}
        """Inverters by their number on the Solar Net."""
        self.supported: set[str] = set()
        self.unsupported: set[str] = set()
        self._devices_due: datetime | None = None
        self._identity_due: datetime | None = None
        self._backoff = Backoff(maximum=MAX_BACKOFF.total_seconds())

    @property
    def failures(self) -> int:
        """Return the polls in a row that got no answer."""
        return self._backoff.failures

    def regular_interval(self) -> timedelta:
        """Return the poll interval: the power flow's, or the devices' without."""
        if _POWER_FLOW in self.supported:
            return POWER_FLOW_INTERVAL
        return DEVICE_INTERVAL

    async def start(self, moment: datetime) -> list[InverterInfo]:
        """Read the system's identity and inverter list (the first request).

        Raises:
            SolarApiConnectionError: when the device does not answer.
        """
        infos = await self.read_identity()
        self._identity_due = moment + IDENTITY_INTERVAL
        return infos

    def restore_inverters(self, stored: Mapping[str, Mapping[str, Any]]) -> None:
        """Know the inverters stored before a restart (asleep at night too)."""
        for solar_net_id, known in stored.items():
            if "device_id" not in known:
                continue
            info = InverterInfo(
                device_id=solar_net_id,
                unique_id=known.get("unique_id"),
                device_type=known.get("device_type"),
                custom_name=known.get("custom_name"),
            )
            self.inverters[solar_net_id] = KnownInverter(info, known["device_id"])

    def inverters_snapshot(self) -> dict[str, dict[str, Any]]:
        """Return the inverters as :meth:`restore_inverters` takes them."""
        return {
            solar_net_id: {
                "device_id": inverter.device_id,
                "unique_id": inverter.info.unique_id,
                "device_type": inverter.info.device_type,
                "custom_name": inverter.info.custom_name,
            }
            for solar_net_id, inverter in self.inverters.items()
        }

    async def poll(self, moment: datetime) -> None:
        """Read what is due.

        Raises:
            SolarApiError: when the device does not answer, or the power flow
                that it used to give fails.
        """
        if self._identity_due is None or moment >= self._identity_due:
            self._identity_due = moment + IDENTITY_INTERVAL
            self.unsupported.clear()
            self.add_inverters(await self.read_identity())
        if _POWER_FLOW not in self.unsupported:
            try:
                self.flow = await self.client.power_flow()
            except ANSWERED_WITHOUT_DATA:
                if _POWER_FLOW in self.supported:
                    raise
                self.unsupported.add(_POWER_FLOW)
            else:
                self.supported.add(_POWER_FLOW)
                if not self.flow.inverters.keys() <= self.inverters.keys():
                    await self._find_new_inverters(self.flow)
        if self._devices_due is None or moment >= self._devices_due:
            self._devices_due = moment + DEVICE_INTERVAL
            await self._read_devices()

    def succeeded(self) -> None:
        """Record a poll that was answered."""
        self._backoff.succeeded()

    def failed(self) -> Retry:
        """Record a poll that got no answer; say when and how to go on."""
        # The first failed poll waits the regular interval, then it doubles.
        self._backoff.first = self.regular_interval().total_seconds()
        delay = timedelta(seconds=self._backoff.failed())
        # After an outage the device may have restarted: read everything.
        self._devices_due = None
        self._identity_due = None
        return Retry(delay, self._backoff.failures >= FAILURES_BEFORE_UNAVAILABLE)

    async def read_identity(self) -> list[InverterInfo]:
        """Read the Datamanager's identity and the inverter list.

        Raises:
            SolarApiConnectionError: when the device does not answer.
        """
        with contextlib.suppress(*ANSWERED_WITHOUT_DATA):
            self.logger_info = await self.client.logger_info() or self.logger_info
        try:
            return await self.client.inverter_info()
        except ANSWERED_WITHOUT_DATA as err:
            _LOGGER.debug("%s lists no inverters: %s", self.client.url, err)
            return []

    async def _find_new_inverters(self, flow: PowerFlow) -> None:
        """Add the inverters the power flow names but the poller lacks.

        The inverter list is asked first (for serial numbers and names);
        an inverter it does not list is added with its number only.
        """
        self.add_inverters(await self.read_identity())
        self.add_inverters(
            [
                InverterInfo(device_id=solar_net_id, device_type=entry.device_type)
                for solar_net_id, entry in flow.inverters.items()
            ]
        )

    def add_inverters(self, infos: list[InverterInfo]) -> None:
        """Add new inverters and refresh what is known of the others."""
        used = {inverter.device_id for inverter in self.inverters.values()}
        for info in infos:
            if (known := self.inverters.get(info.device_id)) is not None:
                if info.unique_id is not None:
                    known.info = info
                continue
            device_id = info.unique_id
            if device_id is None or device_id in used:
                device_id = f"{self.system_id}_inverter_{info.device_id}"
            used.add(device_id)
            self.inverters[info.device_id] = KnownInverter(info, device_id)
            self._devices_due = None
            _LOGGER.debug("Fronius inverter %s found", info.device_id)

    async def _read_devices(self) -> None:
        """Read every inverter, the smart meters and the batteries.

        Raises:
            SolarApiConnectionError: when the device does not answer.
        """
        for solar_net_id, inverter in self.inverters.items():
            try:
                inverter.reading = await self.client.inverter_data(solar_net_id)
            except ANSWERED_WITHOUT_DATA as err:
                _LOGGER.debug("Fronius inverter %s: %s", solar_net_id, err)
                inverter.reading = None
            inverter.phases = await self._read_optional(
                f"inverter_{solar_net_id}_3p",
                partial(self.client.inverter_3p_data, solar_net_id),
            )
        self.meters = await self._read_optional("meters", self.client.meters)
        self.storages = await self._read_optional("storages", self.client.storages)
        self.has_storage = self.has_storage or bool(self.storages)

    async def _read_optional[T](
        self, name: str, request: Callable[[], Awaitable[T]]
    ) -> T | None:
        """Read an endpoint not every system has (``None``: no answer now).

        One that never answered is asked again only after the next identity
        check.

        Raises:
            SolarApiConnectionError: when the device does not answer.
        """
        if name in self.unsupported:
            return None
        try:
            found = await request()
        except ANSWERED_WITHOUT_DATA as err:
            _LOGGER.debug("%s has no %s now: %s", self.client.url, name, err)
            if name not in self.supported:
                self.unsupported.add(name)
            return None
        self.supported.add(name)
        return found
