"""The connection to a Modbus gateway or serial bus, shared by its meters.

A :class:`ModbusLink` is one physical connection: Modbus TCP, RTU framing over
TCP (transparent RS485 gateways, ser2net), or RTU on a serial port. Several
meters (unit IDs) behind one gateway share it: requests are serialized, one
at a time, as the bus requires. :class:`LinkPool` hands out one link per
endpoint and closes it when its last meter lets go.

The link reconnects by itself with a backoff (1 s doubling to a minute):
while it waits, reads fail at once instead of hammering a dead gateway.
Errors are translated into this module's exceptions, so callers never see
pymodbus types.

Home Assistant core 2026 has a shared Modbus connection API
(``modbus.async_get_unit``, built on modbus-connection and tmodbus) that lets
integrations share one connection per endpoint. It is not used here: it
needs Home Assistant (this package must not), a second Modbus stack next to
pymodbus, and it hands out units rather than the batched reads, backoff and
error classes this module provides. Meters of this integration share their
links among themselves through :class:`LinkPool`.
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum, StrEnum
import logging

from pymodbus import FramerType
from pymodbus.client import (
    AsyncModbusSerialClient,
    AsyncModbusTcpClient,
    ModbusBaseClient,
)
from pymodbus.exceptions import ConnectionException, ModbusException
from pymodbus.pdu import ExceptionResponse, ModbusPDU

from ..backoff import Backoff
from .schema import RegisterType

_LOGGER = logging.getLogger(__name__)
_PYMODBUS_LOGGER = logging.getLogger("pymodbus.logging")
_PER_ATTEMPT_MESSAGES = (
    "Failed to connect",
    "No response received",
    "Not connected, trying to connect",
)


class _DemotePerAttemptMessages(logging.Filter):
    """Turn pymodbus' per-attempt warnings into debug messages.

    pymodbus warns on every failed connect and every unanswered request; the
    link's users report an outage once when it starts and once when it ends
    instead, so these would only repeat the same news every few seconds.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Demote the per-attempt messages to debug."""
        if record.levelno > logging.DEBUG and str(record.msg).startswith(
            _PER_ATTEMPT_MESSAGES
        ):
            record.levelno = logging.DEBUG
            record.levelname = logging.getLevelName(logging.DEBUG)
            return _PYMODBUS_LOGGER.isEnabledFor(logging.DEBUG)
        return True


if not any(isinstance(f, _DemotePerAttemptMessages) for f in _PYMODBUS_LOGGER.filters):
    _PYMODBUS_LOGGER.addFilter(_DemotePerAttemptMessages())

DEFAULT_TIMEOUT = 3.0
"""Seconds to wait for a connection or a response."""
MIN_BACKOFF = 1.0
MAX_BACKOFF = 60.0


class Transport(StrEnum):
    """How Modbus frames travel."""

    TCP = "tcp"
    """Modbus TCP (MBAP header), e.g. a meter with Ethernet or a TCP gateway."""
    RTU_OVER_TCP = "rtuovertcp"
    """RTU frames over a TCP socket (transparent RS485 gateways, ser2net)."""
    SERIAL = "serial"
    """RTU on a local serial port (USB-RS485 adapter)."""


class ExceptionCode(IntEnum):
    """Modbus exception codes a meter answers with."""

    ILLEGAL_FUNCTION = 1
    ILLEGAL_ADDRESS = 2
    ILLEGAL_VALUE = 3
    DEVICE_FAILURE = 4
    DEVICE_BUSY = 6
    GATEWAY_PATH_UNAVAILABLE = 10
    GATEWAY_NO_RESPONSE = 11


class ModbusError(Exception):
    """A read failed."""


class ModbusConnectionError(ModbusError):
    """The gateway or serial port cannot be reached (or the link dropped)."""


class ModbusTimeoutError(ModbusError):
    """The meter did not answer (wrong unit ID, wiring, or a garbled reply)."""


class ModbusExceptionError(ModbusError):
    """The meter answered with a Modbus exception."""

    def __init__(self, code: int) -> None:
        """Keep the exception code."""
        super().__init__(f"Modbus exception {code}")
        self.code = code

    @property
    def no_response(self) -> bool:
        """Tell whether a gateway reports that the meter behind it is silent."""
        return self.code in {
            ExceptionCode.GATEWAY_PATH_UNAVAILABLE,
            ExceptionCode.GATEWAY_NO_RESPONSE,
        }

    @property
    def illegal_address(self) -> bool:
        """Tell whether the meter has no such register (or not this function)."""
        return self.code in {
            ExceptionCode.ILLEGAL_ADDRESS,
            ExceptionCode.ILLEGAL_FUNCTION,
        }


class ModbusFrameError(ModbusError):
    """The reply did not fit the request (wrong length, wrong function)."""


@dataclass(frozen=True, slots=True)
class TcpEndpoint:
    """A gateway or meter on the network."""

    host: str
    port: int = 502
    rtu_framing: bool = False
    """RTU frames over TCP instead of Modbus TCP."""

    @property
    def key(self) -> tuple[str, ...]:
        """Return what identifies the physical connection."""
        return ("tcp", self.host.lower(), str(self.port))

    def describe(self) -> str:
        """Return the endpoint as people write it."""
        return f"{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class SerialEndpoint:
    """A serial port (or any pyserial URL, e.g. ``socket://host:port``)."""

    port: str
    baudrate: int = 9600
    parity: str = "N"
    bytesize: int = 8
    stopbits: int = 1

    @property
    def key(self) -> tuple[str, ...]:
        """Return what identifies the physical connection."""
        return ("serial", self.port)

    def describe(self) -> str:
        """Return the endpoint as people write it."""
        return (
            f"{self.port} ({self.baudrate} {self.bytesize}{self.parity}{self.stopbits})"
        )


type Endpoint = TcpEndpoint | SerialEndpoint
type ClientFactory = Callable[[Endpoint, float], ModbusBaseClient]


def create_client(endpoint: Endpoint, timeout: float) -> ModbusBaseClient:
    """Create the pymodbus client of an endpoint (not connected yet).

    pymodbus' own reconnecting and retrying are off: the link decides.
    """
    if isinstance(endpoint, SerialEndpoint):
        return AsyncModbusSerialClient(
            endpoint.port,
            framer=FramerType.RTU,
            baudrate=endpoint.baudrate,
            parity=endpoint.parity,
            bytesize=endpoint.bytesize,
            stopbits=endpoint.stopbits,
            timeout=timeout,
            retries=0,
            reconnect_delay=0,
        )
    return AsyncModbusTcpClient(
        endpoint.host,
        port=endpoint.port,
        framer=FramerType.RTU if endpoint.rtu_framing else FramerType.SOCKET,
        timeout=timeout,
        retries=0,
        reconnect_delay=0,
    )


class ModbusLink:
    """One connection to a gateway or bus; see the module docstring."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        client_factory: ClientFactory = create_client,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """Prepare the link; it connects on the first read."""
        self.endpoint = endpoint
        self.timeout = timeout
        self._factory = client_factory
        self._clock = clock
        self._client: ModbusBaseClient | None = None
        self._lock = asyncio.Lock()
        self._backoff = Backoff(MIN_BACKOFF, MAX_BACKOFF)
        self._retry_at = 0.0
        self.requests = 0
        self.failures = 0
        self.reconnects = 0
        self.last_error: str | None = None

    def now(self) -> float:
        """Return the link's monotonic seconds (its meters' clock too)."""
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    @property
    def connected(self) -> bool:
        """Tell whether the connection is open."""
        return self._client is not None and self._client.connected

    async def read(
        self, unit_id: int, register_type: RegisterType, address: int, count: int
    ) -> list[int]:
        """Read ``count`` registers of one meter.

        Raises:
            ModbusConnectionError: when the gateway or port cannot be reached.
            ModbusTimeoutError: when the meter does not answer.
            ModbusExceptionError: when the meter answers with an exception.
            ModbusFrameError: when the answer does not fit the request.
        """
        async with self._lock:
            client = await self._connected_client()
            self.requests += 1
            try:
                response = await self._request(
                    client, unit_id, register_type, address, count
                )
            except ModbusError as err:
                self.failures += 1
                self.last_error = str(err)
                raise
            self.last_error = None
            return response

    async def _request(
        self,
        client: ModbusBaseClient,
        unit_id: int,
        register_type: RegisterType,
        address: int,
        count: int,
    ) -> list[int]:
        """Send one read and check the answer."""
        read = (
            client.read_holding_registers
            if register_type is RegisterType.HOLDING
            else client.read_input_registers
        )
        try:
            async with asyncio.timeout(self.timeout * 2 + 1):
                response: ModbusPDU = await read(
                    address, count=count, device_id=unit_id
                )
        except ConnectionException as err:
            self._close_client()
            raise ModbusConnectionError(str(err) or "connection lost") from err
        except (ModbusException, TimeoutError) as err:
            if not client.connected:
                # The link dropped while waiting (pymodbus gives up on it).
                self._close_client()
                raise ModbusConnectionError("connection lost") from err
            raise ModbusTimeoutError(
                f"no answer from unit {unit_id} at {self.endpoint.describe()}"
            ) from err
        if isinstance(response, ExceptionResponse):
            raise ModbusExceptionError(response.exception_code)
        registers = list(getattr(response, "registers", ()))
        if response.isError() or len(registers) != count:
            raise ModbusFrameError(
                f"asked {count} registers at {address}, got {len(registers)}"
            )
        return registers

    async def _connected_client(self) -> ModbusBaseClient:
        """Return a connected client, connecting if the backoff allows.

        Raises:
            ModbusConnectionError: when the endpoint cannot be reached (now).
        """
        # Let a pending "connection lost" land before the link is trusted.
        await asyncio.sleep(0)
        if self._client is not None and self._client.connected:
            return self._client
        self._close_client()
        now = self.now()
        if now < self._retry_at:
            raise ModbusConnectionError(
                f"{self.endpoint.describe()} unreachable; retrying in "
                f"{self._retry_at - now:.0f} s ({self.last_error})"
            )
        client = self._factory(self.endpoint, self.timeout)
        self.last_error = None
        try:
            async with asyncio.timeout(self.timeout + 1):
                connected = await client.connect()
        except (OSError, TimeoutError, ModbusException) as err:
            connected = False
            self.last_error = str(err) or type(err).__name__
        if not connected:
            client.close()
            self._retry_at = self.now() + self._backoff.failed()
            self.failures += 1
            self.last_error = self.last_error or "connection refused"
            raise ModbusConnectionError(
                f"cannot connect to {self.endpoint.describe()}: {self.last_error}"
            )
        if self._backoff.failures:
            self.reconnects += 1
            _LOGGER.debug("Reconnected to %s", self.endpoint.describe())
        self._backoff.succeeded()
        self._retry_at = 0.0
        self.last_error = None
        self._client = client
        return client

    def _close_client(self) -> None:
        """Close the current client, if any."""
        if self._client is not None:
            self._client.close()
            self._client = None

    async def close(self) -> None:
        """Close the connection (a later read opens it again)."""
        async with self._lock:
            self._close_client()

    def diagnostics(self) -> dict[str, object]:
        """Return the link's health figures."""
        return {
            "connected": self.connected,
            "requests": self.requests,
            "failures": self.failures,
            "reconnects": self.reconnects,
            "last_error": self.last_error,
        }


