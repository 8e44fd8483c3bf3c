"""Fronius entries: setup, outages and recovery, night, polling, restarts."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.sensor import ATTR_LAST_RESET
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_monitor.const import DOMAIN
from custom_components.energy_monitor.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.energy_monitor.lib.fronius.client import (
    FroniusClient,
    SolarApiConnectionError,
)
from custom_components.energy_monitor.lib.fronius.poller import DEVICE_INTERVAL
from custom_components.energy_monitor.sources.fronius.coordinator import (
    FroniusCoordinator,
)
from custom_components.energy_monitor.sources.fronius.runtime import FroniusRuntime
from custom_components.energy_monitor.storage import entry_store_key
from simulators.fronius import Endpoint, Fault, FroniusSimulator, error, response
from tests.common import closed_port, state_for, states_by_key
from tests.fronius.helpers import fronius_entry, poll, set_up_fronius

NIGHT_FLOW = response(
    {"Inverters": {}, "Site": {"P_PV": None, "P_Grid": 300.0, "P_Load": -300.0}}
)
"""The power flow of an IG Plus at night: no inverter listed."""


@pytest.fixture
def fast_requests() -> Iterator[None]:
    """Give up on a request after 0.2 s."""
    with patch(
        "custom_components.energy_monitor.lib.fronius.client.REQUEST_TIMEOUT", 0.2
    ):
        yield


def coordinator_of(entry: MockConfigEntry) -> FroniusCoordinator:
    """Return the coordinator of a loaded Fronius entry."""
    runtime = entry.runtime_data
    assert isinstance(runtime, FroniusRuntime)
    return runtime.coordinator


async def refresh(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Poll now (without moving the clock)."""
    await coordinator_of(entry).async_refresh()
    await hass.async_block_till_done()


async def test_unreachable_device_retries_setup(
    hass: HomeAssistant, socket_enabled: None
) -> None:
    """Nothing answers: setup is retried later, with the reason shown."""
    entry = await set_up_fronius(hass, f"127.0.0.1:{await closed_port()}")
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.reason is not None
    assert entry.reason.startswith("The Fronius device does not answer")


async def test_device_failing_after_identification_retries_setup(
    hass: HomeAssistant, fronius_simulator: FroniusSimulator
) -> None:
    """It answers who it is, then stops: setup is retried later."""
    entry = fronius_entry(fronius_simulator.address)
    entry.add_to_hass(hass)
    gone = SolarApiConnectionError("gone")
    with patch.object(FroniusClient, "meters", side_effect=gone):
        await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.reason == "The Fronius device does not answer: gone"


async def test_stored_host_that_is_not_a_host(hass: HomeAssistant) -> None:
    """A broken host in the entry is a permanent error."""
    entry = await set_up_fronius(hass, "not a host")
    assert entry.state is ConfigEntryState.SETUP_ERROR


async def test_unload_stops_polling_and_stores(
    hass: HomeAssistant,
    fronius_simulator: FroniusSimulator,
    hass_storage: dict[str, object],
) -> None:
    """Unloading stores counters and inverters; removing the entry deletes them."""
    entry = await set_up_fronius(hass, fronius_simulator.address)
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    stored = hass_storage[entry_store_key(entry)]
    assert isinstance(stored, dict)
    data = stored["data"]
    assert data["inverters"]["1"]["device_id"] == "32410001"
    assert data["counters"]["32410001_pv_elec_prod"] > 12345
    assert state_for(hass, "pv_power").state == STATE_UNAVAILABLE
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert entry_store_key(entry) not in hass_storage


