"""Reading a P1 port over real loopback sockets: reconnects, stalls, serial."""

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from unittest.mock import patch

import pytest

from custom_components.energy_monitor.lib.p1 import reader as reader_module
from custom_components.energy_monitor.lib.p1.framing import Rejection
from custom_components.energy_monitor.lib.p1.model import (
    MeterVariant,
    P1Telegram,
    SerialSettings,
)
from custom_components.energy_monitor.lib.p1.reader import (
    Closer,
    NetworkEndpoint,
    NoTelegramError,
    P1ConnectionError,
    P1Reader,
    SerialEndpoint,
    StalledError,
    async_read_telegram,
)
from simulators.p1 import P1Simulator
from tests.p1.helpers import ServeBytes, load_sample


class Recorder:
    """A listener that remembers what the reader reported (and its attempts)."""

    def __init__(self) -> None:
        """Start empty."""
        self.telegrams: list[P1Telegram] = []
        self.rejections: list[Rejection] = []
        self.outages: list[Exception] = []
        self._news = asyncio.Event()

    def telegram_received(self, telegram: P1Telegram) -> None:
        """Record a telegram."""
        self.telegrams.append(telegram)
        self._news.set()

    def telegram_rejected(self, rejection: Rejection) -> None:
        """Record a rejection."""
        self.rejections.append(rejection)
        self._news.set()

    def connection_lost(self, error: Exception) -> None:
        """Record an outage."""
        self.outages.append(error)
        self._news.set()

    def attempt(self) -> None:
        """Note a connection attempt (see :class:`WatchedEndpoint`)."""
        self._news.set()

    async def until(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until ``condition()`` holds, checking it after each report.

        What the reader reports comes from real loopback I/O: a bounded wait
        on the reports, no polling.
        """
        async with asyncio.timeout(timeout):
            while not condition():
                self._news.clear()
                await self._news.wait()


@dataclass(frozen=True, slots=True)
class WatchedEndpoint:
    """A network endpoint that tells the recorder about every connection attempt."""

    endpoint: NetworkEndpoint
    recorder: Recorder

    def settings(self, variant: MeterVariant | None) -> tuple[SerialSettings, ...]:
        """Return the endpoint's settings."""
        return self.endpoint.settings(variant)

    async def open(
        self, settings: SerialSettings
    ) -> tuple[asyncio.StreamReader, Closer]:
        """Note the attempt, then open the endpoint."""
        self.recorder.attempt()
        return await self.endpoint.open(settings)


@pytest.fixture
async def running_reader(
    p1_simulator: P1Simulator,
) -> AsyncIterator[tuple[P1Reader, Recorder]]:
    """Run a reader against the DSMR 5 simulator."""
    recorder = Recorder()
    reader = P1Reader(
        WatchedEndpoint(NetworkEndpoint("127.0.0.1", p1_simulator.port), recorder),
        recorder,
        watchdog=0.5,
        max_backoff=0.2,
    )
    task = asyncio.create_task(reader.run())
    yield reader, recorder
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_outage_is_reported_once_and_recovers(
    running_reader: tuple[P1Reader, Recorder], p1_simulator: P1Simulator
) -> None:
    """Meter gone: one outage report, however many retries; then data again."""
    reader, recorder = running_reader
    await recorder.until(lambda: len(recorder.telegrams) >= 2)
    await p1_simulator.stop()
    await recorder.until(lambda: len(recorder.outages) == 1)
    retries = reader.reconnects
    await recorder.until(lambda: reader.reconnects >= retries + 3)
    assert len(recorder.outages) == 1
    assert isinstance(recorder.outages[0], P1ConnectionError)
    received = len(recorder.telegrams)
    await p1_simulator.start()
    await recorder.until(lambda: len(recorder.telegrams) > received + 2)
    assert len(recorder.outages) == 1


async def test_closed_connection_is_reopened_without_an_outage(
    running_reader: tuple[P1Reader, Recorder], p1_simulator: P1Simulator
) -> None:
    """A dongle that drops the TCP connection is reconnected at once."""
    _, recorder = running_reader
    await recorder.until(lambda: len(recorder.telegrams) >= 2)
    await p1_simulator.disconnect_clients()
    received = len(recorder.telegrams)
    await recorder.until(lambda: len(recorder.telegrams) > received + 2)
    assert recorder.outages == []
    assert p1_simulator.connections >= 2


async def test_silent_connection_is_an_outage(
    running_reader: tuple[P1Reader, Recorder], p1_simulator: P1Simulator
) -> None:
    """A connection that stays open but delivers nothing trips the watchdog."""
    _, recorder = running_reader
    await recorder.until(lambda: len(recorder.telegrams) >= 2)
    p1_simulator.pause()
    await recorder.until(lambda: len(recorder.outages) == 1)
    assert isinstance(recorder.outages[0], StalledError)
    p1_simulator.resume()
    received = len(recorder.telegrams)
    await recorder.until(lambda: len(recorder.telegrams) > received)


async def test_faults_are_rejected_and_reading_goes_on(
    running_reader: tuple[P1Reader, Recorder], p1_simulator: P1Simulator
) -> None:
    """Bad CRCs and truncated telegrams are reported; good ones keep coming."""
    _, recorder = running_reader
    await recorder.until(lambda: len(recorder.telegrams) >= 1)
    p1_simulator.inject("bad_crc", 2)
    p1_simulator.inject("truncated")
    p1_simulator.inject("garbage")
    await recorder.until(lambda: len(recorder.rejections) >= 3)
    received = len(recorder.telegrams)
    await recorder.until(lambda: len(recorder.telegrams) > received + 2)
    assert sorted(r.reason for r in recorder.rejections[:3]) == [
        "crc_mismatch",
        "crc_mismatch",
        "truncated",
    ]


async def test_read_one_telegram(p1_simulator: P1Simulator) -> None:
    """The wizard's one-shot read returns the first valid telegram."""
    telegram = await async_read_telegram(
        NetworkEndpoint("127.0.0.1", p1_simulator.port), timeout=2
    )
    assert telegram.equipment_id == "E0044007382246019"


async def test_read_from_a_closed_port(socket_enabled: None) -> None:
    """Nothing listening: a connection error."""
    server = await asyncio.start_server(lambda _reader, _writer: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    with pytest.raises(P1ConnectionError):
        await async_read_telegram(NetworkEndpoint("127.0.0.1", port), timeout=1)


async def test_read_from_a_silent_port(serve_bytes: ServeBytes) -> None:
    """Connected, but nothing arrives: NoTelegramError without rejections."""
    port = await serve_bytes(b"")
    with pytest.raises(NoTelegramError) as caught:
        await async_read_telegram(NetworkEndpoint("127.0.0.1", port), timeout=0.3)
    assert caught.value.reasons == set()
    assert str(caught.value) == "no data from the meter"


async def test_read_only_bad_telegrams(serve_bytes: ServeBytes) -> None:
    """Only CRC failures: NoTelegramError says why."""
    payload, _ = load_sample("lu_smarty_spec_example_4mbus_badcrc")
    port = await serve_bytes(payload + b"\r\n")
    with pytest.raises(NoTelegramError) as caught:
        await async_read_telegram(NetworkEndpoint("127.0.0.1", port), timeout=0.3)
    assert caught.value.reasons == {"crc_mismatch"}
    assert "1 rejected" in str(caught.value)


async def test_telegram_ending_in_bang_is_taken_after_a_quiet_time(
    serve_bytes: ServeBytes,
) -> None:
    """A DSMR 2.2 stream that stops right after '!' still yields the telegram."""
    payload, _ = load_sample("nl_dsmr22_kamstrup_kmp5")
    port = await serve_bytes(payload)
    telegram = await async_read_telegram(NetworkEndpoint("127.0.0.1", port), timeout=2)
    assert telegram.variant is MeterVariant.DSMR_2_2


async def test_stream_that_ends_after_bang(serve_bytes: ServeBytes) -> None:
    """A peer that closes right after '!' still delivers its telegram."""
    payload, _ = load_sample("nl_dsmr22_kamstrup_kmp5")

    async def serve_and_close(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        writer.write(payload)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve_and_close, "127.0.0.1", 0)
    try:
        telegram = await async_read_telegram(
            NetworkEndpoint("127.0.0.1", server.sockets[0].getsockname()[1]),
            timeout=2,
        )
    finally:
        server.close()
        await server.wait_closed()
    assert telegram.equipment_id == "205C4D246333034353537383234323121"


def test_serial_line_settings() -> None:
    """Auto tries 115200 then 9600 7E1 (the setting seen before goes first)."""
    fast, slow = SerialSettings.FAST, SerialSettings.SLOW
    assert SerialEndpoint("/dev/ttyUSB0").settings(None) == (fast, slow)
    assert SerialEndpoint("/dev/ttyUSB0", MeterVariant.DSMR_2_2).settings(None) == (
        slow,
        fast,
    )
    assert SerialEndpoint("/dev/ttyUSB0").settings(MeterVariant.DSMR_2_2) == (slow,)
    assert SerialEndpoint("/dev/ttyUSB0").settings(MeterVariant.BELGIUM) == (fast,)


async def test_serial_auto_detects_the_line_speed() -> None:
    """A DSMR 2.2 meter answers only at 9600 baud: auto finds it there."""
    payload, _ = load_sample("nl_dsmr22_kamstrup_kmp5")
    opened: list[dict[str, object]] = []

    async def fake_serial(**kwargs: object) -> tuple[asyncio.StreamReader, object]:
        opened.append(kwargs)
        stream = asyncio.StreamReader()
        if kwargs["baudrate"] == 9600:
            stream.feed_data(payload + b"\r\n")
        else:
            stream.feed_data(b"\x00\xff" * 20)  # noise at the wrong speed

        class Writer:
            def close(self) -> None:
                stream.feed_eof()

        return stream, Writer()

    with patch.object(reader_module, "open_serial_connection", fake_serial):
        telegram = await async_read_telegram(
            SerialEndpoint("/dev/ttyUSB0"), timeout=0.6
        )
    assert telegram.variant is MeterVariant.DSMR_2_2
    assert [(o["baudrate"], o["byte_size"], o["parity"]) for o in opened] == [
        (115200, 8, "N"),
        (9600, 7, "E"),
    ]


async def test_serial_port_that_does_not_exist() -> None:
    """An unknown serial port is a connection error."""
    with pytest.raises(P1ConnectionError):
        await async_read_telegram(SerialEndpoint("/dev/does-not-exist"), timeout=0.5)


class BrokenRecorder(Recorder):
    """A listener whose first telegram raises (like a bad stored counter did)."""

    def telegram_received(self, telegram: P1Telegram) -> None:
        """Raise on the first telegram, record the others."""
        if not self.outages:
            raise TypeError("'<' not supported between 'float' and 'NoneType'")
        super().telegram_received(telegram)


async def test_any_error_is_an_outage_and_reading_goes_on(
    p1_simulator: P1Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """An error the reader does not expect never ends it: reported, logged."""
    recorder = BrokenRecorder()
    reader = P1Reader(
        NetworkEndpoint("127.0.0.1", p1_simulator.port), recorder, watchdog=0.5
    )
    task = asyncio.create_task(reader.run())
    try:
        await recorder.until(lambda: len(recorder.telegrams) >= 2)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert [type(error) for error in recorder.outages] == [TypeError]
    assert "P1 reader failed unexpectedly" in caplog.text
    assert "Traceback" in caplog.text
