"""The Fronius simulator tells a consistent story, day and night."""

from datetime import datetime, timedelta
from typing import Any

import pytest

from simulators.fronius import Endpoint, FroniusSystem, FroniusVariant, route
from simulators.profile import ZONE


def body(answer: dict[str, Any]) -> dict[str, Any]:
    """Return an answer's ``Body.Data``."""
    data: dict[str, Any] = answer["Body"]["Data"]
    return data


@pytest.mark.parametrize("variant", list(FroniusVariant))
def test_a_day_and_a_night(variant: FroniusVariant) -> None:
    """Counters only grow; the power balances; the battery stays in range."""
    system = FroniusSystem(variant)
    moment = datetime(2026, 6, 20, 22, 0, tzinfo=ZONE)
    total = 0.0
    for _ in range(24 * 12):
        moment += timedelta(minutes=5)
        flow = body(system.answer(Endpoint.POWER_FLOW, moment, "1"))
        site = flow["Site"]
        assert site["E_Total"] >= total
        total = site["E_Total"]
        battery = site["P_Akku"] or 0.0
        produced = flow["Inverters"]["1"]["P"]
        assert site["P_Grid"] == pytest.approx(-site["P_Load"] - produced, abs=0.2)
        assert produced == pytest.approx((site["P_PV"] or 0) * 0.97 + battery, abs=0.2)
        assert 0 <= system.counters.soc <= 100


def test_symo_sleeps_and_keeps_yesterday_until_it_wakes() -> None:
    """At night: no AC values, status 3 / error 307; the day counter waits."""
    system = FroniusSystem(FroniusVariant.SYMO)
    evening = datetime(2026, 6, 20, 23, 0, tzinfo=ZONE)
    night = body(system.answer(Endpoint.INVERTER_COMMON, evening, "1"))
    assert "PAC" not in night
    assert night["DeviceStatus"]["StatusCode"] == 3
    assert night["DeviceStatus"]["ErrorCode"] == 307
    yesterday = night["DAY_ENERGY"]["Value"]
    assert yesterday > 10_000
    after_midnight = evening + timedelta(hours=2)
    still = body(system.answer(Endpoint.INVERTER_COMMON, after_midnight, "1"))
    assert still["DAY_ENERGY"]["Value"] == yesterday
    morning = datetime(2026, 6, 21, 8, 0, tzinfo=ZONE)
    awake = body(system.answer(Endpoint.INVERTER_COMMON, morning, "1"))
    assert awake["DeviceStatus"]["StatusCode"] == 7
    assert awake["DAY_ENERGY"]["Value"] < yesterday / 2
    info = body(system.answer(Endpoint.INVERTER_INFO, evening, "1"))
    assert info["1"]["CustomName"] == "&#83;&#121;&#109;&#111;&#32;&#56;&#46;&#50;"
    three_phase = system.answer(Endpoint.INVERTER_3P, evening, "1")
    assert three_phase["Head"]["Status"]["Code"] == 12


def test_gen24_reports_no_periods_and_no_datamanager() -> None:
    """A Gen24: null daily/yearly energy, fractional lifetime, no logger."""
    system = FroniusSystem(FroniusVariant.GEN24)
    noon = datetime(2026, 6, 21, 12, 0, tzinfo=ZONE)
    common = body(system.answer(Endpoint.INVERTER_COMMON, noon, "1"))
    assert common["DAY_ENERGY"]["Value"] is None
    assert common["YEAR_ENERGY"]["Value"] is None
    assert common["DeviceStatus"]["InverterState"] == "Running"
    logger = system.answer(Endpoint.LOGGER_INFO, noon, "1")
    assert logger["Head"]["Status"]["Code"] == 11
    (battery,) = body(system.answer(Endpoint.STORAGE, noon, "1")).values()
    assert battery["Controller"]["Details"]["Manufacturer"] == "BYD"
    other = system.answer(Endpoint.INVERTER_COMMON, noon, "2")
    assert other["Head"]["Status"]["Code"] == 12


@pytest.mark.parametrize(
    ("path", "query", "endpoint"),
    [
        ("/solar_api/GetAPIVersion.cgi", {}, Endpoint.API_VERSION),
        ("/solar_api/v1/GetLoggerInfo.cgi", {}, Endpoint.LOGGER_INFO),
        ("/solar_api/v1/GetPowerFlowRealtimeData.fcgi", {}, Endpoint.POWER_FLOW),
        (
            "/solar_api/v1/GetInverterRealtimeData.cgi",
            {"Scope": "Device", "DeviceId": "1", "DataCollection": "3PInverterData"},
            Endpoint.INVERTER_3P,
        ),
        ("/solar_api/v1/GetInverterRealtimeData.cgi", {"Scope": "System"}, None),
        ("/solar_api/v1/GetMeterRealtimeData.cgi", {"Scope": "System"}, Endpoint.METER),
        ("/solar_api/v1/GetMeterRealtimeData.cgi", {"Scope": "Device"}, None),
        ("/solar_api/v1/GetOhmPilotRealtimeData.cgi", {"Scope": "System"}, None),
        ("/index.html", {}, None),
    ],
)
def test_routes(path: str, query: dict[str, str], endpoint: Endpoint | None) -> None:
    """Requests are routed like a Datamanager's CGI pages."""
    assert route(path, query) is endpoint
