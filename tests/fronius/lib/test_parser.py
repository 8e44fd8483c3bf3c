"""The Solar API parser against every real answer in tests/fixtures/fronius."""

import json
from typing import Any

import pytest

from custom_components.energy_monitor.lib.fronius.model import (
    InverterStatus,
    PowerFlow,
    PowerFlowInverter,
)
from custom_components.energy_monitor.lib.fronius.parser import (
    number,
    parse_inverter_3p_data,
    parse_inverter_data,
    parse_inverter_info,
    parse_logger_info,
    parse_meters,
    parse_power_flow,
    parse_status,
    parse_storages,
)
from custom_components.energy_monitor.lib.fronius.values import (
    inverter_values,
    site_values,
)
from custom_components.energy_monitor.lib.vocabulary import Key
from tests.fronius.helpers import sample


def body(name: str) -> Any:
    """Return the body of a sample answer (``Data``, or ``LoggerInfo``)."""
    answer = json.loads(sample(name))["Body"]
    return answer.get("Data", answer.get("LoggerInfo"))


def test_logger_info() -> None:
    """A Datamanager's identity."""
    logger = parse_logger_info(body("pyfronius_v1_GetLoggerInfo.json"))
    assert logger is not None
    assert logger.unique_id == "240.123456"
    assert logger.product == "fronius-datamanager-card"
    assert logger.hardware_version == "2.4E"
    assert logger.software_version == "3.18.7-1"
    assert parse_logger_info({}) is None


def test_inverter_info_of_five_inverters() -> None:
    """Names are unescaped, IDs sorted numerically."""
    inverters = parse_inverter_info(body("pyfronius_v1_GetInverterInfo.json"))
    assert [inverter.device_id for inverter in inverters] == [
        "1",
        "2",
        "3",
        "55",
        "240",
    ]
    first, *_, tauro = inverters
    assert first.unique_id == "38183"
    assert first.device_type == 102
    assert first.custom_name == "Primo 8.2-1 ("
    assert tauro.custom_name == "tr-3pn-01"
    assert tauro.unique_id == "29301000987160033"
    assert tauro.device_type == 1


def test_inverter_info_at_night() -> None:
    """The Symo still lists itself at night."""
    (inverter,) = parse_inverter_info(body("ha_symo_GetInverterInfo_night.json"))
    assert inverter.custom_name == "Symo 20"
    assert inverter.unique_id == "1234567"
    assert inverter.device_type == 121


def test_power_flow_by_day() -> None:
    """Site values in W and %, house load positive, energy in kWh."""
    flow = parse_power_flow(body("ha_symo_GetPowerFlowRealtimeData.json"))
    assert flow.values == {
        Key.PV_POWER: 1111,
        Key.GRID_POWER: 1703.74,
        Key.SITE_POWER: 2814.7399999999998,
        Key.BATTERY_POWER: None,
        Key.AUTONOMY: 39.4707859340472,
        Key.SELF_CONSUMPTION: 100,
    }
    assert flow.mode == "meter"
    assert flow.meter_location == "grid"
    assert flow.inverters == {
        "1": PowerFlowInverter(
            power=1111,
            energy_day=1.1017000732421875,
            energy_year=25508.788,
            energy_total=44188.0,
            device_type=121,
        )
    }
    assert site_values(flow, battery_soc=True) == {
        Key.PV_POWER: 1111,
        Key.GRID_POWER: 1703.74,
        Key.SITE_POWER: 2814.7399999999998,
        Key.AUTONOMY: 39.4707859340472,
        Key.SELF_CONSUMPTION: 100,
    }


def test_power_flow_at_night() -> None:
    """P_PV null means 0 W; self-consumption of nothing is unknown."""
    flow = parse_power_flow(body("ha_symo_GetPowerFlowRealtimeData_night.json"))
    values = site_values(flow, battery_soc=True)
    assert values[Key.PV_POWER] == 0.0
    assert values[Key.GRID_POWER] == 975.30999999999995
    assert values[Key.SITE_POWER] == 975.30999999999995
    assert values[Key.AUTONOMY] == 0
    assert values[Key.SELF_CONSUMPTION] is None
    assert flow.inverters["1"].power == 0
    assert flow.inverters["1"].energy_total == 44186.9


def test_power_flow_with_the_meter_in_the_load_path() -> None:
    """A 'vague-meter' system without rel_* values and with a null inverter."""
    flow = parse_power_flow(body("pyfronius_v1_GetPowerFlowRealtimeData.json"))
    assert flow.meter_location == "load"
    assert site_values(flow, battery_soc=True) == {
        Key.PV_POWER: 0.0,
        Key.GRID_POWER: 367.722145,
        Key.SITE_POWER: 367.722145,
    }
    assert flow.inverters["1"] == PowerFlowInverter(device_type=123)


