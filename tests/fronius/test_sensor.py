"""Fronius systems end to end: Solar API answers over loopback HTTP to states.

Every sample answer in tests/fixtures/fronius is served by the simulator at
its real path and read through the integration; the states must be the
payloads' values in the vocabulary's units (W, V, A, Hz, %, kWh).
"""

from datetime import datetime

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.sensor import ATTR_LAST_RESET, ATTR_STATE_CLASS
from homeassistant.const import (
    ATTR_DEVICE_CLASS,
    ATTR_UNIT_OF_MEASUREMENT,
    STATE_OFF,
    STATE_ON,
    STATE_UNKNOWN,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import dt as dt_util
import pytest

from custom_components.energy_monitor.lib.vocabulary import (
    VOCABULARY,
    Key,
    state_decimals,
)
from simulators.fronius import Endpoint, FroniusSimulator
from simulators.profile import ZONE
from tests.common import state_for, states_by_key
from tests.fronius.helpers import SYMO_DAY, poll, sample, serve_samples, set_up_fronius

SYMO_NIGHT = SYMO_DAY | {
    Endpoint.POWER_FLOW: "ha_symo_GetPowerFlowRealtimeData_night.json",
    Endpoint.INVERTER_COMMON: (
        "ha_symo_GetInverterRealtimeData_CommonInverterData_night.json"
    ),
}
PYFRONIUS_PAGES = {
    "/solar_api/GetAPIVersion.cgi": "pyfronius_v1_GetAPIVersion.json",
    "/solar_api/v1/GetActiveDeviceInfo.cgi?DeviceClass=System": (
        "pyfronius_v1_GetActiveDeviceInfo_System.json"
    ),
    "/solar_api/v1/GetInverterInfo.cgi": "pyfronius_v1_GetInverterInfo.json",
    "/solar_api/v1/GetInverterRealtimeData.cgi?Scope=System": (
        "pyfronius_v1_GetInverterRealtimeData_System.json"
    ),
    "/solar_api/v1/GetLoggerInfo.cgi": "pyfronius_v1_GetLoggerInfo.json",
    "/solar_api/v1/GetLoggerLEDInfo.cgi": "pyfronius_v1_GetLoggerLEDInfo.json",
    "/solar_api/v1/GetMeterRealtimeData.cgi?Scope=Device&DeviceId=0": (
        "pyfronius_v1_GetMeterRealtimeData_Device0.json"
    ),
    "/solar_api/v1/GetMeterRealtimeData.cgi?Scope=System": (
        "pyfronius_v1_GetMeterRealtimeData_System.json"
    ),
    "/solar_api/v1/GetOhmPilotRealtimeData.cgi?Scope=System": (
        "pyfronius_v1_GetOhmPilotRealtimeData_System.json"
    ),
    "/solar_api/v1/GetPowerFlowRealtimeData.fcgi": (
        "pyfronius_v1_GetPowerFlowRealtimeData.json"
    ),
    "/solar_api/v1/GetStorageRealtimeData.cgi?Scope=Device&DeviceId=0": (
        "pyfronius_v1_GetStorageRealtimeData_Device0.json"
    ),
    "/solar_api/v1/GetStorageRealtimeData.cgi?Scope=System": (
        "pyfronius_v1_GetStorageRealtimeData_System.json"
    ),
}
"""Every PyFronius sample at the path (and query) it was recorded from."""
_INVERTER_DATA = "/solar_api/v1/GetInverterRealtimeData.cgi?Scope=Device&DeviceId={}"


def number(hass: HomeAssistant, key: str) -> float:
    """Return the numeric state of the one entity whose unique ID ends in key."""
    return float(state_for(hass, key).state)


def assert_values(hass: HomeAssistant, expected: dict[str, float | str]) -> None:
    """Assert the state of each key's entity (numbers at the state's decimals)."""
    for key, wanted in expected.items():
        if isinstance(wanted, str):
            assert state_for(hass, key).state == wanted, key
            continue
        decimals = state_decimals(VOCABULARY[Key(key)].precision)
        shown = wanted if decimals is None else round(wanted, decimals)
        assert number(hass, key) == pytest.approx(shown, abs=1e-9), key


async def test_symo_by_day(
    hass: HomeAssistant, fronius_simulator: FroniusSimulator
) -> None:
    """A Symo with a smart meter at noon: every value as the device reports it."""
    serve_samples(fronius_simulator, SYMO_DAY)
    entry = await set_up_fronius(hass, fronius_simulator.address)
    assert entry.unique_id == "1234567"
    assert_values(
        hass,
        {
            "pv_power": 1111,
            "grid_power": 1703.74,
            "site_power": 2814.74,
            "autonomy": 39.4707859340472,
            "self_consumption": 100,
            "inverter_power_ac": 1190,
            "inverter_voltage_ac": 227.9,
            "inverter_current_ac": 5.19,
            "inverter_frequency_ac": 49.94,
            "inverter_voltage_dc": 518,
            "inverter_current_dc": 2.19,
            "inverter_status": "running",
            "inverter_error_code": 0,
            "inverter_online": STATE_ON,
            "pv_elec_prod": 44188.0,
            "pv_elec_prod_today": 1.113,
            "pv_elec_prod_year": 25508.798,
            "grid_elec_import": 15303.334,
            "grid_elec_export": 35623.065,
            "voltage_l1": 228.6,
            "voltage_l2": 228.6,
            "voltage_l3": 231,
            "current_l1": 7.755,
            "current_l2": 6.68,
            "current_l3": 10.102,
            "power_l1": 1765.55,
            "power_l2": 1515.8,
            "power_l3": 2311.22,
            "frequency": 50,
        },
    )
    for absent in ("battery_power", "battery_soc", "inverter_voltage_ac_l1"):
        assert states_by_key(hass, absent) == []

    energy = states_by_key(hass, "pv_elec_prod")[0]
    assert energy.attributes[ATTR_DEVICE_CLASS] == "energy"
    assert energy.attributes[ATTR_STATE_CLASS] == "total_increasing"
    assert energy.attributes[ATTR_UNIT_OF_MEASUREMENT] == "kWh"
    today = states_by_key(hass, "pv_elec_prod_today")[0]
    assert today.attributes[ATTR_STATE_CLASS] == "total"
    assert today.attributes[ATTR_LAST_RESET] == dt_util.start_of_local_day().isoformat()
    year = states_by_key(hass, "pv_elec_prod_year")[0]
    new_year = dt_util.start_of_local_day().replace(month=1, day=1)
    assert year.attributes[ATTR_LAST_RESET] == new_year.isoformat()
    power = states_by_key(hass, "grid_power")[0]
    assert power.attributes[ATTR_UNIT_OF_MEASUREMENT] == "W"
    assert power.attributes[ATTR_STATE_CLASS] == "measurement"
    status = states_by_key(hass, "inverter_status")[0]
    assert status.attributes["options"] == [
        "startup",
        "running",
        "standby",
        "bootloading",
        "error",
        "idle",
        "ready",
        "sleeping",
    ]


async def test_devices_hang_under_the_system(
    hass: HomeAssistant, fronius_simulator: FroniusSimulator
) -> None:
    """The inverter and the meter are devices of their own under the system."""
    serve_samples(fronius_simulator, SYMO_DAY)
    await set_up_fronius(hass, fronius_simulator.address)
    devices = {
        next(iter(device.identifiers))[1]: device
        for device in dr.async_get(hass).devices
    }
    system = devices["solar_net_1234567"]
    assert system.name == "Fronius SolarNet 4567"  # the Datamanager ID's last digits
    assert system.configuration_url == f"http://{fronius_simulator.address}"
    inverter = devices["1234567"]
    assert inverter.name == "Symo 20"
    assert inverter.model == "Symo 20.0-3-M"
    assert inverter.model_id == "121"
    assert inverter.serial_number == "1234567"
    assert inverter.via_device_id == system.id
    meter = devices["12345678"]
    assert meter.name == "Smart Meter 63A"
    assert meter.manufacturer == "Fronius"
    assert meter.via_device_id == system.id
    registry = er.async_get(hass)
    grid = registry.async_get(states_by_key(hass, "grid_elec_import")[0].entity_id)
    assert grid is not None
    assert grid.unique_id == "12345678_grid_elec_import"
    assert grid.device_id == meter.id


async def test_symo_at_night(
    hass: HomeAssistant, fronius_simulator: FroniusSimulator
) -> None:
    """Set up at night: PV 0 W and available, counters kept, inverter offline."""
    serve_samples(fronius_simulator, SYMO_NIGHT)
    await set_up_fronius(hass, fronius_simulator.address)
    assert_values(
        hass,
        {
            "pv_power": 0,
            "grid_power": 975.31,
            "site_power": 975.31,
            "autonomy": 0,
            "inverter_power_ac": 0,
            "inverter_current_ac": 0,
            "inverter_voltage_dc": 16,
            "inverter_current_dc": 0,
            "inverter_status": "startup",
            "inverter_error_code": 307,
            "inverter_online": STATE_OFF,
            "pv_elec_prod": 44186.9,
            "pv_elec_prod_today": 10.828,
            "pv_elec_prod_year": 25507.686,
        },
    )
    for unknown in ("self_consumption", "inverter_voltage_ac", "inverter_frequency_ac"):
        assert state_for(hass, unknown).state == STATE_UNKNOWN, unknown


async def test_day_to_night_keeps_counters(
    hass: HomeAssistant,
    fronius_simulator: FroniusSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Dusk: 0 W, offline (logged once), counters never lower than by day."""
    serve_samples(fronius_simulator, SYMO_DAY)
    await set_up_fronius(hass, fronius_simulator.address)
    serve_samples(fronius_simulator, SYMO_NIGHT)
    await poll(hass, freezer, 60)
    await poll(hass, freezer, 60)
    assert_values(
        hass,
        {
            "pv_power": 0,
            "inverter_power_ac": 0,
            "inverter_online": STATE_OFF,
            # The night sample's counter is lower (another day): never backwards.
            "pv_elec_prod": 44188.0,
        },
    )
    assert caplog.text.count("is asleep or off") == 1


async def test_every_pyfronius_sample_at_its_path(
    hass: HomeAssistant, fronius_simulator: FroniusSimulator
) -> None:
    """A Datamanager with five inverters, a load-path meter and a battery."""
    fronius_simulator.only_answers = True
    fronius_simulator.pages = {
        path: sample(name) for path, name in PYFRONIUS_PAGES.items()
    }
    common = sample("pyfronius_v1_GetInverterRealtimeData_CommonInverterData.json")
    three_phase = sample("pyfronius_v1_GetInverterRealtimeData_3PInverterData.json")
    for device_id in ("1", "2", "3", "55", "240"):
        path = _INVERTER_DATA.format(device_id)
        fronius_simulator.pages[f"{path}&DataCollection=CommonInverterData"] = common
        fronius_simulator.pages[f"{path}&DataCollection=3PInverterData"] = three_phase
    entry = await set_up_fronius(hass, fronius_simulator.address)
    assert entry.unique_id == "240.123456"

    # The site: a meter in the load path, no PV at this hour.
    assert_values(hass, {"pv_power": 0, "grid_power": 367.722145})
    assert_values(hass, {"site_power": 367.722145})  # shown as 367.72 W
    # Five inverters, each its own device, all asleep (status 3, error 523).
    for key, wanted in {
        "inverter_status": "startup",
        "inverter_error_code": "523",
        "inverter_online": STATE_OFF,
        "inverter_power_ac": 0.0,
        "pv_elec_prod": 26213.502,
        "pv_elec_prod_today": 0.0,
        "pv_elec_prod_year": 12.4001,
        "inverter_voltage_ac_l1": 231.87258911132812,
        "inverter_current_ac_l3": 0.93189901113510132,
    }.items():
        states = [state.state for state in states_by_key(hass, key)]
        assert len(states) == 5, key
        if isinstance(wanted, str):
            assert set(states) == {wanted}, key
        else:
            decimals = state_decimals(VOCABULARY[Key(key)].precision)
            shown = wanted if decimals is None else round(wanted, decimals)
            assert [float(state) for state in states] == pytest.approx([shown] * 5)
    names = {
        device.name
        for device in dr.async_get(hass).devices
        if device.model_id is not None
    }
    assert names == {
        "Primo 8.2-1 (",
        "Primo 5.0-1 20",
        "Galvo 3.1-1 20",
        "Galvo 3.0-1 (5",
        "tr-3pn-01",
    }
    # The battery reports its own state of charge.
    assert_values(
        hass,
        {"battery_soc": 7.9, "battery_voltage_dc": 0, "battery_temperature": 19.55},
    )
    # The S0 meter reports only relative energy: no entities, no device.
    assert states_by_key(hass, "grid_elec_import") == []
    assert states_by_key(hass, "meter_elec_import") == []
    # Only the endpoints the integration needs were asked.
    asked = {
        request.split("?")[0].rsplit("/", 1)[-1]
        for request in fronius_simulator.requests
    }
    assert asked == {
        "GetLoggerInfo.cgi",
        "GetInverterInfo.cgi",
        "GetPowerFlowRealtimeData.fcgi",
        "GetInverterRealtimeData.cgi",
        "GetMeterRealtimeData.cgi",
        "GetStorageRealtimeData.cgi",
    }


async def test_gen24_with_battery(
    hass: HomeAssistant, gen24_simulator: FroniusSimulator
) -> None:
    """No Datamanager, no daily energy: derived from the lifetime counter."""
    noon = datetime(2026, 6, 21, 12, 0, tzinfo=ZONE)
    gen24_simulator.clock = lambda: noon
    flows = gen24_simulator.system.flows(noon)
    assert flows.battery < 0  # charging from the surplus
    entry = await set_up_fronius(hass, gen24_simulator.address)
    assert entry.unique_id == "34110777"
    counters = gen24_simulator.system.counters
    assert_values(
        hass,
        {
            "pv_power": flows.pv,
            "battery_power": flows.battery,
            "grid_power": flows.grid,
            "site_power": flows.load,
            "inverter_power_ac": flows.inverter,
            "pv_elec_prod": counters.inverter_total / 1000,
            "battery_soc": round(counters.soc, 1),
            "battery_voltage_dc": round(400 + counters.soc / 2, 1),
            "inverter_status": "running",
            "inverter_online": STATE_ON,
        },
    )
    # Started mid-day: today counts from the start, and says so.
    today = states_by_key(hass, "pv_elec_prod_today")[0]
    assert float(today.state) == 0.0
    assert today.attributes[ATTR_LAST_RESET] != dt_util.start_of_local_day().isoformat()
    # A Gen24 lists two trackers; no per-phase data.
    assert state_for(hass, "inverter_voltage_dc_2").state == "12.5"
    assert states_by_key(hass, "inverter_voltage_ac_l1") == []
    # The state of charge is the battery's own, not a second one of the site.
    assert len(states_by_key(hass, "battery_soc")) == 1
