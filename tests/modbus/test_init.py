"""A Modbus meter in Home Assistant: setup, faults and recovery, counters."""

from datetime import timedelta
from pathlib import Path

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.energy_monitor.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.energy_monitor.lib.modbus.catalog import (
    load_bundled_map,
    load_custom_map,
)
from custom_components.energy_monitor.lib.modbus.client import (
    ExceptionCode,
    SerialEndpoint,
)
from custom_components.energy_monitor.lib.modbus.schema import RegisterType
from custom_components.energy_monitor.sources.modbus.connection import (
    DATA_LINKS,
    endpoint_of,
    link_pool,
)
from tests.common import entity_id_by_unique_id, state_for
from tests.modbus.helpers import (
    SDM630,
    LinkClock,
    StartModbus,
    known_values,
    modbus_entry,
    set_up_sdm630,
    write_custom_map,
)

EM24 = load_bundled_map("carlo_gavazzi_em24")


async def _setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Add and set up an entry."""
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def _tick(hass: HomeAssistant, seconds: float) -> None:
    """Let the poll intervals pass."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_faults_make_groups_unavailable_then_recover(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """Exception, timeout and garbled frame: that group goes, then comes back."""
    simulator, _ = await set_up_sdm630(hass, start_modbus)
    assert state_for(hass, "grid_power").state == "-1234.5"

    for fault in ("exception", "timeout", "malformed"):
        simulator.inject(fault, count=20, code=ExceptionCode.DEVICE_BUSY)
        await _tick(hass, 6)
        assert state_for(hass, "grid_power").state == STATE_UNAVAILABLE, fault
        assert state_for(hass, "voltage_l1").state == STATE_UNAVAILABLE
        # The slow group was not polled: its entities stay.
        assert state_for(hass, "grid_elec_import").state == "12345.5"
        simulator.clear_faults()
        simulator.set_values(1, {"grid_power": 2000.5})
        for _ in range(3):  # a garbled frame may cost a reconnect
            await _tick(hass, 6)
        assert state_for(hass, "grid_power").state == "2000.5", fault

    # One failed read of the group: only its values go.
    simulator.inject("exception", count=1)
    await _tick(hass, 6)
    assert state_for(hass, "voltage_l1").state == STATE_UNAVAILABLE
    assert state_for(hass, "voltage_l1_l2").state == "401.5"
    await _tick(hass, 6)
    assert state_for(hass, "voltage_l1").state == "231.5"


async def test_gateway_drop(hass: HomeAssistant, start_modbus: StartModbus) -> None:
    """A gateway that goes away: unavailable, then back after reconnecting."""
    clock = LinkClock(hass)
    simulator, entry = await set_up_sdm630(hass, start_modbus)
    simulator.drop_connections()
    await simulator.stop()
    await _tick(hass, 6)
    await _tick(hass, 31)
    assert state_for(hass, "grid_power").state == STATE_UNAVAILABLE
    assert state_for(hass, "grid_elec_import").state == STATE_UNAVAILABLE
    await simulator.start()
    clock.now += 60  # the link's backoff is over
    await _tick(hass, 6)
    await _tick(hass, 31)
    assert state_for(hass, "grid_power").state == "-1234.5"
    assert state_for(hass, "grid_elec_import").state == "12345.5"
    assert entry.runtime_data.meter.reader.link.reconnects == 1


async def test_counters_are_guarded(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """0, backwards and torn counter readings are never shown, even after a restart."""
    simulator = await start_modbus({1: EM24})
    simulator.set_values(1, known_values(EM24))
    entry = modbus_entry(simulator.port, "carlo_gavazzi_em24")
    await _setup(hass, entry)
    assert state_for(hass, "grid_elec_import").state == "12345.5"
    simulator.set_values(1, {"grid_elec_import": 0})
    await _tick(hass, 31)
    assert state_for(hass, "grid_elec_import").state == "12345.5"
    # A torn INT32 (LSW first): the new low word with the old high word.
    register = EM24.register("grid_elec_import")
    simulator.set_values(1, {"grid_elec_import": 6553.5})  # raw 65535
    simulator.set_raw(1, RegisterType.HOLDING, register.address, [0, 0])
    await _tick(hass, 31)
    assert state_for(hass, "grid_elec_import").state == "12345.5"
    simulator.set_values(1, {"grid_elec_import": 12346.5})
    await _tick(hass, 31)
    assert state_for(hass, "grid_elec_import").state == "12346.5"
    # After a restart, the stored value still guards.
    assert await hass.config_entries.async_unload(entry.entry_id)
    simulator.set_values(1, {"grid_elec_import": 0})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert state_for(hass, "grid_elec_import").state == "12346.5"
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["counter_glitches"] >= 1
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()


async def test_meters_share_a_gateway(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """Two meters behind one gateway: one connection, two devices."""
    simulator = await start_modbus({1: SDM630, 2: EM24})
    simulator.set_values(1, known_values(SDM630))
    simulator.set_values(2, {"grid_power": 99.5})
    first = modbus_entry(simulator.port, "eastron_sdm630", unit_id=1)
    second = modbus_entry(simulator.port, "em24", unit_id=2)
    await _setup(hass, first)
    await _setup(hass, second)
    assert first.state is ConfigEntryState.LOADED
    assert second.state is ConfigEntryState.LOADED
    link = first.runtime_data.meter.reader.link
    assert link is second.runtime_data.meter.reader.link
    second_power = entity_id_by_unique_id(hass, f"{second.entry_id}_grid_power")
    assert hass.states.is_state(second_power, "99.5")
    assert await hass.config_entries.async_unload(first.entry_id)
    await _tick(hass, 6)
    assert hass.states.is_state(second_power, "99.5")
    assert link.connected
    assert await hass.config_entries.async_unload(second.entry_id)
    assert not link.connected  # the last meter closed the shared connection


async def test_diagnostics_and_options(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """Diagnostics show the plan and values without the host; options apply."""
    simulator = await start_modbus({4: SDM630})
    entry = modbus_entry(
        simulator.port,
        "Eastron SDM630",
        unit_id=4,
        options={
            "update_interval": 2,
            "energy_interval": 10,
            "max_count": 40,
            "max_gap": 0,
        },
    )
    await _setup(hass, entry)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["entry"]["data"]["host"] == "**REDACTED**"
    assert diagnostics["map"]["model"] == "eastron_sdm630"
    assert diagnostics["reader"]["max_count"] == 40
    assert diagnostics["reader"]["max_gap"] == 0
    assert (
        diagnostics["groups"]["fast"]["interval"] == 5
    )  # a stored interval is ignored
    assert diagnostics["groups"]["fast"]["values"]["voltage_l1"] > 200
    assert diagnostics["link"]["connected"]
    assert diagnostics["groups"]["once"]["values"]["serial_number"] == "**REDACTED**"


@pytest.mark.parametrize(
    ("data", "state"),
    [
        ({"meter_model": "abb_b23"}, ConfigEntryState.SETUP_ERROR),
        ({"meter_model": "missing.csv"}, ConfigEntryState.SETUP_ERROR),
        ({"port": 1}, ConfigEntryState.SETUP_RETRY),
        ({"unit_id": 9}, ConfigEntryState.SETUP_RETRY),
    ],
)
async def test_setup_failures(
    hass: HomeAssistant,
    start_modbus: StartModbus,
    data: dict[str, object],
    state: ConfigEntryState,
) -> None:
    """A bad map stops setup; an unreachable meter is retried later."""
    simulator = await start_modbus({1: SDM630})
    entry = modbus_entry(simulator.port, "eastron_sdm630")
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data={**entry.data, **data})
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is state
    # The failed setup let go of the link: the gateway's link is a new one.
    link = link_pool(hass).acquire(endpoint_of(entry.data))
    assert not link.connected
    await link_pool(hass).release(link)


async def test_custom_map_and_conflicts(
    hass: HomeAssistant, start_modbus: StartModbus, tmp_path: Path
) -> None:
    """A CSV map from the config folder; a bus opened with other settings."""
    hass.config.config_dir = str(tmp_path)
    simulator = await start_modbus({1: SDM630})
    simulator.set_values(1, {"grid_power": 321.5})
    write_custom_map(
        hass.config.config_dir,
        "my_meter.csv",
        "Total power,52,2,1,FLOAT32,grid_power,input",
        "Odd,54,1,1,UINT16,,input",
    )
    entry = modbus_entry(simulator.port, "my_meter.csv")
    await _setup(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert state_for(hass, "grid_power").state == "321.5"
    odd = state_for(hass, "odd")
    assert odd.name.endswith("Odd")

    hass.data[DATA_LINKS].acquire(SerialEndpoint("/dev/null", baudrate=9600))
    other = modbus_entry(0, "eastron_sdm120", serial_port="/dev/null", baudrate=19200)
    other.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        other, data={**other.data, "transport": "serial"}
    )
    await hass.config_entries.async_setup(other.entry_id)
    assert other.state is ConfigEntryState.SETUP_ERROR


async def test_plan_is_not_valid(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """Options that do not fit the map stop setup with an explanation."""
    simulator = await start_modbus({1: EM24})
    entry = modbus_entry(simulator.port, "carlo_gavazzi_em24", options={"max_count": 4})
    await _setup(hass, entry)
    assert entry.state is ConfigEntryState.SETUP_ERROR


async def test_identity_fails(hass: HomeAssistant, start_modbus: StartModbus) -> None:
    """A meter whose identity cannot be read still works, without a serial."""
    simulator = await start_modbus({1: EM24})
    simulator.inject("exception", count=1, after=2)
    entry = modbus_entry(simulator.port, "carlo_gavazzi_em24")
    await _setup(hass, entry)
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.device_info.get("serial_number") is None


async def test_counter_not_available(
    hass: HomeAssistant, start_modbus: StartModbus, tmp_path: Path
) -> None:
    """A counter the meter cannot tell is unknown; a negative one is not shown."""
    hass.config.config_dir = str(tmp_path)
    simulator = await start_modbus({1: SDM630})
    simulator.set_values(1, {"grid_elec_import": None, "grid_elec_export": -5.0})
    write_custom_map(
        str(tmp_path),
        "counters.csv",
        "Import,72,2,1,FLOAT32,grid_elec_import,input",
        "Export,74,2,1,FLOAT32,grid_elec_export,input",
        "Power,52,2,1,FLOAT32,grid_power,input",
    )
    path = tmp_path / "energy_monitor_maps" / "counters.csv"
    text = await hass.async_add_executor_job(path.read_text)
    await hass.async_add_executor_job(
        path.write_text,
        text.replace("Register Type", "Register Type,Precision").replace(
            "grid_power,input", "grid_power,input,2"
        ),
    )
    entry = modbus_entry(simulator.port, "counters.csv")
    await _setup(hass, entry)
    assert state_for(hass, "grid_elec_import").state == "unknown"
    assert not [
        e for e in hass.states.async_all() if e.entity_id.endswith("energy_export")
    ]
    power = er.async_get(hass).async_get(state_for(hass, "grid_power").entity_id)
    assert power is not None
    assert power.options["sensor"]["suggested_display_precision"] == 2
    simulator.set_values(1, {"grid_elec_export": 7.5})
    await _tick(hass, 31)
    assert state_for(hass, "grid_elec_export").state == "7.5"


async def test_custom_text_value(
    hass: HomeAssistant, start_modbus: StartModbus, tmp_path: Path
) -> None:
    """A text value of a custom map, read once at setup, is an entity too."""
    hass.config.config_dir = str(tmp_path)
    path = write_custom_map(
        str(tmp_path),
        "labelled.csv",
        "Power,52,2,1,FLOAT32,grid_power,input",
        "Label,100,4,1,STRING,label,holding",
    )
    register_map = await hass.async_add_executor_job(load_custom_map, path)
    simulator = await start_modbus({1: register_map})
    simulator.set_values(1, {"grid_power": 321.5, "label": "Kitchen"})
    await _setup(hass, modbus_entry(simulator.port, "labelled.csv"))
    assert state_for(hass, "grid_power").state == "321.5"
    assert state_for(hass, "label").state == "Kitchen"