@pytest.mark.parametrize(
    ("inverter", "battery_power", "soc"),
    [
        ({"SOC": 4.6, "Battery_Mode": "suspended"}, 0.159, 4.6),
        ({"SOC": 0.0, "Battery_Mode": "disabled"}, None, None),
        ({"SOC": 80.0}, -1500.0, 80.0),
        ({"SOC": 80.0}, None, None),
        ({}, 100.0, None),
    ],
)
def test_battery_state_of_charge_in_the_power_flow(
    inverter: dict[str, Any], battery_power: float | None, soc: float | None
) -> None:
    """A Gen24 lists a SOC of 0 even without a battery: that is no battery."""
    flow = parse_power_flow(
        {"Inverters": {"1": inverter}, "Site": {"P_Akku": battery_power}}
    )
    assert flow.battery_soc == soc
    values = site_values(flow, battery_soc=True)
    assert values.get(Key.BATTERY_SOC) == soc
    assert values.get(Key.BATTERY_POWER) == battery_power
    assert Key.BATTERY_SOC not in site_values(flow, battery_soc=False)


def test_first_battery_is_the_lowest_inverter_number() -> None:
    """Inverter "2" comes before inverter "10", as everywhere else."""
    flow = parse_power_flow(
        {
            "Inverters": {"10": {"SOC": 10.0}, "2": {"SOC": 20.0}},
            "Site": {"P_Akku": 100.0},
        }
    )
    assert list(flow.inverters) == ["2", "10"]
    assert flow.battery_soc == 20.0


def test_inverter_data_by_day() -> None:
    """AC/DC values as reported; energy in kWh; running means online."""
    reading = parse_inverter_data(
        body("ha_symo_GetInverterRealtimeData_CommonInverterData.json")
    )
    assert reading.values == {
        Key.INVERTER_POWER_AC: 1190,
        Key.INVERTER_VOLTAGE_AC: 227.90000000000001,
        Key.INVERTER_CURRENT_AC: 5.1900000000000004,
        Key.INVERTER_FREQUENCY_AC: 49.939999999999998,
        Key.INVERTER_VOLTAGE_DC: 518,
        Key.INVERTER_CURRENT_DC: 2.1899999999999999,
    }
    assert reading.status is InverterStatus.RUNNING
    assert reading.error_code == 0
    assert (reading.energy_day, reading.energy_year, reading.energy_total) == (
        1.113,
        25508.798,
        44188.0,
    )
    assert reading.online
    shown = inverter_values(reading, None)
    assert shown.online
    assert shown.values[Key.INVERTER_STATUS] == "running"
    assert shown.values[Key.INVERTER_POWER_AC] == 1190


def test_inverter_data_at_night() -> None:
    """Asleep: no AC values, so 0 W and 0 A; voltages unknown; counters kept."""
    reading = parse_inverter_data(
        body("ha_symo_GetInverterRealtimeData_CommonInverterData_night.json")
    )
    assert reading.status is InverterStatus.STARTUP
    assert reading.error_code == 307
    assert not reading.online
    shown = inverter_values(reading, None)
    assert not shown.online
    assert shown.values == {
        Key.INVERTER_POWER_AC: 0.0,
        Key.INVERTER_VOLTAGE_AC: None,
        Key.INVERTER_CURRENT_AC: 0.0,
        Key.INVERTER_FREQUENCY_AC: None,
        Key.INVERTER_VOLTAGE_DC: 16,
        Key.INVERTER_CURRENT_DC: 0,
        Key.INVERTER_STATUS: InverterStatus.STARTUP,
        Key.INVERTER_ERROR_CODE: 307,
    }
    assert (shown.energy_day, shown.energy_year, shown.energy_total) == (
        10.828,
        25507.686,
        44186.9,
    )


def test_inverter_data_with_an_error_and_fractional_year() -> None:
    """The PyFronius sample: error 523, YEAR_ENERGY with a fraction of a Wh."""
    reading = parse_inverter_data(
        body("pyfronius_v1_GetInverterRealtimeData_CommonInverterData.json")
    )
    assert reading.values == {}
    assert reading.error_code == 523
    assert (reading.energy_day, reading.energy_year, reading.energy_total) == (
        0.0,
        12.4001,
        26213.502,
    )


