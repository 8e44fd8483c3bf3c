"""P1 faults through Home Assistant: a loopback dongle that misbehaves on command.

Every way a TCP link dies (the dongle restarting, RST, a stall, a half-open
connection), also right after an earlier outage: the entities go unavailable,
the log has one line per outage with its cause, the reader reconnects (at
once once data flowed again) and the values come back. Valid telegrams that
lack a register or an MBus ID line neither flicker nor create devices.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
import socket
import struct
from typing import cast

from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.energy_monitor.sources.p1 import P1Runtime
from custom_components.energy_monitor.sources.p1.const import READ_WATCHDOG
from tests.common import entity_id_for, state_for, until
from tests.p1.helpers import TelegramFactory, p1_entry, strip_lines

LOST = "Lost the P1 meter"


class Dongle:
    """A P1 dongle on a loopback port that sends what the test says."""

    def __init__(self) -> None:
        """Create the dongle; :meth:`start` opens its port."""
        self.factory = TelegramFactory()
        self.port = 0
        self.greeting = True
        """Send a telegram to every new connection."""
        self.accepted: list[asyncio.StreamWriter] = []
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        """Listen (again, on the same port)."""
        self._server = await asyncio.start_server(
            self._accept, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def _accept(
        self, _reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Take a connection; greet it with a telegram if told to."""
        self.accepted.append(writer)
        if self.greeting:
            writer.write(self.factory.telegram())

    async def send(self, payload: bytes | None = None, *, watts: float = 500) -> None:
        """Send a telegram (by default the next one, at ``watts``)."""
        writer = self.accepted[-1]
        writer.write(payload or self.factory.telegram(watts))
        await writer.drain()

    async def stop(self) -> None:
        """Restart: close every connection (FIN) and the port."""
        assert self._server is not None
        self._server.close()
        for writer in self.accepted:
            writer.close()
        await self._server.wait_closed()

    def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0)."""
        writer = self.accepted[-1]
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    async def vanish(self) -> None:
        """Reboot silently: the open connection never hears a FIN or RST again."""
        assert self._server is not None
        self._server.close()  # the listening socket only
        await self.start()

    def close(self) -> None:
        """Close everything (end of test)."""
        for writer in self.accepted:
            writer.close()
        if self._server is not None:
            self._server.close()


@pytest.fixture
async def dongle(socket_enabled: None) -> AsyncIterator[Dongle]:
    """Run a dongle on a loopback port."""
    dongle = Dongle()
    await dongle.start()
    yield dongle
    dongle.close()


async def set_up(hass: HomeAssistant, dongle: Dongle) -> P1Runtime:
    """Set up a P1 entry for the dongle; return its runtime."""
    entry = p1_entry(dongle.port)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    dongle.greeting = False
    return cast("P1Runtime", entry.runtime_data)


def elapse(hass: HomeAssistant, seconds: float) -> None:
    """Run the timers due within ``seconds`` (frozen-time style)."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))


async def reconnected(
    hass: HomeAssistant, dongle: Dongle, connections: int, *, wait_backoff: bool
) -> None:
    """Wait until the reader opened another connection.

    With ``wait_backoff`` the backoff delays are run (the watchdog of a fresh
    connection is far longer); without, the reader must reconnect at once.
    """
    for _ in range(250):  # no asyncio.timeout: elapse() would fire it
        if len(dongle.accepted) > connections:
            return
        if wait_backoff:
            elapse(hass, 10)
        await asyncio.sleep(0.02)
    pytest.fail("the reader did not reconnect")


def grid_power(hass: HomeAssistant) -> str:
    """Return the state of the grid power sensor."""
    return state_for(hass, "grid_power").state


