"""P1 meters end to end: telegrams over loopback TCP to entity states."""

import asyncio
from collections.abc import Callable
from datetime import timedelta
import json
import time

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.sensor import (
    ATTR_STATE_CLASS,
    SensorDeviceClass,
    SensorStateClass,
)
from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_UNIT_OF_MEASUREMENT,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import EVENT_STATE_REPORTED, HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest

from custom_components.energy_monitor.sources.p1.const import READ_WATCHDOG
from simulators.p1 import P1Simulator, P1Variant
from tests.common import FIXTURES, entity_id_by_unique_id, state_for, until
from tests.p1.helpers import (
    DSMR_FIXTURES,
    LONGEST_BACKOFF,
    Link,
    ServeBytes,
    TelegramFactory,
    advance,
    expected_mbus,
    expected_states,
    load_sample,
    p1_entry,
    strip_lines,
)

VALID_SAMPLES = sorted(
    path.stem
    for path in DSMR_FIXTURES.glob("*.json")
    if json.loads(path.read_text())["status"] == "valid"
)


async def set_up(hass: HomeAssistant, port: int, **extra: object) -> None:
    """Add and set up a network P1 entry on a loopback port."""
    entry = p1_entry(port, **extra)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


def value(hass: HomeAssistant, key: str) -> float:
    """Return the numeric state of the entity ending in ``_key``."""
    return float(state_for(hass, key).state)


@pytest.mark.parametrize("name", VALID_SAMPLES)
async def test_sample_telegrams_give_their_values(
    hass: HomeAssistant, serve_bytes: ServeBytes, name: str
) -> None:
    """Each real telegram, sent over TCP, shows its hand-read values."""
    payload, expected = load_sample(name)
    await set_up(hass, await serve_bytes(payload))
    for key, wanted in expected_states(expected["fields"]).items():
        state = state_for(hass, key)
        if isinstance(wanted, str):
            assert state.state == wanted, key
        else:
            assert float(state.state) == pytest.approx(wanted), key
    for unique_id, wanted in expected_mbus(expected["fields"]).items():
        state = hass.states.get(entity_id_by_unique_id(hass, unique_id))
        assert state is not None
        assert float(state.state) == pytest.approx(wanted), unique_id


@pytest.mark.parametrize(
    "name",
    [
        "invalid_nl_dsmr50_fragment_without_header",
        "invalid_nl_dsmr50_missing_crc_line",
        "lu_smarty_spec_example_4mbus_badcrc",
    ],
)
async def test_invalid_samples_are_rejected_and_counted(
    hass: HomeAssistant, serve_bytes: ServeBytes, name: str
) -> None:
    """A bad telegram before a good one: counted, never shown."""
    bad, _ = load_sample(name)
    good, _ = load_sample("nl_dsmr50_iskra_mt382_3phase")
    await set_up(hass, await serve_bytes(bad + good))
    assert state_for(hass, "telegrams_rejected").state == "1"
    assert value(hass, "grid_elec_import_t1") == 4.426


