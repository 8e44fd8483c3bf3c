"""Talk to a Fronius inverter or Datamanager over the Solar API v1.

PyFronius builds the URLs, checks the answer's ``Head.Status`` and raises its
errors; :class:`FroniusClient` adds what a long-running poller needs:

* one request at a time per device (a Datamanager answers parallel requests
  slowly or not at all), each bounded by a timeout;
* errors sorted by what the caller should do: :class:`SolarApiConnectionError`
  (the device did not answer: retry later), :class:`SolarApiUnsupportedError`
  (no such endpoint here, or no JSON: e.g. an HTTP 404 or 500 page) and
  :class:`SolarApiStatusError` (the device answered with an error code, e.g.
  255 or 11 for an unsupported request, 12 for a sleeping inverter);
* answers parsed by :mod:`.parser`, so callers get model objects.

The API version is fixed to v1 (every Datamanager 2.0, Gen24 and Tauro):
negotiating it costs a request, and a device that does not answer
``GetAPIVersion`` would be taken for a v0 Datalogger.
"""

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
import contextlib
from dataclasses import dataclass
import ipaddress
from typing import Any, cast

import aiohttp
from pyfronius import (
    API_VERSION,
    BadStatusError,
    Fronius,
    FroniusConnectionError,
    InvalidAnswerError,
    NotSupportedError,
)
from yarl import URL

from .bounded import BoundedSession
from .model import (
    InverterInfo,
    InverterReading,
    LoggerInfo,
    MeterReading,
    PowerFlow,
    StorageReading,
    Value,
)
from .parser import (
    parse_inverter_3p_data,
    parse_inverter_data,
    parse_inverter_info,
    parse_logger_info,
    parse_meters,
    parse_power_flow,
    parse_storages,
)

REQUEST_TIMEOUT = 10.0
"""Seconds a request may take; a busy Datamanager needs a few."""
STATUS_LN_REQUEST_TIMEOUT = 8
"""The Datamanager timed out asking the inverter (about 1% of requests)."""


_NOT_HTTP = (aiohttp.ClientResponseError, aiohttp.ServerDisconnectedError)
"""Errors of a device that took the connection but answered no HTTP (another
service on that port): not a Fronius, rather than unreachable."""


class SolarApiError(Exception):
    """A request to the Solar API failed."""


class SolarApiConnectionError(SolarApiError):
    """The device could not be reached or did not answer in time."""


class SolarApiUnsupportedError(SolarApiError):
    """The device has no such endpoint (or answered without JSON)."""


class NoInverterError(SolarApiUnsupportedError):
    """A device without a Datamanager lists no inverter (it may be asleep)."""


class SolarApiStatusError(SolarApiError):
    """The device answered with an error status in ``Head.Status``."""

    def __init__(self, code: int | None, reason: str) -> None:
        """Keep the status code and the device's reason."""
        super().__init__(f"status {code}: {reason}" if reason else f"status {code}")
        self.code = code


def device_url(host: str) -> str:
    """Return the base URL of a device from a host as users type it.

    Accepts an IP address or host name with an optional port
    (``192.168.1.20``, ``inverter.local:8080``, ``fe80::1``,
    ``[fe80::1]:8080``) or a full ``http(s)://`` URL.

    Raises:
        ValueError: when ``host`` is not a host (spaces, a path, ...).
    """
    text = host.strip()
    if "://" not in text:
        with contextlib.suppress(ValueError):
            if isinstance(ipaddress.ip_address(text), ipaddress.IPv6Address):
                text = f"[{text}]"
        text = f"http://{text}"
    url = URL(text)
    if (
        url.scheme not in {"http", "https"}
        or not url.host
        or " " in text
        or url.path not in {"", "/"}
        or url.query_string
        or url.user
    ):
        raise ValueError(f"not a host: {host!r}")
    return str(url.origin())


def with_address(host: str, address: str) -> str:
    """Return ``host`` (as users type it) pointing at another IP address.

    The scheme and port the user gave are kept: ``192.168.1.5:8080`` with
    ``192.168.1.9`` gives ``192.168.1.9:8080``.

    Raises:
        ValueError: when ``host`` is not a host.
    """
    url = URL(device_url(host)).with_host(address)
    text = str(url.origin())
    return text if "://" in host else text.removeprefix(f"{url.scheme}://")


def host_address(host: str) -> str | None:
    """Return the IP address or name in ``host`` (``None`` if it is none)."""
    try:
        return URL(device_url(host)).host
    except ValueError:
        return None


def system_unique_id(
    logger: LoggerInfo | None, inverters: Iterable[InverterInfo]
) -> str | None:
    """Return a system's unique ID: the Datamanager's, else the first inverter's.

    ``None`` when there is no Datamanager and no inverter with a serial number.
    """
    if logger is not None:
        return logger.unique_id
    return next((info.unique_id for info in inverters if info.unique_id), None)


def _keep_body(data: Mapping[str, Any]) -> dict[str, Any]:
    """Hand PyFronius' body back unconverted; :mod:`.parser` reads it."""
    return {"body": data}


