"""Bad numbers from devices: never published, never a fake counter, counted.

P1 telegrams with NaN, infinity, an overflowing value or a negative import
power over a loopback stream; a stored counter snapshot with garbage; Modbus
registers reading max float through the simulator on loopback; a site input
that reads 0 for a quarter of an hour and then returns.
"""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
import logging
import math
import re
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.energy_monitor.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.energy_monitor.lib.modbus.catalog import load_bundled_map
from custom_components.energy_monitor.lib.p1.crc import crc16
from custom_components.energy_monitor.storage import entry_store_key
from simulators.fronius import Endpoint, FroniusSimulator
from simulators.p1 import P1Variant
from tests.common import entity_id_for, state_for, states_by_key, wait_for
from tests.conftest import StartModbus, p1_entry
from tests.fronius_helpers import poll, sample, set_up_fronius
from tests.modbus_helpers import known_values, modbus_entry
from tests.p1_helpers import TelegramFactory
from tests.site_entities import (
    IMPORT_TOTAL,
    TOTAL_SITE,
    figure,
    fixed,
    set_energy,
    site_entry,
)

SDM630 = load_bundled_map("eastron_sdm630")
MAX_FLOAT_WORDS = [0x7F7F, 0xFFFF]
"""0x7F7FFFFF: the largest float32, 3.4e38, as a register pair."""


def mutate(payload: bytes, pattern: str, value: str) -> bytes:
    """Return a telegram whose first number after ``pattern`` is ``value``.

    The CRC is renewed, so the reader takes the telegram as valid.
    """
    text = payload.decode()
    body, count = re.subn(
        f"({pattern}.*?\\()[0-9.]+(\\*|\\))",
        lambda found: f"{found[1]}{value}{found[2]}",
        text[: text.index("!") + 1],
        count=1,
    )
    assert count == 1, pattern
    return f"{body}{crc16(body.encode()):04X}\r\n".encode()


@dataclass
class Dongle:
    """A loopback P1 'dongle' that sends what the test says."""

    port: int = 0
    writer: asyncio.StreamWriter | None = None

    async def send(self, payload: bytes) -> None:
        """Send bytes to the connected reader."""
        assert self.writer is not None
        self.writer.write(payload)
        await self.writer.drain()