async def test_dsmr5_meter_entities(
    hass: HomeAssistant, p1_simulator: P1Simulator
) -> None:
    """A live DSMR 5 stream: the expected entities, classes and devices."""
    await set_up(hass, p1_simulator.port)

    energy = state_for(hass, "grid_elec_import")
    assert energy.attributes[ATTR_DEVICE_CLASS] == SensorDeviceClass.ENERGY
    assert energy.attributes[ATTR_STATE_CLASS] == SensorStateClass.TOTAL_INCREASING
    assert energy.attributes[ATTR_UNIT_OF_MEASUREMENT] == "kWh"
    assert value(hass, "grid_elec_import") == pytest.approx(
        value(hass, "grid_elec_import_t1") + value(hass, "grid_elec_import_t2")
    )
    power = state_for(hass, "grid_power")
    assert power.attributes[ATTR_UNIT_OF_MEASUREMENT] == "W"
    assert power.attributes[ATTR_STATE_CLASS] == SensorStateClass.MEASUREMENT
    assert value(hass, "grid_power_import") >= 0
    assert value(hass, "grid_power_export") >= 0
    assert state_for(hass, "grid_tariff").state in {"1", "2"}
    for phase in ("l1", "l2", "l3"):
        assert 225 <= value(hass, f"voltage_{phase}") <= 235

    gas = state_for(hass, "grid_gas_import")
    assert gas.attributes[ATTR_DEVICE_CLASS] == SensorDeviceClass.GAS
    assert gas.attributes[ATTR_UNIT_OF_MEASUREMENT] == "m³"
    assert gas.attributes["captured_at"].endswith("+01:00")

    assert state_for(hass, "last_telegram").attributes[ATTR_DEVICE_CLASS] == (
        SensorDeviceClass.TIMESTAMP
    )
    assert state_for(hass, "telegrams_rejected").state == "0"

    registry = er.async_get(hass)
    meter = next(
        d for d in dr.async_get(hass).devices if d.serial_number == "E0044007382246019"
    )
    assert meter.manufacturer == "Iskraemeco"
    assert meter.model == "ISK5\\2M550T-1012"
    gas_entry = registry.async_get(
        entity_id_by_unique_id(hass, "G0039001936990619_grid_gas_import")
    )
    assert gas_entry is not None
    gas_device = dr.async_get(hass).async_get(gas_entry.device_id or "")
    assert gas_device is not None
    assert gas_device.via_device_id == meter.id
    assert gas_device.serial_number == "G0039001936990619"


async def test_belgian_capacity_tariff(
    hass: HomeAssistant, belgian_simulator: P1Simulator
) -> None:
    """e-MUCS: quarter demand, month peak with its time, 13-month history."""
    await set_up(hass, belgian_simulator.port)
    quarter = state_for(hass, "demand_current_quarter")
    assert quarter.attributes[ATTR_UNIT_OF_MEASUREMENT] == "kW"
    peak = state_for(hass, "demand_month_peak")
    assert peak.attributes[ATTR_UNIT_OF_MEASUREMENT] == "kW"
    assert peak.attributes["peak_time"] is not None
    history = peak.attributes["history"]
    assert len(history) == 13
    assert set(history[0]) == {"month_start", "peak_time", "demand_kw"}
    assert (
        state_for(hass, "grid_water_import").attributes[ATTR_DEVICE_CLASS]
        == SensorDeviceClass.WATER
    )


async def test_sample_peak_history_attributes(
    hass: HomeAssistant, serve_bytes: ServeBytes
) -> None:
    """The month peak keeps its timestamp and the meter's history."""
    payload, _ = load_sample("be_fluvius_50217_peak_history4")
    await set_up(hass, await serve_bytes(payload))
    peak = state_for(hass, "demand_month_peak")
    assert peak.state == "3.064"
    assert peak.attributes["peak_time"] == "2023-11-02T11:45:00+01:00"
    assert peak.attributes["history"][1] == {
        "month_start": "2023-09-01T00:00:00+02:00",
        "peak_time": "2023-08-31T18:15:00+02:00",
        "demand_kw": 1.862,
    }
    assert peak.attributes["history"][0]["peak_time"] is None


def grid_power_is(hass: HomeAssistant, *, available: bool) -> Callable[[], bool]:
    """Return a condition: the grid power entity is (un)available."""
    return lambda: (
        (state_for(hass, "grid_power").state != STATE_UNAVAILABLE) is available
    )


