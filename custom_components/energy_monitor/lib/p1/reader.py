"""Read telegrams from a P1 port over the network or a serial line.

:class:`P1Reader` keeps a connection open for as long as its task runs: a
:class:`~..supervisor.Supervisor` guards it, so no error ends the task; it
reconnects with backoff (at once, then 1 s doubling to a minute) and closes a
connection that delivers no valid telegram for ``watchdog`` seconds (a dongle
whose TCP connection stays up while its data stopped). A connection that
simply closes after delivering telegrams is reopened at once and is not
reported as an outage; only a failure to get data back is, once per outage.

:func:`async_read_telegram` is the one-shot variant for a setup wizard: it
waits (bounded) for one valid telegram and explains why none arrived.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
import logging
from typing import NoReturn, Protocol

from serialx import Parity, SerialException, StopBits, open_serial_connection

from ..backoff import Backoff
from ..supervisor import Supervisor
from .framing import Rejection
from .model import MeterVariant, P1Telegram, RejectReason, SerialSettings
from .stream import P1StreamDecoder

_LOGGER = logging.getLogger(__name__)

CONNECT_TIMEOUT = 10.0
FLUSH_DELAY = 0.5
"""Quiet time after which a telegram ending in ``!`` is taken as complete."""
READ_SIZE = 4096

type Closer = Callable[[], None]

_DECISIVE = frozenset({RejectReason.ENCRYPTED, RejectReason.DECRYPTION_FAILED})
"""Rejections that settle a one-shot read at once: more data will not help.

The first encrypted frame shows that a key is needed; with a key, the first
frame whose authentication fails shows that the key is wrong.
"""


class P1ConnectionError(Exception):
    """The P1 port could not be opened."""


class NoTelegramError(Exception):
    """The port opened, but no valid telegram arrived in time."""

    def __init__(self, rejections: list[Rejection]) -> None:
        """Keep what was received instead of a valid telegram."""
        super().__init__(
            f"no valid telegram; {len(rejections)} rejected"
            if rejections
            else "no data from the meter"
        )
        self.rejections = rejections

    @property
    def reasons(self) -> set[RejectReason]:
        """Return the distinct reasons the received data was rejected."""
        return {rejection.reason for rejection in self.rejections}


class StalledError(Exception):
    """The connection is open but no valid telegram arrived for too long."""


class P1Endpoint(Protocol):
    """Where the telegrams come from."""

    def settings(self, variant: MeterVariant | None) -> tuple[SerialSettings, ...]:
        """Return the line settings to try, in order."""
        ...

    async def open(
        self, settings: SerialSettings
    ) -> tuple[asyncio.StreamReader, Closer]:
        """Open the connection; return a stream and a function that closes it."""
        ...


@dataclass(frozen=True, slots=True)
class NetworkEndpoint:
    """A P1 port exposed on TCP (ser2net, Wi-Fi P1 dongles)."""

    host: str
    port: int

    def settings(self, variant: MeterVariant | None) -> tuple[SerialSettings, ...]:
        """Return one placeholder: the line settings are the dongle's business."""
        return (SerialSettings.FAST,)

    async def open(
        self, settings: SerialSettings
    ) -> tuple[asyncio.StreamReader, Closer]:
        """Open a TCP connection."""
        reader, writer = await asyncio.open_connection(self.host, self.port)
        return reader, writer.close


@dataclass(frozen=True, slots=True)
class SerialEndpoint:
    """A P1 cable on a local serial port (or any serialx URL)."""

    port: str
    preferred: MeterVariant | None = None
    """The variant seen before; its line settings are tried first."""

    def settings(self, variant: MeterVariant | None) -> tuple[SerialSettings, ...]:
        """Return 115200 baud for DSMR 4/5, 9600 7E1 for 2.2, both when unknown."""
        if variant is None:
            if self.preferred is MeterVariant.DSMR_2_2:
                return (SerialSettings.SLOW, SerialSettings.FAST)
            return (SerialSettings.FAST, SerialSettings.SLOW)
        if variant is MeterVariant.DSMR_2_2:
            return (SerialSettings.SLOW,)
        return (SerialSettings.FAST,)

    async def open(
        self, settings: SerialSettings
    ) -> tuple[asyncio.StreamReader, Closer]:
        """Open the serial port with the given line settings."""
        slow = settings is SerialSettings.SLOW
        reader, writer = await open_serial_connection(
            url=self.port,
            baudrate=int(settings),
            parity=Parity.EVEN if slow else Parity.NONE,
            stopbits=StopBits.ONE,
            byte_size=7 if slow else 8,
        )
        return reader, writer.close


@dataclass(slots=True)
class _Deadline:
    """A loop time by which the next valid telegram must have arrived."""

    at: float


class P1Listener(Protocol):
    """Receives what a :class:`P1Reader` reads."""

    def telegram_received(self, telegram: P1Telegram) -> None:
        """Handle a valid telegram (also the sign that an outage ended)."""

    def telegram_rejected(self, rejection: Rejection) -> None:
        """Handle data that was not a valid telegram."""

    def connection_lost(self, error: Exception) -> None:
        """Handle the start of an outage (called once per outage)."""