def test_three_phase_data() -> None:
    """Per-phase AC voltage and current of a three-phase inverter."""
    phases = parse_inverter_3p_data(
        body("pyfronius_v1_GetInverterRealtimeData_3PInverterData.json")
    )
    assert phases == {
        Key.INVERTER_VOLTAGE_AC_L1: 231.87258911132812,
        Key.INVERTER_VOLTAGE_AC_L2: 231.79225158691406,
        Key.INVERTER_VOLTAGE_AC_L3: 230.89854431152344,
        Key.INVERTER_CURRENT_AC_L1: 0.92972046136856079,
        Key.INVERTER_CURRENT_AC_L2: 0.92731237411499023,
        Key.INVERTER_CURRENT_AC_L3: 0.93189901113510132,
    }


def test_smart_meter_at_the_grid() -> None:
    """Import/export in kWh under the grid keys; signed power per phase."""
    (meter,) = parse_meters(body("ha_symo_GetMeterRealtimeData_System.json"))
    assert meter.device_id == "0"
    assert meter.serial == "12345678"
    assert meter.manufacturer == "Fronius"
    assert meter.model == "Smart Meter 63A"
    assert meter.location == 0
    assert meter.values == {
        Key.VOLTAGE_L1: 228.59999999999999,
        Key.VOLTAGE_L2: 228.59999999999999,
        Key.VOLTAGE_L3: 231,
        Key.CURRENT_L1: 7.7549999999999999,
        Key.CURRENT_L2: 6.6799999999999997,
        Key.CURRENT_L3: 10.102,
        Key.POWER_L1: 1765.55,
        Key.POWER_L2: 1515.8,
        Key.POWER_L3: 2311.2199999999998,
        Key.POWER_FACTOR_L1: -0.98999999999999999,
        Key.POWER_FACTOR_L2: -0.98999999999999999,
        Key.POWER_FACTOR_L3: 0.98999999999999999,
        Key.FREQUENCY: 50,
        Key.POWER_FACTOR: 1,
        Key.GRID_ELEC_IMPORT: 15303.334,
        Key.GRID_ELEC_EXPORT: 35623.065,
    }


@pytest.mark.parametrize(
    "name",
    [
        "pyfronius_v1_GetMeterRealtimeData_System.json",
        "pyfronius_v1_GetMeterRealtimeData_Device0.json",
    ],
)
def test_meter_in_the_load_path_without_serial(name: str) -> None:
    """A meter with only relative energy: no values, no serial number."""
    data = body(name)
    (meter,) = parse_meters(data if "0" in data else {"0": data})
    assert meter.location == 1
    assert meter.serial is None
    assert meter.model is None
    assert meter.values == {}


def test_gen24_meter_names_and_locations() -> None:
    """SMARTMETER_* names; a meter in the load path counts its own energy."""
    grid, load = parse_meters(
        {
            "0": {
                "SMARTMETER_ENERGYACTIVE_CONSUMED_SUM_F64": 1500.0,
                "SMARTMETER_ENERGYACTIVE_PRODUCED_SUM_F64": 250.5,
                "SMARTMETER_POWERACTIVE_01_F64": -12.5,
                "SMARTMETER_VOLTAGE_01_F64": 230.1,
                "ACBRIDGE_CURRENT_ACTIVE_MEAN_01_F32": 0.5,
                "Meter_Location_Current": 0.0,
                "Details": {"Serial": " n.a. "},
            },
            "1": {
                "EnergyReal_WAC_Plus_Absolute": 1000,
                "EnergyReal_WAC_Minus_Absolute": 2000,
                "Meter_Location_Current": 1,
            },
            "2": {"Enable": 0, "EnergyReal_WAC_Sum_Consumed": 5},
            "3": "not an object",
        }
    )
    assert grid.values == {
        Key.POWER_L1: -12.5,
        Key.VOLTAGE_L1: 230.1,
        Key.CURRENT_L1: 0.5,
        Key.GRID_ELEC_IMPORT: 1.5,
        Key.GRID_ELEC_EXPORT: 0.2505,
    }
    assert grid.location == 0
    assert grid.serial is None
    assert load.values == {Key.METER_ELEC_IMPORT: 1.0, Key.METER_ELEC_EXPORT: 2.0}


def test_batteries() -> None:
    """State of charge, DC values and temperature of the battery."""
    (battery,) = parse_storages(body("pyfronius_v1_GetStorageRealtimeData_System.json"))
    assert battery.device_id == "0"
    assert battery.serial == "123456789-12345"
    assert battery.manufacturer == "BYD"
    assert battery.model == "BYD Battery-Box HV"
    assert battery.values == {
        Key.BATTERY_SOC: 7.9000000000000004,
        Key.BATTERY_VOLTAGE_DC: 0,
        Key.BATTERY_TEMPERATURE: 19.550000000000001,
    }
    device = body("pyfronius_v1_GetStorageRealtimeData_Device0.json")
    (single,) = parse_storages({"0": device})
    assert single.values[Key.BATTERY_SOC] == 8
    assert parse_storages({"0": {"Modules": []}}) == []