async def test_disconnect_unavailable_reconnect_available(
    hass: HomeAssistant, p1_simulator: P1Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """Meter gone: unavailable (health sensors stay); back: available again."""
    await set_up(hass, p1_simulator.port)
    assert state_for(hass, "grid_power").state != STATE_UNAVAILABLE

    await p1_simulator.stop()
    await until(hass, grid_power_is(hass, available=False))
    assert state_for(hass, "grid_elec_import").state == STATE_UNAVAILABLE
    assert state_for(hass, "grid_gas_import").state == STATE_UNAVAILABLE
    assert state_for(hass, "last_telegram").state != STATE_UNAVAILABLE

    await p1_simulator.start()
    await advance(hass, freezer, LONGEST_BACKOFF)
    await until(hass, grid_power_is(hass, available=True))
    assert float(state_for(hass, "grid_elec_import").state) > 0
    assert state_for(hass, "grid_gas_import").state != STATE_UNAVAILABLE


async def test_one_log_line_per_outage(
    hass: HomeAssistant,
    p1_simulator: P1Simulator,
    caplog: pytest.LogCaptureFixture,
    freezer: FrozenDateTimeFactory,
) -> None:
    """However many retries, an outage logs once when it starts and ends."""
    await set_up(hass, p1_simulator.port)
    await p1_simulator.stop()
    await until(hass, grid_power_is(hass, available=False))
    for backoff in (1, 2, 4):  # a few reconnect attempts
        await advance(hass, freezer, backoff)
    await p1_simulator.start()
    await advance(hass, freezer, LONGEST_BACKOFF)
    await until(hass, grid_power_is(hass, available=True))
    assert caplog.text.count("Lost the P1 meter") == 1
    assert caplog.text.count("sending telegrams again") == 1


async def test_stalled_meter_goes_unavailable(
    hass: HomeAssistant, p1_simulator: P1Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """A dongle that keeps the connection but stops sending is an outage."""
    await set_up(hass, p1_simulator.port)
    p1_simulator.pause()
    await advance(hass, freezer, READ_WATCHDOG - 1)
    assert state_for(hass, "grid_power").state != STATE_UNAVAILABLE
    await advance(hass, freezer, 2)
    await until(hass, grid_power_is(hass, available=False))
    p1_simulator.resume()
    await until(hass, grid_power_is(hass, available=True))


async def test_bad_telegrams_are_counted_never_shown(
    hass: HomeAssistant, p1_simulator: P1Simulator
) -> None:
    """Injected CRC errors and truncations are counted by reason."""
    await set_up(hass, p1_simulator.port)
    p1_simulator.inject("bad_crc", 3)
    p1_simulator.inject("truncated", 2)
    p1_simulator.inject("garbage")
    await until(hass, lambda: state_for(hass, "telegrams_rejected").state == "5")
    rejected = state_for(hass, "telegrams_rejected")
    assert rejected.attributes["crc_mismatch"] == 3
    assert rejected.attributes["truncated"] == 2
    assert state_for(hass, "grid_power").state != STATE_UNAVAILABLE


async def test_power_is_averaged_over_the_interval(
    hass: HomeAssistant,
    link: tuple[Link, TelegramFactory],
    freezer: FrozenDateTimeFactory,
) -> None:
    """Telegrams in a window are averaged and published when the window ends."""
    dongle, factory = link
    await set_up(hass, dongle.port, update_interval=0.5)
    assert value(hass, "grid_power") == 100.0
    for watts in (1000.0, 2000.0, -600.0):
        await dongle.send(factory.telegram(watts=watts))
    # Real time for the bytes to arrive; the frozen window cannot end meanwhile.
    await hass.async_add_executor_job(time.sleep, 0.2)
    await advance(hass, freezer, 0.4)
    assert value(hass, "grid_power") == 100.0  # the window is still open
    await advance(hass, freezer, 0.2)
    assert value(hass, "grid_power") == pytest.approx((1000 + 2000 - 600) / 3)
    assert value(hass, "grid_power_import") == pytest.approx((1000 + 2000) / 3)
    assert value(hass, "grid_power_export") == pytest.approx(600 / 3)


async def test_counters_never_go_to_zero_or_back(
    hass: HomeAssistant, link: tuple[Link, TelegramFactory]
) -> None:
    """A glitching meter never makes a lifetime counter drop."""
    dongle, factory = link
    await set_up(hass, dongle.port)
    start = value(hass, "grid_elec_import_t1")
    await dongle.send(factory.telegram(import_t1=0.0))
    await dongle.send(factory.telegram(import_t1=start - 1))
    await dongle.send(factory.telegram(import_t1=start + 0.5))
    await until(hass, lambda: value(hass, "grid_elec_import_t1") == start + 0.5)
    history = [start + 0.5]
    await dongle.send(factory.telegram(import_t1=0.0))
    await asyncio.sleep(0.2)
    history.append(value(hass, "grid_elec_import_t1"))
    assert history == [start + 0.5, start + 0.5]


async def test_counters_survive_a_restart(
    hass: HomeAssistant, link: tuple[Link, TelegramFactory]
) -> None:
    """After a reload the stored counters still guard against a first glitch."""
    dongle, factory = link
    entry = p1_entry(dongle.port)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    start = value(hass, "grid_elec_import_t1")
    assert await hass.config_entries.async_unload(entry.entry_id)
    # The next connection starts with a glitched telegram.
    factory.builder.counters.import_t1 = 0.0
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert value(hass, "grid_elec_import_t1") == start


async def test_gas_reading_that_appears_later_adds_its_sensor(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """An MBus meter paired after setup gets its sensor then."""
    factory = TelegramFactory()
    writers: list[asyncio.StreamWriter] = []

    async def handle(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        writers.append(writer)
        writer.write(strip_lines(factory.telegram(), "0-1:"))
        await writer.drain()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        await set_up(hass, server.sockets[0].getsockname()[1])
        registry = er.async_get(hass)

        def gas_entities() -> list[er.RegistryEntry]:
            return [
                e
                for e in registry.entities.values()
                if e.unique_id.endswith("_grid_gas_import")
            ]

        assert gas_entities() == []
        writers[0].write(factory.telegram())
        await writers[0].drain()
        await until(hass, lambda: len(gas_entities()) == 1)
        assert value(hass, "grid_gas_import") == pytest.approx(1500.123)
    finally:
        for writer in writers:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_heat_meter(hass: HomeAssistant, serve_bytes: ServeBytes) -> None:
    """A heat-network meter reports GJ as energy."""
    payload = (FIXTURES / "dsmr_parser" / "telegram_unpadded_crc.txt").read_bytes()
    await set_up(hass, await serve_bytes(payload))
    heat = state_for(hass, "grid_heat_import")
    assert heat.state == "240.86"
    assert heat.attributes[ATTR_DEVICE_CLASS] == SensorDeviceClass.ENERGY
    assert heat.attributes[ATTR_UNIT_OF_MEASUREMENT] == "GJ"


async def test_value_missing_from_a_later_telegram_is_unknown(
    hass: HomeAssistant, link: tuple[Link, TelegramFactory]
) -> None:
    """A value the meter stops sending shows unknown, not a stale number."""
    dongle, factory = link
    await set_up(hass, dongle.port)
    assert state_for(hass, "voltage_l1").state != STATE_UNKNOWN
    await dongle.send(strip_lines(factory.telegram(), "1-0:32.7.0"))
    await until(hass, lambda: state_for(hass, "voltage_l1").state == STATE_UNKNOWN)


async def test_encrypted_meter(hass: HomeAssistant, socket_enabled: None) -> None:
    """A Luxembourg-style encrypted stream is decrypted with the entry's key."""
    key = "00112233445566778899AABBCCDDEEFF"
    simulator = P1Simulator(
        variant=P1Variant.DSMR5, interval=0.05, encryption_key=bytes.fromhex(key)
    )
    await simulator.start()
    try:
        await set_up(hass, simulator.port, encryption_key=key)
        assert value(hass, "grid_elec_import") > 0
    finally:
        await simulator.stop()


async def test_unchanged_power_is_still_reported(
    hass: HomeAssistant,
    link: tuple[Link, TelegramFactory],
    freezer: FrozenDateTimeFactory,
) -> None:
    """A steady measurement refreshes last_reported, so live data looks live."""
    dongle, factory = link
    await set_up(hass, dongle.port)
    first = state_for(hass, "grid_power")
    reported, changed = first.last_reported, first.last_changed
    freezer.tick(timedelta(seconds=1))
    await dongle.send(factory.telegram(watts=100))
    await until(
        hass,
        lambda: state_for(hass, "grid_power").last_reported > reported,
        EVENT_STATE_REPORTED,
    )
    again = state_for(hass, "grid_power")
    assert again.state == "100.0"
    assert again.last_changed == changed