@pytest.mark.usefixtures("fast_requests")
@pytest.mark.parametrize("fault", [Fault.TIMEOUT, Fault.HTTP_500])
async def test_outage_then_recovery(
    hass: HomeAssistant,
    fronius_simulator: FroniusSimulator,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
) -> None:
    """One lost answer is tolerated; then unavailable (logged once); then back."""
    entry = await set_up_fronius(hass, fronius_simulator.address)
    coordinator = coordinator_of(entry)
    fronius_simulator.set_fault(fault)
    await refresh(hass, entry)
    assert state_for(hass, "pv_power").state != STATE_UNAVAILABLE
    assert coordinator.update_interval == timedelta(seconds=10)
    await refresh(hass, entry)
    for key in ("pv_power", "pv_elec_prod", "grid_elec_import", "inverter_online"):
        assert state_for(hass, key).state == STATE_UNAVAILABLE, key
    assert coordinator.update_interval == timedelta(seconds=20)
    await refresh(hass, entry)
    assert coordinator.update_interval == timedelta(seconds=40)
    assert caplog.text.count("Error fetching") == 1
    assert "The Fronius device does not answer" in caplog.text

    fronius_simulator.set_fault(None)
    fronius_simulator.requests.clear()
    await refresh(hass, entry)
    assert state_for(hass, "pv_power").state != STATE_UNAVAILABLE
    assert state_for(hass, "inverter_online").state == STATE_ON
    # The device may have restarted: everything is read again.
    assert "/solar_api/v1/GetLoggerInfo.cgi" in fronius_simulator.requests
    assert float(state_for(hass, "grid_elec_import").state) > 8765
    assert coordinator.update_interval == timedelta(seconds=10)
    assert caplog.text.count("data recovered") == 1


@pytest.mark.usefixtures("fast_requests")
async def test_backoff_is_capped(
    hass: HomeAssistant, fronius_simulator: FroniusSimulator
) -> None:
    """The wait between attempts doubles up to five minutes."""
    entry = await set_up_fronius(hass, fronius_simulator.address)
    coordinator = coordinator_of(entry)
    await fronius_simulator.stop()
    intervals = []
    for _ in range(8):
        await refresh(hass, entry)
        assert coordinator.update_interval is not None
        intervals.append(int(coordinator.update_interval.total_seconds()))
    assert intervals == [10, 20, 40, 80, 160, 300, 300, 300]
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["connection"]["failures"] == 8
    assert diagnostics["connection"]["available"] is False


async def test_night_and_morning(
    hass: HomeAssistant,
    fronius_simulator: FroniusSimulator,
    caplog: pytest.LogCaptureFixture,
    freezer: FrozenDateTimeFactory,
) -> None:
    """At night PV is 0 W and available; counters stay; one log line each way."""
    entry = await set_up_fronius(hass, fronius_simulator.address)
    produced = float(state_for(hass, "pv_elec_prod").state)
    fronius_simulator.set_fault(Fault.NIGHT)
    for _ in range(3):
        await refresh(hass, entry)
        freezer.tick(DEVICE_INTERVAL)  # the inverter is read on every poll
    assert state_for(hass, "pv_power").state == "0.0"
    assert state_for(hass, "inverter_power_ac").state == "0.0"
    assert state_for(hass, "inverter_online").state == STATE_OFF
    assert state_for(hass, "inverter_status").state == "startup"
    assert state_for(hass, "inverter_error_code").state == "307"
    assert float(state_for(hass, "pv_elec_prod").state) == pytest.approx(
        produced, abs=0.01
    )
    # The per-phase values of a sleeping inverter are unknown, not 0 V.
    assert state_for(hass, "inverter_voltage_ac_l1").state == "unknown"
    assert float(state_for(hass, "grid_power").state) > 0
    assert caplog.text.count("is asleep or off") == 1

    fronius_simulator.set_fault(None)
    await refresh(hass, entry)
    assert state_for(hass, "inverter_online").state == STATE_ON
    assert float(state_for(hass, "pv_power").state) > 0
    assert caplog.text.count("Symo 8.2 is online") == 1


