"""A Modbus gateway that misbehaves on command, seen through Home Assistant."""

from datetime import timedelta
import logging

from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.energy_monitor.lib.modbus.client import ExceptionCode
from simulators.modbus import ModbusMeterSimulator
from tests.common import state_for
from tests.modbus.helpers import LinkClock, StartModbus, set_up_sdm630


async def _advance(hass: HomeAssistant, clock: LinkClock, seconds: float) -> None:
    """Move the links' clock on and let the polls that are due run."""
    clock.now += seconds
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await hass.async_block_till_done(wait_background_tasks=True)


async def _start(
    hass: HomeAssistant, start_modbus: StartModbus
) -> ModbusMeterSimulator:
    """Start a gateway with an SDM630 and set its entry up."""
    simulator, _ = await set_up_sdm630(hass, start_modbus)
    assert state_for(hass, "grid_power").state == "-1234.5"
    return simulator


async def test_illegal_address_burst_recovers_without_reload(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """A gateway answering "illegal address" for a moment: entities come back."""
    clock = LinkClock(hass)
    simulator = await _start(hass, start_modbus)
    simulator.inject("exception", count=500, code=ExceptionCode.ILLEGAL_ADDRESS)
    await _advance(hass, clock, 6)
    assert state_for(hass, "grid_power").state == STATE_UNAVAILABLE
    simulator.clear_faults()
    simulator.set_values(1, {"grid_power": 2000.5})
    # The refused registers are asked again after a backoff, without a reload.
    for _ in range(13):
        await _advance(hass, clock, 6)
    assert state_for(hass, "grid_power").state == "2000.5"
    assert state_for(hass, "voltage_l1").state == "231.5"
    # ... and the reads are batched again, as before the burst.
    before = simulator.requests
    await _advance(hass, clock, 6)
    assert simulator.requests - before == 3


async def test_exception_and_silence_then_recovery(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """Busy answers and no answer at all: unavailable, then values again."""
    simulator = await _start(hass, start_modbus)
    for fault in ("exception", "timeout"):
        simulator.inject(fault, count=20, code=ExceptionCode.DEVICE_BUSY)
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=6))
        await hass.async_block_till_done(wait_background_tasks=True)
        assert state_for(hass, "grid_power").state == STATE_UNAVAILABLE, fault
        simulator.clear_faults()
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=12))
        await hass.async_block_till_done(wait_background_tasks=True)
        assert state_for(hass, "grid_power").state == "-1234.5", fault


async def test_connection_drop_and_reconnect(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """A dropped connection is opened again, a stopped gateway after a backoff."""
    clock = LinkClock(hass)
    simulator = await _start(hass, start_modbus)
    simulator.drop_connections()
    await _advance(hass, clock, 6)
    await _advance(hass, clock, 6)
    assert state_for(hass, "grid_power").state == "-1234.5"
    assert simulator.connections == 1
    await simulator.stop()
    await _advance(hass, clock, 6)
    assert state_for(hass, "grid_power").state == STATE_UNAVAILABLE
    await simulator.start()
    await _advance(hass, clock, 6)
    assert state_for(hass, "grid_power").state == "-1234.5"


async def test_an_outage_is_logged_once(
    hass: HomeAssistant, start_modbus: StartModbus, caplog: pytest.LogCaptureFixture
) -> None:
    """A stopped gateway: one line when it starts, one when it ends, nothing between.

    Neither one error per scan group nor pymodbus' per-attempt warnings.
    """
    clock = LinkClock(hass)
    simulator = await _start(hass, start_modbus)
    caplog.clear()
    caplog.set_level(logging.DEBUG, "custom_components.energy_monitor")
    await simulator.stop()
    for _ in range(15):  # 90 s: the fast group 18 times, the slow one 3 times
        await _advance(hass, clock, 6)
    assert state_for(hass, "grid_power").state == STATE_UNAVAILABLE
    await simulator.start()
    for _ in range(12):
        await _advance(hass, clock, 6)
    assert state_for(hass, "grid_power").state == "-1234.5"
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].startswith("eastron_sdm630 (unit 1) does not answer (")
    infos = [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.INFO and r.name.startswith("custom_components")
    ]
    assert infos == ["eastron_sdm630 (unit 1) answers again"]