class LinkConflictError(ModbusError):
    """A serial port is already open with other line settings."""


class LinkPool:
    """One :class:`ModbusLink` per physical endpoint, shared and ref-counted."""

    def __init__(
        self,
        *,
        client_factory: ClientFactory = create_client,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """Start with no links (``clock``: the links' monotonic clock)."""
        self._factory = client_factory
        self._clock = clock
        self._links: dict[tuple[str, ...], tuple[ModbusLink, int]] = {}

    def acquire(
        self, endpoint: Endpoint, timeout: float = DEFAULT_TIMEOUT
    ) -> ModbusLink:
        """Return the link of ``endpoint``, opening a new one if needed.

        Raises:
            LinkConflictError: when the same port is in use with other settings.
        """
        key = endpoint.key
        if key in self._links:
            link, users = self._links[key]
            if link.endpoint != endpoint:
                raise LinkConflictError(
                    f"{endpoint.describe()} is already used as "
                    f"{link.endpoint.describe()}"
                )
            self._links[key] = (link, users + 1)
            return link
        link = ModbusLink(
            endpoint, timeout=timeout, client_factory=self._factory, clock=self._clock
        )
        self._links[key] = (link, 1)
        return link

    async def release(self, link: ModbusLink) -> None:
        """Let go of a link; the last user closes it."""
        key = link.endpoint.key
        current, users = self._links.get(key, (None, 0))
        if current is not link:
            return
        if users > 1:
            self._links[key] = (link, users - 1)
            return
        del self._links[key]
        await link.close()