def test_unsupported_storage_answer_has_no_body() -> None:
    """Status 255 comes with an empty body: nothing to parse."""
    assert parse_storages(body("ha_symo_GetStorageRealtimeData_error255.json")) == []


@pytest.mark.parametrize(
    ("code", "state", "status"),
    [
        (7, None, InverterStatus.RUNNING),
        (7.0, None, InverterStatus.RUNNING),
        (3, None, InverterStatus.STARTUP),
        (13, None, InverterStatus.SLEEPING),
        (255, None, None),
        (255, "Running", InverterStatus.RUNNING),
        ("Sleeping", None, InverterStatus.SLEEPING),
        (None, " Standby ", InverterStatus.STANDBY),
        ("Unknown", "Invalid", None),
        (True, None, None),
    ],
)
def test_status(code: object, state: object, status: InverterStatus | None) -> None:
    """Numeric codes 0-13, Gen24/Tauro text; 255 and the rest are unknown."""
    assert parse_status(code, state) is status


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1, 1),
        (2.5, 2.5),
        (None, None),
        ("12", None),
        (True, None),
        (float("nan"), None),
        (float("inf"), None),
    ],
)
def test_number(raw: object, expected: float | None) -> None:
    """Only finite JSON numbers are numbers."""
    assert number(raw) == expected


def test_units_are_converted() -> None:
    """Units kW, kWh and MWh are converted; unknown units are taken as the base."""
    reading = parse_inverter_data(
        {
            "PAC": {"Value": 1.5, "Unit": "kW"},
            "UAC": {"Value": 230, "Unit": "volt?"},
            "TOTAL_ENERGY": {"Value": 2.5, "Unit": "MWh"},
            "DAY_ENERGY": {"Value": 3.25, "Unit": "kWh"},
            "YEAR_ENERGY": {"Value": "n/a", "Unit": "Wh"},
            "DeviceStatus": "broken",
        }
    )
    assert reading.values == {
        Key.INVERTER_POWER_AC: 1500.0,
        Key.INVERTER_VOLTAGE_AC: 230,
    }
    assert (reading.energy_total, reading.energy_day, reading.energy_year) == (
        2500.0,
        3.25,
        None,
    )
    assert reading.status is None
    assert reading.online


@pytest.mark.parametrize("data", [None, [], "text", {"Site": None}])
def test_odd_bodies_give_nothing(data: object) -> None:
    """Bodies of the wrong shape parse to nothing rather than raising."""
    assert parse_power_flow(data) == PowerFlow(values={})
    assert parse_inverter_info(data) == []
    assert parse_meters(data) == []


def test_inverter_that_does_not_answer() -> None:
    """Without realtime data the power flow tells whether it produces."""
    flow = PowerFlowInverter(power=0, energy_total=10.5)
    asleep = inverter_values(None, flow)
    assert not asleep.online
    assert asleep.values[Key.INVERTER_POWER_AC] == 0
    assert asleep.values[Key.INVERTER_CURRENT_AC] == 0.0
    assert asleep.values[Key.INVERTER_STATUS] is None
    assert asleep.energy_total == 10.5
    producing = inverter_values(None, PowerFlowInverter(power=1234.5))
    assert producing.online
    assert producing.values[Key.INVERTER_POWER_AC] == 1234.5
    assert producing.values[Key.INVERTER_CURRENT_AC] is None
    unknown = inverter_values(None, None)
    assert not unknown.online
    assert unknown.energy_total is None


def test_extra_trackers_appear_only_with_values() -> None:
    """A Gen24 lists IDC_3 as null: no third tracker. Asleep, currents are 0."""
    data = json.loads(sample("ha_symo_GetInverterRealtimeData_CommonInverterData.json"))
    running = data["Body"]["Data"] | {
        "IDC_2": {"Unit": "A", "Value": 1.5},
        "IDC_3": {"Unit": "A", "Value": None},
        "UDC_3": {"Unit": "V", "Value": None},
    }
    values = inverter_values(parse_inverter_data(running), None).values
    assert values[Key.INVERTER_CURRENT_DC_2] == 1.5
    assert Key.INVERTER_CURRENT_DC_3 not in values
    assert Key.INVERTER_VOLTAGE_DC_3 not in values
    asleep = running | {"DeviceStatus": {"StatusCode": 13}}
    values = inverter_values(parse_inverter_data(asleep), None).values
    assert values[Key.INVERTER_CURRENT_DC_3] == 0.0
    assert Key.INVERTER_VOLTAGE_DC_3 not in values