@pytest.fixture
async def dongle(
    request: pytest.FixtureRequest, socket_enabled: None
) -> AsyncIterator[tuple[Dongle, TelegramFactory]]:
    """A dongle that sends one good telegram on connect, then the test's.

    Its telegrams are DSMR 5 unless the test asks for another variant.
    """
    factory = TelegramFactory(getattr(request, "param", P1Variant.DSMR5))
    link = Dongle()

    async def handle(
        _reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        link.writer = writer
        writer.write(factory.telegram(watts=100))
        await writer.drain()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    link.port = server.sockets[0].getsockname()[1]
    yield link, factory
    if link.writer is not None:
        link.writer.close()
    server.close()
    await server.wait_closed()


def record_states(hass: HomeAssistant) -> dict[str, list[str]]:
    """Record every state an Energy Monitor sensor takes from now on."""
    seen: dict[str, list[str]] = {}

    def changed(event: Event[Any]) -> None:
        new = event.data["new_state"]
        if new is not None and new.entity_id.startswith("sensor."):
            seen.setdefault(new.entity_id, []).append(new.state)

    hass.bus.async_listen(EVENT_STATE_CHANGED, changed)
    return seen


def numbers(states: list[str]) -> list[float]:
    """Return the numeric states of a list of states."""
    result = []
    for state in states:
        try:
            result.append(float(state))
        except ValueError:
            continue
    return result


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the error records logged (a traceback is one)."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def test_p1_non_finite_and_impossible_values_are_never_shown(
    hass: HomeAssistant,
    dongle: tuple[Dongle, TelegramFactory],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """NaN, inf, 9e307 kW and -3,200 W import: dropped, counted, no traceback."""
    link, factory = dongle
    entry = p1_entry(link.port)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    seen = record_states(hass)
    start = float(state_for(hass, "grid_elec_import_t1").state)
    good = factory.telegram(watts=250)
    bad = [
        mutate(good, r"1-0:1\.8\.1", "nan"),
        mutate(good, r"1-0:1\.8\.1", "inf"),
        mutate(good, r"1-0:32\.7\.0", "nan"),
        mutate(good, r"1-0:1\.7\.0", "9e307"),  # x 1000: overflows to inf
        mutate(good, r"1-0:1\.7\.0", "-3.200"),
    ]
    for payload in bad:
        await link.send(payload)
    await link.send(factory.telegram(watts=777))
    await wait_for(lambda: state_for(hass, "grid_power").state == "777.0")

    for entity_id, states in seen.items():
        assert all(math.isfinite(x) for x in numbers(states)), (entity_id, states)
    assert not errors(caplog)
    # A dropped counter is held at its last value, so it may not change at all.
    import_t1 = numbers(seen.get(entity_id_for(hass, "grid_elec_import_t1"), []))
    import_t1.append(float(state_for(hass, "grid_elec_import_t1").state))
    assert import_t1 == sorted(import_t1)
    assert min(import_t1) >= start
    for key in ("grid_power_import", "grid_power"):
        assert -3200.0 not in numbers(seen.get(entity_id_for(hass, key), [])), key
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    rejected = diagnostics["connection"]["values_rejected"]
    assert rejected["grid_elec_import_t1"] == 2
    assert rejected["voltage_l1"] == 1
    assert rejected["grid_power_import"] == 2


@pytest.mark.parametrize("dongle", [P1Variant.BELGIUM], indirect=True)
async def test_p1_non_finite_peaks_and_gas_are_never_shown(
    hass: HomeAssistant,
    dongle: tuple[Dongle, TelegramFactory],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A NaN month peak, peak history entry or gas reading is dropped."""
    link, factory = dongle
    entry = p1_entry(link.port)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    seen = record_states(hass)
    good = factory.telegram(watts=250)
    bad = mutate(good, r"1-0:1\.6\.0\(\w+\)", "nan")
    bad = mutate(bad, r"0-0:98\.1\.0.*?\(\w+\)\(\w+\)", "inf")
    bad = mutate(bad, r"0-1:24\.2\.3\(\w+\)", "nan")
    await link.send(bad)
    await link.send(factory.telegram(watts=777))
    await wait_for(lambda: state_for(hass, "grid_power").state == "777.0")

    for entity_id, states in seen.items():
        assert all(math.isfinite(x) for x in numbers(states)), (entity_id, states)
    assert not errors(caplog)
    history = state_for(hass, "demand_month_peak").attributes["history"]
    assert all(math.isfinite(peak["demand_kw"]) for peak in history)
    gas = [float(state.state) for state in states_by_key(hass, "grid_gas_import")]
    assert all(math.isfinite(value) for value in gas)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    rejected = diagnostics["connection"]["values_rejected"]
    assert rejected == {"demand_month_peak": 2, "grid_gas_import": 1}


async def test_p1_garbage_in_the_stored_counters_does_not_stop_setup(
    hass: HomeAssistant,
    dongle: tuple[Dongle, TelegramFactory],
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A stored NaN (null), text or negative value is dropped with a warning."""
    link, _ = dongle
    entry = p1_entry(link.port)
    hass_storage[entry_store_key(entry)] = {
        "version": 1,
        "minor_version": 1,
        "key": entry_store_key(entry),
        "data": {
            "meter": {
                "grid_elec_import_t1": None,
                "grid_elec_import_t2": "garbage",
                "grid_elec_export_t1": -5.0,
                "grid_elec_export_t2": 456.789,
            },
            "mbus": ["not", "a", "mapping"],
        },
    }
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert state_for(hass, "grid_elec_import_t1").state == "1234.567"
    assert state_for(hass, "grid_elec_import_t2").state == "2345.678"
    assert state_for(hass, "grid_elec_export_t2").state == "456.789"
    assert "stored counter grid_elec_import_t1 (None)" in caplog.text
    assert "stored counters mbus are not readable" in caplog.text
    assert not errors(caplog)


async def _tick(hass: HomeAssistant, seconds: float) -> None:
    """Let the poll intervals pass."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_modbus_max_float_registers_are_never_published(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """0x7F7FFFFF three times, then true values: no 3.4e38, no decrease."""
    simulator = await start_modbus({1: SDM630})
    simulator.set_values(1, known_values(SDM630))
    entry = modbus_entry(simulator.port, "eastron_sdm630")
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    seen = record_states(hass)
    for key in ("grid_power", "frequency", "grid_elec_import"):
        register = SDM630.register(key)
        simulator.set_raw(1, register.register_type, register.address, MAX_FLOAT_WORDS)
    for _ in range(3):
        await _tick(hass, 31)
    simulator.set_values(
        1, {"grid_power": 800.5, "frequency": 50.0, "grid_elec_import": 12345.75}
    )
    await _tick(hass, 31)
    assert state_for(hass, "grid_elec_import").state == "12345.75"
    assert state_for(hass, "grid_power").state == "800.5"
    for key in ("grid_power", "frequency", "grid_elec_import"):
        values = numbers(seen.get(entity_id_for(hass, key), []))
        assert all(abs(x) < 1e6 for x in values), (key, values)
    imported = numbers(seen[entity_id_for(hass, "grid_elec_import")])
    assert imported == sorted(imported)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["values_rejected"]["grid_elec_import"] >= 3
    assert diagnostics["values_rejected"]["frequency"] >= 3
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()


async def test_site_counter_returning_after_zeros_books_only_its_growth(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """18234.567 -> 0 -> 0 (15 min) -> 18234.9 books 0.333 kWh, not 18,235."""
    await hass.config.async_set_time_zone("Europe/Brussels")
    freezer.move_to(datetime.fromisoformat("2026-03-10T08:00:00+01:00"))

    async def later(minutes: float) -> None:
        freezer.tick(timedelta(minutes=minutes))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()

    set_energy(hass, IMPORT_TOTAL, 18234.567)
    entry: MockConfigEntry = site_entry(TOTAL_SITE, [fixed(0.25)])
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    for _ in range(4):
        await later(5)
        set_energy(hass, IMPORT_TOTAL, 0.0)
    await later(5)
    set_energy(hass, IMPORT_TOTAL, 18234.9)
    await later(5)
    set_energy(hass, IMPORT_TOTAL, 18235.0)
    await hass.async_block_till_done()
    assert figure(hass, "cost_import_today") == pytest.approx(0.433 * 0.25, abs=0.01)
    assert figure(hass, "cost_import_total") == pytest.approx(0.433 * 0.25, abs=0.01)


async def test_modbus_counters_stored_flat_still_guard(
    hass: HomeAssistant, start_modbus: StartModbus, hass_storage: dict[str, Any]
) -> None:
    """A file written before the counters had their own section still seeds."""
    simulator = await start_modbus({1: SDM630})
    simulator.set_values(1, {**known_values(SDM630), "grid_elec_import": 0})
    entry = modbus_entry(simulator.port, "eastron_sdm630")
    hass_storage[entry_store_key(entry)] = {
        "version": 1,
        "minor_version": 1,
        "key": entry_store_key(entry),
        "data": {"grid_elec_import": 12346.5, "grid_elec_export": None},
    }
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert state_for(hass, "grid_elec_import").state == "12346.5"
    await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    stored = hass_storage[entry_store_key(entry)]["data"]
    assert stored["counters"]["grid_elec_import"] == 12346.5


async def test_fronius_impossible_answers_are_never_shown(
    hass: HomeAssistant,
    fronius_simulator: FroniusSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Max-float numbers in Solar API answers (JSON has no NaN): dropped, counted."""
    answers = {
        Endpoint.INVERTER_INFO: "ha_symo_GetInverterInfo_night.json",
        Endpoint.POWER_FLOW: "ha_symo_GetPowerFlowRealtimeData.json",
        Endpoint.INVERTER_COMMON: (
            "ha_symo_GetInverterRealtimeData_CommonInverterData.json"
        ),
        Endpoint.METER: "ha_symo_GetMeterRealtimeData_System.json",
    }
    fronius_simulator.answers = {key: sample(name) for key, name in answers.items()}
    fronius_simulator.only_answers = True
    entry = await set_up_fronius(hass, fronius_simulator.address)
    assert float(state_for(hass, "pv_elec_prod").state) == 44188.0
    seen = record_states(hass)
    garbage = {
        Endpoint.POWER_FLOW: ('"P_Grid": 1703.74', '"P_Grid": 3.4e38'),
        Endpoint.INVERTER_COMMON: ('"Value": 44188000', '"Value": 3.4e38'),
        Endpoint.METER: (
            '"Frequency_Phase_Average": 50',
            '"Frequency_Phase_Average": 3.4e38',
        ),
    }
    for endpoint, (old, new) in garbage.items():
        text = fronius_simulator.answers[endpoint]
        assert old in text
        fronius_simulator.answers[endpoint] = text.replace(old, new)
    await poll(hass, freezer, 60)
    await poll(hass, freezer, 60)
    for entity_id, states in seen.items():
        assert all(abs(x) < 1e10 for x in numbers(states)), (entity_id, states)
    assert float(state_for(hass, "pv_elec_prod").state) == 44188.0
    assert not errors(caplog)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    rejected = diagnostics["connection"]["values_rejected"]
    assert rejected == {"grid_power": 2, "pv_elec_prod": 2, "frequency": 2}
