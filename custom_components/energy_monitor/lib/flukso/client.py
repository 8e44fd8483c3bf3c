"""Read a Flukso meter's own MQTT broker (or any broker its topics reach).

:class:`FluksoClient` keeps one MQTT connection (aiomqtt) for as long as its
task runs, under a :class:`~..supervisor.Supervisor`: any error is one
outage (reported once), it reconnects with backoff, and only cancellation
ends :meth:`FluksoClient.run`. Messages go to a
:class:`~.decoder.FluksoDecoder` as they arrive; the retained configuration
comes again on every connection.

:func:`async_discover` is the one-shot variant for a setup wizard: it waits
(bounded) for a meter's retained configuration.
"""

import asyncio
from collections.abc import Callable, Mapping
import logging
from typing import NoReturn

import aiomqtt

from ..backoff import Backoff
from ..supervisor import Supervisor
from .decoder import SUBSCRIPTIONS, ConfigWaiter, FluksoDecoder
from .model import FluksoSensor

_LOGGER = logging.getLogger(__name__)

CONNECT_TIMEOUT = 10.0
KEEPALIVE = 30
"""Seconds between pings: a broker that went away is noticed within ~1.5x."""
MAX_QUEUED_MESSAGES = 1024
"""Messages buffered between the socket and the decoder (bounded)."""
SETTLE_TIME = 0.5
"""Seconds the wizard waits after the first configuration for the rest."""


class FluksoConnectionError(Exception):
    """The broker could not be reached."""


class NoConfigError(Exception):
    """The broker answered, but no Flukso meter configuration arrived in time."""


def _client(host: str, port: int) -> aiomqtt.Client:
    """Return an MQTT client of the broker (not connected yet)."""
    return aiomqtt.Client(
        host,
        port,
        keepalive=KEEPALIVE,
        timeout=CONNECT_TIMEOUT,
        max_queued_incoming_messages=MAX_QUEUED_MESSAGES,
    )


async def _subscribe(client: aiomqtt.Client, topics: tuple[str, ...]) -> None:
    """Subscribe to ``topics``."""
    await client.subscribe([(topic, 0) for topic in topics])


class FluksoClient:
    """Keep reading a broker; see the module docstring."""

    def __init__(
        self,
        host: str,
        port: int,
        decoder: FluksoDecoder,
        on_outage: Callable[[Exception], None],
        *,
        backoff: Backoff | None = None,
    ) -> None:
        """Read ``host:port`` into ``decoder``; ``on_outage`` starts an outage."""
        self._host = host
        self._port = port
        self._decoder = decoder
        self._supervisor = Supervisor(
            self._session,
            on_outage,
            name=f"Flukso broker {host}:{port}",
            logger=_LOGGER,
            expected=(aiomqtt.MqttError, OSError, TimeoutError),
            backoff=backoff,
        )

    @property
    def reconnects(self) -> int:
        """Return how many connections were opened after the first."""
        return self._supervisor.restarts

    async def run(self) -> NoReturn:
        """Read until cancelled."""
        await self._supervisor.run()

    async def _session(self) -> None:
        """Read one connection until it ends."""
        async with _client(self._host, self._port) as client:
            await _subscribe(client, SUBSCRIPTIONS)
            async for message in client.messages:
                payload = message.payload
                if isinstance(payload, bytes):
                    self._supervisor.delivered()
                    self._decoder.handle(message.topic.value, payload)


async def async_discover(
    host: str, port: int, timeout: float
) -> dict[str, tuple[FluksoSensor, ...]]:
    """Return the enabled sensors of the meters a broker has, by meter ID.

    Raises:
        FluksoConnectionError: when the broker cannot be reached.
        NoConfigError: when no meter configuration arrived within ``timeout``.
    """
    waiter = ConfigWaiter()
    decoder = FluksoDecoder(waiter)
    try:
        async with _client(host, port) as client:
            await _subscribe(client, SUBSCRIPTIONS[:1])
            await _read_config(client, decoder, waiter.found, timeout)
    except aiomqtt.MqttError as err:
        raise FluksoConnectionError(str(err)) from err
    return sensors_by_device(decoder.sensors)


async def _read_config(
    client: aiomqtt.Client,
    decoder: FluksoDecoder,
    found: asyncio.Event,
    timeout: float,
) -> None:
    """Feed ``decoder`` until a configuration arrived and settled.

    Raises:
        NoConfigError: when none arrived within ``timeout``.
    """

    async def read() -> None:
        async for message in client.messages:
            if isinstance(message.payload, bytes):
                decoder.handle(message.topic.value, message.payload)

    reader = asyncio.ensure_future(read())
    try:
        async with asyncio.timeout(timeout):
            await found.wait()
        await asyncio.sleep(SETTLE_TIME)
    except TimeoutError:
        raise NoConfigError("no Flukso configuration on this broker") from None
    finally:
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)


def sensors_by_device(
    sensors: Mapping[str, FluksoSensor],
) -> dict[str, tuple[FluksoSensor, ...]]:
    """Group sensors by the meter that configures them."""
    grouped: dict[str, list[FluksoSensor]] = {}
    for sensor in sensors.values():
        grouped.setdefault(sensor.device_id, []).append(sensor)
    return {device: tuple(found) for device, found in grouped.items()}