@dataclass(frozen=True, slots=True)
class SolarNetIdentity:
    """Who answers at a host: the Datamanager and/or its inverters."""

    unique_id: str
    """See :func:`system_unique_id`."""
    logger: LoggerInfo | None
    inverters: tuple[InverterInfo, ...]


class FroniusClient:
    """Requests to one Fronius device, one at a time."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        *,
        timeout: float | None = None,
    ) -> None:
        """Prepare requests to ``host`` (not connecting yet).

        Args:
            session: the HTTP session to send them with.
            host: the device (see :func:`device_url`).
            timeout: seconds per request (default :data:`REQUEST_TIMEOUT`).

        Raises:
            ValueError: when ``host`` is not a host.
        """
        self.url = device_url(host)
        # PyFronius only calls ``get`` and the response's ``json``.
        bounded = cast("aiohttp.ClientSession", BoundedSession(session))
        self._fronius = Fronius(bounded, self.url, api_version=API_VERSION.V1)
        self._timeout = REQUEST_TIMEOUT if timeout is None else timeout
        self._lock = asyncio.Lock()
        self.requests = 0
        """Requests sent since the client was created."""

    async def _get(
        self,
        request: Callable[..., Awaitable[dict[str, Any]]],
        *args: str,
    ) -> object:
        """Send one request and return the body of its answer.

        Raises:
            SolarApiConnectionError: no answer (timeout, refused, HTTP error).
            SolarApiUnsupportedError: no such endpoint, or no JSON.
            SolarApiStatusError: the device answered with an error status.
        """
        async with self._lock:
            self.requests += 1
            try:
                async with asyncio.timeout(self._timeout):
                    answer = await request(*args, ext_cb_conversion=_keep_body)
            except TimeoutError as err:
                raise SolarApiConnectionError(
                    f"no answer from {self.url} within {self._timeout:g} s"
                ) from err
            except BadStatusError as err:
                status: Mapping[str, Any] = err.response.get("status") or {}
                raise SolarApiStatusError(
                    _code(status.get("Code")), str(status.get("Reason") or "")
                ) from err
            except FroniusConnectionError as err:
                if isinstance(err.__context__, _NOT_HTTP):
                    raise SolarApiUnsupportedError(
                        f"{self.url} does not answer in HTTP"
                    ) from err
                raise SolarApiConnectionError(str(err)) from err
            except (NotSupportedError, InvalidAnswerError) as err:
                raise SolarApiUnsupportedError(str(err)) from err
        return answer.get("body")

    async def logger_info(self) -> LoggerInfo | None:
        """Return the Datamanager's identity (``None`` without a unique ID)."""
        return parse_logger_info(await self._get(self._fronius.current_logger_info))

    async def inverter_info(self) -> list[InverterInfo]:
        """Return the inverters the system lists (none while they sleep)."""
        return parse_inverter_info(await self._get(self._fronius.inverter_info))

    async def power_flow(self) -> PowerFlow:
        """Return the site's power flow."""
        return parse_power_flow(await self._get(self._fronius.current_power_flow))

    async def inverter_data(self, device_id: str) -> InverterReading:
        """Return one inverter's realtime data.

        A Datamanager that times out asking the inverter (status 8) is asked
        again, twice at most.
        """
        attempts = 3
        while True:
            try:
                body = await self._get(self._fronius.current_inverter_data, device_id)
            except SolarApiStatusError as err:
                attempts -= 1
                if err.code != STATUS_LN_REQUEST_TIMEOUT or not attempts:
                    raise
            else:
                return parse_inverter_data(body)

    async def inverter_3p_data(self, device_id: str) -> dict[str, Value]:
        """Return one inverter's per-phase AC values."""
        return parse_inverter_3p_data(
            await self._get(self._fronius.current_inverter_3p_data, device_id)
        )

    async def meters(self) -> list[MeterReading]:
        """Return the smart meters' readings."""
        return parse_meters(await self._get(self._fronius.current_system_meter_data))

    async def storages(self) -> list[StorageReading]:
        """Return the batteries' readings."""
        return parse_storages(
            await self._get(self._fronius.current_system_storage_data)
        )

    async def identify(self) -> SolarNetIdentity:
        """Find out who answers: a Datamanager, else a Gen24/Tauro inverter.

        Raises:
            SolarApiConnectionError: when the device does not answer.
            SolarApiUnsupportedError: when it answers, but not as a Fronius
                device.
            NoInverterError: when it lists neither a Datamanager nor an
                inverter with a serial number.
        """
        logger: LoggerInfo | None = None
        with contextlib.suppress(SolarApiStatusError, SolarApiUnsupportedError):
            logger = await self.logger_info()
        try:
            inverters = await self.inverter_info()
        except SolarApiStatusError, SolarApiUnsupportedError:
            if logger is None:
                raise SolarApiUnsupportedError(
                    f"{self.url} answers neither GetLoggerInfo nor GetInverterInfo"
                ) from None
            inverters = []
        unique_id = system_unique_id(logger, inverters)
        if unique_id is None:
            raise NoInverterError(f"{self.url} lists no inverter with a serial number")
        return SolarNetIdentity(unique_id, logger, tuple(inverters))


def _code(value: object) -> int | None:
    """Return a status code as an int."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None