async def test_polling_intervals(
    hass: HomeAssistant,
    fronius_simulator: FroniusSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Power flow every 10 s, devices every minute, identity every hour."""
    await set_up_fronius(hass, fronius_simulator.address)

    def asked() -> dict[str, int]:
        counts: dict[str, int] = {}
        for request in fronius_simulator.requests:
            name = request.split("?")[0].rsplit("/", 1)[-1].split(".")[0]
            counts[name] = counts.get(name, 0) + 1
        return counts

    fronius_simulator.requests.clear()
    for _ in range(6):
        await poll(hass, freezer, 10)
    assert asked() == {
        "GetPowerFlowRealtimeData": 6,
        "GetInverterRealtimeData": 2,
        "GetMeterRealtimeData": 1,
    }
    fronius_simulator.requests.clear()
    for _ in range(6 * 60):
        freezer.tick(timedelta(seconds=10))
    await poll(hass, freezer, 10)
    assert asked() == {
        "GetLoggerInfo": 1,
        "GetInverterInfo": 1,
        "GetPowerFlowRealtimeData": 1,
        "GetInverterRealtimeData": 2,
        "GetMeterRealtimeData": 1,
        # Asked again: not supported may have changed with a firmware update.
        "GetStorageRealtimeData": 1,
    }


async def test_system_without_power_flow(
    hass: HomeAssistant, fronius_simulator: FroniusSimulator
) -> None:
    """Old firmware without power flow: devices every minute, no site values."""
    fronius_simulator.answers[Endpoint.POWER_FLOW] = error(11, "not supported")
    entry = await set_up_fronius(hass, fronius_simulator.address)
    assert coordinator_of(entry).update_interval == timedelta(minutes=1)
    assert states_by_key(hass, "pv_power") == []
    assert float(state_for(hass, "inverter_power_ac").state) > 0
    before = len(fronius_simulator.requests)
    await refresh(hass, entry)
    assert "GetPowerFlowRealtimeData" not in str(fronius_simulator.requests[before:])


async def test_per_phase_data_a_gen24_lacks_is_asked_hourly(
    hass: HomeAssistant,
    gen24_simulator: FroniusSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """No 3PInverterData: not asked every minute, only after the hourly check."""
    await set_up_fronius(hass, gen24_simulator.address)
    gen24_simulator.requests.clear()
    for _ in range(6):
        await poll(hass, freezer, 10)
    asked = " ".join(gen24_simulator.requests)
    assert "CommonInverterData" in asked
    assert "3PInverterData" not in asked
    for _ in range(6 * 60):
        freezer.tick(timedelta(seconds=10))
    await poll(hass, freezer, 10)
    assert "3PInverterData" in " ".join(gen24_simulator.requests)
    assert states_by_key(hass, "inverter_voltage_ac_l1") == []


async def test_power_flow_that_fails_later_is_an_outage(
    hass: HomeAssistant, fronius_simulator: FroniusSimulator
) -> None:
    """The power flow is the heartbeat: an error status after it worked fails."""
    entry = await set_up_fronius(hass, fronius_simulator.address)
    fronius_simulator.answers[Endpoint.POWER_FLOW] = error(255, "broken")
    await refresh(hass, entry)
    await refresh(hass, entry)
    assert state_for(hass, "pv_power").state == STATE_UNAVAILABLE


async def test_meter_that_stops_answering(
    hass: HomeAssistant,
    fronius_simulator: FroniusSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Only the meter's entities become unavailable; the rest carries on."""
    entry = await set_up_fronius(hass, fronius_simulator.address)
    fronius_simulator.answers[Endpoint.METER] = error(12, "Meter not available")
    freezer.tick(DEVICE_INTERVAL)  # the meters are read again
    await refresh(hass, entry)
    assert state_for(hass, "grid_elec_import").state == STATE_UNAVAILABLE
    assert state_for(hass, "voltage_l1").state == STATE_UNAVAILABLE
    assert state_for(hass, "pv_power").state != STATE_UNAVAILABLE
    del fronius_simulator.answers[Endpoint.METER]
    freezer.tick(DEVICE_INTERVAL)  # the meters are read again
    await refresh(hass, entry)
    assert float(state_for(hass, "grid_elec_import").state) > 8765


async def test_inverter_found_at_sunrise(
    hass: HomeAssistant, fronius_simulator: FroniusSimulator
) -> None:
    """Set up at night with no inverter listed: it is added when it wakes."""
    fronius_simulator.answers[Endpoint.INVERTER_INFO] = response({})
    fronius_simulator.answers[Endpoint.POWER_FLOW] = NIGHT_FLOW
    entry = await set_up_fronius(hass, fronius_simulator.address)
    assert entry.state is ConfigEntryState.LOADED
    del fronius_simulator.answers[Endpoint.INVERTER_INFO]
    del fronius_simulator.answers[Endpoint.POWER_FLOW]
    await refresh(hass, entry)
    assert state_for(hass, "inverter_online").state == STATE_ON
    assert float(state_for(hass, "pv_elec_prod").state) > 12345


async def test_inverter_known_only_from_the_power_flow(
    hass: HomeAssistant, fronius_simulator: FroniusSimulator
) -> None:
    """No inverter list at all: the power flow's inverter numbers are used."""
    fronius_simulator.answers[Endpoint.INVERTER_INFO] = error(255, "not supported")
    entry = await set_up_fronius(hass, fronius_simulator.address)
    assert entry.unique_id == "240.424242"
    assert state_for(hass, "inverter_online").state == STATE_ON
    (produced,) = [
        registered.unique_id
        for registered in er.async_get(hass).entities.values()
        if registered.unique_id.endswith("_pv_elec_prod")
    ]
    assert produced == "solar_net_240.424242_inverter_1_pv_elec_prod"


async def test_inverter_that_never_answered(
    hass: HomeAssistant, fronius_simulator: FroniusSimulator
) -> None:
    """A listed inverter without any data: offline, without energy entities."""
    listed = {"UniqueID": "77", "DT": 102, "StatusCode": 255}
    fronius_simulator.answers[Endpoint.INVERTER_INFO] = response({"2": listed})
    await set_up_fronius(hass, fronius_simulator.address)
    registry = er.async_get(hass)
    assert registry.async_get_entity_id("binary_sensor", DOMAIN, "77_inverter_online")
    assert not registry.async_get_entity_id("sensor", DOMAIN, "77_pv_elec_prod")
    power = registry.async_get_entity_id("sensor", DOMAIN, "77_inverter_power_ac")
    assert power is not None
    state = hass.states.get(power)
    assert state is not None
    assert state.state == "0.0"


async def test_restart_at_night_shows_the_inverter_at_once(
    hass: HomeAssistant, fronius_simulator: FroniusSimulator
) -> None:
    """Inverters and counters are stored: a restart at night keeps them."""
    entry = await set_up_fronius(hass, fronius_simulator.address)
    produced = state_for(hass, "pv_elec_prod").state
    assert await hass.config_entries.async_unload(entry.entry_id)
    fronius_simulator.answers[Endpoint.INVERTER_INFO] = response({})
    fronius_simulator.answers[Endpoint.INVERTER_COMMON] = error(12, "asleep")
    fronius_simulator.answers[Endpoint.POWER_FLOW] = NIGHT_FLOW
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert state_for(hass, "pv_elec_prod").state == produced
    assert state_for(hass, "inverter_power_ac").state == "0.0"
    assert state_for(hass, "inverter_online").state == STATE_OFF
    assert state_for(hass, "inverter_status").state == "unknown"
    assert state_for(hass, "pv_power").state == "0.0"


async def test_damaged_storage_is_ignored(
    hass: HomeAssistant,
    fronius_simulator: FroniusSimulator,
    hass_storage: dict[str, object],
) -> None:
    """Stored inverters without an ID are skipped; the rest is read anew."""
    entry = fronius_entry(fronius_simulator.address)
    hass_storage[entry_store_key(entry)] = {
        "version": 1,
        "key": entry_store_key(entry),
        "data": {"inverters": {"9": {"unique_id": "x"}}, "day": {"k": "bad"}},
    }
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert len(states_by_key(hass, "inverter_online")) == 1


async def test_entry_without_unique_id_adopts_the_system_serial(
    hass: HomeAssistant, fronius_simulator: FroniusSimulator
) -> None:
    """Made without the wizard, the entry takes the Datamanager's ID once."""
    entry = await set_up_fronius(hass, fronius_simulator.address)
    assert entry.unique_id == "240.424242"
    assert states_by_key(hass, "pv_power")[0].entity_id.startswith("sensor.")

    second = await set_up_fronius(hass, fronius_simulator.address)
    assert second.unique_id is None
    assert len(states_by_key(hass, "pv_power")) == 2


async def test_yesterday_leftover_is_not_counted_today(
    hass: HomeAssistant,
    fronius_simulator: FroniusSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """After midnight a Symo repeats yesterday's energy: today shows 0 instead."""
    await hass.config.async_set_time_zone("Europe/Brussels")
    freezer.move_to(
        datetime(2026, 3, 28, 23, 50, tzinfo=dt_util.get_default_time_zone())
    )

    def common(day_wh: int, total_wh: int) -> None:
        payload = response(
            {
                "DAY_ENERGY": {"Unit": "Wh", "Value": day_wh},
                "TOTAL_ENERGY": {"Unit": "Wh", "Value": total_wh},
                "YEAR_ENERGY": {"Unit": "Wh", "Value": 900_000 + day_wh},
                "DeviceStatus": {"StatusCode": 3, "ErrorCode": 307},
            }
        )
        fronius_simulator.answers[Endpoint.INVERTER_COMMON] = payload

    common(12_000, 5_000_000)
    await set_up_fronius(hass, fronius_simulator.address)
    assert state_for(hass, "pv_elec_prod_today").state == "12.0"
    await poll(hass, freezer, 60 * 20)  # 00:10 on the day clocks go forward
    today = states_by_key(hass, "pv_elec_prod_today")[0]
    assert today.state == "0.0"
    midnight = datetime(2026, 3, 29, tzinfo=dt_util.get_default_time_zone())
    assert today.attributes[ATTR_LAST_RESET] == midnight.isoformat()
    common(50, 5_000_050)
    await poll(hass, freezer, 60 * 60 * 7)
    assert state_for(hass, "pv_elec_prod_today").state == "0.05"
    assert state_for(hass, "pv_elec_prod").state == "5000.05"


async def test_derived_daily_energy_survives_a_restart(
    hass: HomeAssistant,
    gen24_simulator: FroniusSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A Gen24 reports no daily energy: derived, stored, continued after restart."""
    freezer.move_to(datetime(2026, 6, 21, 6, 0, tzinfo=dt_util.get_default_time_zone()))

    def total(wh: float) -> None:
        gen24_simulator.answers[Endpoint.INVERTER_COMMON] = response(
            {
                "TOTAL_ENERGY": {"Unit": "Wh", "Value": wh},
                "DAY_ENERGY": {"Unit": "Wh", "Value": None},
                "DeviceStatus": {"StatusCode": 7, "InverterState": "Running"},
                "PAC": {"Unit": "W", "Value": 1000.0},
            }
        )

    total(1_000_000.0)
    entry = await set_up_fronius(hass, gen24_simulator.address)
    total(1_002_500.5)
    await poll(hass, freezer, 60)
    assert state_for(hass, "pv_elec_prod_today").state == "2.5005"
    assert await hass.config_entries.async_unload(entry.entry_id)
    total(1_003_000.5)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert state_for(hass, "pv_elec_prod_today").state == "3.0005"
    await poll(hass, freezer, 60 * 60 * 24)
    assert state_for(hass, "pv_elec_prod_today").state == "0.0"
    assert state_for(hass, "pv_elec_prod").state == "1003.0005"


async def test_diagnostics_redact_identities(
    hass: HomeAssistant, gen24_simulator: FroniusSimulator
) -> None:
    """Diagnostics show devices and values, but no host or serial numbers."""
    entry = await set_up_fronius(hass, gen24_simulator.address)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    text = str(diagnostics)
    for secret in (
        "34110777",
        "1234567890",
        "P030T020Z2001234567",
        gen24_simulator.address,
    ):
        assert secret not in text, secret
    assert diagnostics["entry"]["data"]["host"] == "**REDACTED**"
    assert diagnostics["datamanager"] is None
    assert diagnostics["power_flow"] == {
        "mode": "bidirectional",
        "meter_location": "grid",
    }
    kinds = [device["kind"] for device in diagnostics["devices"]]
    assert kinds == ["system", "inverter", "meter", "battery"]
    assert diagnostics["devices"][1]["values"]["inverter_status"] == "running"
    assert diagnostics["connection"]["available"] is True
    assert diagnostics["connection"]["supported"] == [
        "meters",
        "power_flow",
        "storages",
    ]