def outage_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the log lines that report an outage."""
    return [r.getMessage() for r in caplog.records if LOST in r.getMessage()]


async def restart_dongle(hass: HomeAssistant, dongle: Dongle) -> None:
    """The dongle restarts: its port is closed, then open again."""
    connections = len(dongle.accepted)
    await dongle.stop()
    await until(hass, lambda: grid_power(hass) == STATE_UNAVAILABLE)
    await dongle.start()
    await reconnected(hass, dongle, connections, wait_backoff=True)


async def reset(hass: HomeAssistant, dongle: Dongle) -> None:
    """The dongle aborts the connection with an RST."""
    dongle.reset()
    await until(hass, lambda: grid_power(hass) == STATE_UNAVAILABLE)


async def stall(hass: HomeAssistant, dongle: Dongle) -> None:
    """The dongle keeps the connection but sends nothing for the watchdog time."""
    elapse(hass, READ_WATCHDOG + 1)
    await until(hass, lambda: grid_power(hass) == STATE_UNAVAILABLE)


async def half_open(hass: HomeAssistant, dongle: Dongle) -> None:
    """The dongle reboots silently: the connection is half-open."""
    await dongle.vanish()
    await stall(hass, dongle)


FAULTS: dict[str, tuple[Callable[[HomeAssistant, Dongle], Awaitable[None]], str]] = {
    "restart": (restart_dongle, "Connect call failed"),
    "rst": (reset, "Connection reset by peer"),
    "stall": (stall, "the meter stopped sending telegrams"),
    "half_open": (half_open, "the meter stopped sending telegrams"),
}


@pytest.mark.parametrize("fault", FAULTS)
async def test_losing_the_meter_right_after_an_outage(
    hass: HomeAssistant,
    dongle: Dongle,
    caplog: pytest.LogCaptureFixture,
    fault: str,
) -> None:
    """Each fault, also right after an outage: unavailable, logged, back."""
    inject, cause = FAULTS[fault]
    await set_up(hass, dongle)
    assert grid_power(hass) == "500.0"

    # A first outage, and data again.
    await restart_dongle(hass, dongle)
    await dongle.send(watts=595)
    await until(hass, lambda: grid_power(hass) == "595.0")
    assert len(outage_lines(caplog)) == 1

    # The fault, right after: reported again, and the reader is back at once
    # (its backoff starts over once data flowed).
    connections = len(dongle.accepted)
    await inject(hass, dongle)
    await reconnected(hass, dongle, connections, wait_backoff=fault == "restart")
    await dongle.send(watts=796)
    await until(hass, lambda: grid_power(hass) == "796.0")
    lines = outage_lines(caplog)
    assert len(lines) == 2
    assert cause in lines[1]


async def test_reset_never_ends_the_reader(
    hass: HomeAssistant, dongle: Dongle, caplog: pytest.LogCaptureFixture
) -> None:
    """Resets over and over: each is one outage; the reader always comes back."""
    await set_up(hass, dongle)
    for watts in (100, 200, 300):
        connections = len(dongle.accepted)
        await reset(hass, dongle)
        await reconnected(hass, dongle, connections, wait_backoff=False)
        await dongle.send(watts=watts)
        await until(hass, lambda watts=watts: grid_power(hass) == f"{watts:.1f}")
    assert len(outage_lines(caplog)) == 3


async def test_telegram_without_mbus_id_is_the_same_gas_meter(
    hass: HomeAssistant, dongle: Dongle
) -> None:
    """A valid telegram without the gas meter's ID line adds no device."""
    runtime = await set_up(hass, dongle)
    devices = dr.async_get(hass)
    entry_id = runtime.coordinator.config_entry.entry_id
    before = len(dr.async_entries_for_config_entry(devices, entry_id))
    dongle.factory.builder.counters.gas = 1600.5
    await dongle.send(strip_lines(dongle.factory.telegram(), "0-1:96.1.0"))
    await until(hass, lambda: state_for(hass, "grid_gas_import").state == "1600.5")
    assert len(dr.async_entries_for_config_entry(devices, entry_id)) == before


async def test_missing_counter_keeps_its_value_within_the_window(
    hass: HomeAssistant, dongle: Dongle
) -> None:
    """A counter a valid telegram lacks keeps its value, never beyond the window."""
    runtime = await set_up(hass, dongle)
    coordinator = runtime.coordinator

    def shown(entity_id: str) -> str:
        state = hass.states.get(entity_id)
        assert state is not None
        return state.state

    import_t1 = entity_id_for(hass, "grid_elec_import_t1")
    gas = entity_id_for(hass, "grid_gas_import")
    t1_before = shown(import_t1)
    gas_before = shown(gas)
    seen: list[str] = []

    def record(event: Event) -> None:
        if event.data["entity_id"] == import_t1:
            seen.append(event.data["new_state"].state)

    unsubscribe = hass.bus.async_listen(EVENT_STATE_CHANGED, record)
    start = coordinator.clock()
    lacking = ("1-0:1.8.1", "0-1:24.2.1")
    for second in (1, 10, 29):
        coordinator.clock = lambda second=second: start + second
        await dongle.send(strip_lines(dongle.factory.telegram(watts=second), *lacking))
        await until(hass, lambda second=second: grid_power(hass) == f"{second:.1f}")
    assert shown(import_t1) == t1_before
    assert shown(gas) == gas_before

    # Older than the window: unavailable, not a stale value shown as live.
    coordinator.clock = lambda: start + READ_WATCHDOG + 1
    await dongle.send(strip_lines(dongle.factory.telegram(watts=31), *lacking))
    await until(hass, lambda: grid_power(hass) == "31.0")
    assert shown(import_t1) == STATE_UNAVAILABLE
    assert shown(gas) == STATE_UNAVAILABLE

    # Back in the telegram: back on the entity.
    await dongle.send(watts=32)
    await until(hass, lambda: shown(import_t1) == t1_before)
    assert shown(gas) != STATE_UNAVAILABLE
    unsubscribe()
    assert seen == [STATE_UNAVAILABLE, t1_before]