async def _read_items(
    reader: asyncio.StreamReader,
    decoder: P1StreamDecoder,
    deadline: _Deadline,
) -> AsyncIterator[P1Telegram | Rejection]:
    """Yield decoded items until the stream ends.

    Raises:
        StalledError: when the deadline passes first.
    """
    loop = asyncio.get_running_loop()
    while True:
        remaining = deadline.at - loop.time()
        wait = min(remaining, FLUSH_DELAY) if decoder.awaiting_checksum else remaining
        try:
            if wait <= 0:
                raise TimeoutError  # noqa: TRY301
            async with asyncio.timeout(wait):
                chunk = await reader.read(READ_SIZE)
        except TimeoutError:
            if decoder.awaiting_checksum:
                for item in decoder.flush():
                    yield item
                continue
            raise StalledError("no valid telegram in time") from None
        if not chunk:
            for item in decoder.flush():
                yield item
            return
        for item in decoder.feed(chunk):
            yield item


async def _open(
    endpoint: P1Endpoint, settings: SerialSettings
) -> tuple[asyncio.StreamReader, Closer]:
    """Open the endpoint within :data:`CONNECT_TIMEOUT`.

    Raises:
        P1ConnectionError: when it cannot be opened.
    """
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT):
            return await endpoint.open(settings)
    except (OSError, TimeoutError, SerialException, ValueError) as err:
        raise P1ConnectionError(str(err) or type(err).__name__) from err


class P1Reader:
    """Keep reading a P1 port; see the module docstring."""

    def __init__(
        self,
        endpoint: P1Endpoint,
        listener: P1Listener,
        *,
        variant: MeterVariant | None = None,
        encryption_key: bytes | None = None,
        authentication_key: bytes | None = None,
        watchdog: float = 30.0,
        max_backoff: float = 60.0,
    ) -> None:
        """Create a reader; nothing happens until :meth:`run` is awaited."""
        self._endpoint = endpoint
        self._listener = listener
        self._variant = variant
        self._keys = (encryption_key, authentication_key)
        self._watchdog = watchdog
        self._settings = endpoint.settings(variant)
        self._settings_index = 0
        self._supervisor = Supervisor(
            self._session,
            listener.connection_lost,
            name="P1 reader",
            logger=_LOGGER,
            expected=(P1ConnectionError, StalledError, OSError, SerialException),
            backoff=Backoff(maximum=max_backoff),
        )

    @property
    def reconnects(self) -> int:
        """Return how many times the connection was opened again."""
        return self._supervisor.restarts

    def _decoder(self) -> P1StreamDecoder:
        """Create a decoder for a new connection."""
        return P1StreamDecoder(
            variant=self._variant,
            encryption_key=self._keys[0],
            authentication_key=self._keys[1],
        )

    async def run(self) -> NoReturn:
        """Read until cancelled, whatever fails (see :class:`Supervisor`)."""
        await self._supervisor.run()

    async def _session(self) -> None:
        """Read one connection until it closes.

        Raises:
            P1ConnectionError: when the connection cannot be opened.
            StalledError: when no valid telegram arrives for ``watchdog`` s.
        """
        settings = self._settings[self._settings_index % len(self._settings)]
        reader, close = await _open(self._endpoint, settings)
        loop = asyncio.get_running_loop()
        deadline = _Deadline(loop.time() + self._watchdog)
        delivered = False
        listener = self._listener
        try:
            async for item in _read_items(reader, self._decoder(), deadline):
                if isinstance(item, P1Telegram):
                    deadline.at = loop.time() + self._watchdog
                    listener.telegram_received(item)
                    delivered = True
                    self._supervisor.delivered()
                else:
                    listener.telegram_rejected(item)
        except StalledError:
            # Connected but silent: maybe the other line speed works.
            self._settings_index += 1
            if delivered:
                raise StalledError("the meter stopped sending telegrams") from None
            raise
        finally:
            close()


async def async_read_telegram(
    endpoint: P1Endpoint,
    *,
    variant: MeterVariant | None = None,
    encryption_key: bytes | None = None,
    authentication_key: bytes | None = None,
    timeout: float = 30.0,
) -> P1Telegram:
    """Wait for one valid telegram, trying each line setting in turn.

    An encrypted frame without a key, or one that the key does not decrypt,
    ends the wait at once (see :data:`_DECISIVE`).

    Raises:
        P1ConnectionError: when the port cannot be opened.
        NoTelegramError: when no valid telegram arrived within ``timeout``.
    """
    all_settings = endpoint.settings(variant)
    share = timeout / len(all_settings)
    loop = asyncio.get_running_loop()
    rejections: list[Rejection] = []
    for settings in all_settings:
        reader, close = await _open(endpoint, settings)
        deadline = _Deadline(loop.time() + share)
        decoder = P1StreamDecoder(
            variant=variant,
            encryption_key=encryption_key,
            authentication_key=authentication_key,
        )
        try:
            async for item in _read_items(reader, decoder, deadline):
                if isinstance(item, P1Telegram):
                    return item
                rejections.append(item)
                if item.reason in _DECISIVE:
                    raise NoTelegramError(rejections)
        except StalledError:
            pass
        finally:
            close()
    raise NoTelegramError(rejections)