# A stale value never looks live: a value is shown only while a valid
# telegram supplied it within the availability window.


def with_bad_crc(payload: bytes) -> bytes:
    """Return the telegram with a CRC that does not match it."""
    text = payload.decode()
    end = text.index("!") + 1
    crc = int(text[end : end + 4], 16) ^ 0x5A5A
    return f"{text[:end]}{crc:04X}\r\n".encode()


async def update_entity(hass: HomeAssistant, key: str) -> None:
    """Ask for a refresh as ``homeassistant.update_entity`` does."""
    await async_setup_component(hass, "homeassistant", {})
    await hass.services.async_call(
        "homeassistant",
        "update_entity",
        {"entity_id": entity_id_for(hass, key)},
        blocking=True,
    )
    await hass.async_block_till_done()


async def test_crc_bad_telegrams_only_never_bring_old_values_back(
    hass: HomeAssistant, dongle: Dongle
) -> None:
    """A loose cable: only CRC-bad telegrams. Unavailable, and it stays so."""
    await set_up(hass, dongle)
    await dongle.send(watts=-475)
    await until(hass, lambda: grid_power(hass) == "-475.0")
    connections = len(dongle.accepted)
    await dongle.send(with_bad_crc(dongle.factory.telegram(100)))
    await stall(hass, dongle)
    await reconnected(hass, dongle, connections, wait_backoff=False)
    rejected = state_for(hass, "telegrams_rejected").state
    for watts in (200, 300, 400):
        await dongle.send(with_bad_crc(dongle.factory.telegram(watts)))
    await until(
        hass,
        lambda: state_for(hass, "telegrams_rejected").state == str(int(rejected) + 3),
    )
    assert grid_power(hass) == STATE_UNAVAILABLE
    assert state_for(hass, "grid_elec_import_t1").state == STATE_UNAVAILABLE
    await dongle.send(watts=500)
    await until(hass, lambda: grid_power(hass) == "500.0")


async def test_refresh_of_a_silent_meter_keeps_it_unavailable(
    hass: HomeAssistant, dongle: Dongle
) -> None:
    """``update_entity`` while the meter is silent republishes nothing."""
    await set_up(hass, dongle)
    await dongle.send(watts=-475)
    await until(hass, lambda: grid_power(hass) == "-475.0")
    await update_entity(hass, "grid_power")
    assert grid_power(hass) == "-475.0"

    await stall(hass, dongle)
    await update_entity(hass, "grid_power")
    assert grid_power(hass) == STATE_UNAVAILABLE
    await update_entity(hass, "grid_elec_import_t1")
    assert state_for(hass, "grid_elec_import_t1").state == STATE_UNAVAILABLE


async def test_refresh_after_the_window_without_telegrams_is_unavailable(
    hass: HomeAssistant, dongle: Dongle
) -> None:
    """Connected but silent beyond the window: a refresh marks it unavailable."""
    runtime = await set_up(hass, dongle)
    coordinator = runtime.coordinator
    await dongle.send(watts=-475)
    await until(hass, lambda: grid_power(hass) == "-475.0")
    start = coordinator.clock()
    coordinator.clock = lambda: start + READ_WATCHDOG + 1
    await update_entity(hass, "grid_power")
    assert grid_power(hass) == STATE_UNAVAILABLE


async def test_reconnect_shows_nothing_until_a_new_telegram(
    hass: HomeAssistant, dongle: Dongle
) -> None:
    """After a reconnect, old values stay hidden until a telegram arrives."""
    await set_up(hass, dongle)
    await dongle.send(watts=-475)
    await until(hass, lambda: grid_power(hass) == "-475.0")
    connections = len(dongle.accepted)
    await reset(hass, dongle)
    await reconnected(hass, dongle, connections, wait_backoff=False)
    await update_entity(hass, "grid_power")
    assert grid_power(hass) == STATE_UNAVAILABLE
    await dongle.send(watts=700)
    await until(hass, lambda: grid_power(hass) == "700.0")
