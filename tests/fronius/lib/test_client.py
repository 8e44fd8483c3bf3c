"""The Solar API client over real HTTP on loopback, without Home Assistant."""

import asyncio

import aiohttp
import pytest

from custom_components.energy_monitor.lib.fronius.client import (
    FroniusClient,
    NoInverterError,
    SolarApiConnectionError,
    SolarApiStatusError,
    SolarApiUnsupportedError,
    device_url,
    host_address,
    with_address,
)
from custom_components.energy_monitor.lib.fronius.model import InverterStatus
from custom_components.energy_monitor.lib.vocabulary import Key
from simulators.fronius import Endpoint, Fault, FroniusSimulator, error, response
from tests.common import closed_port
from tests.fronius.helpers import sample, serve_samples


async def test_datamanager_system(
    session: aiohttp.ClientSession, fronius_simulator: FroniusSimulator
) -> None:
    """A Symo behind a Datamanager: identity and every endpoint."""
    client = FroniusClient(session, fronius_simulator.address)
    assert client.url == f"http://{fronius_simulator.address}"
    identity = await client.identify()
    assert identity.unique_id == "240.424242"
    assert identity.logger is not None
    assert identity.logger.software_version == "3.28.1-3"
    assert [inverter.unique_id for inverter in identity.inverters] == ["32410001"]
    assert identity.inverters[0].custom_name == "Symo 8.2"
    flow = await client.power_flow()
    assert flow.values[Key.PV_POWER] is not None
    reading = await client.inverter_data("1")
    assert reading.status is InverterStatus.RUNNING
    assert set(await client.inverter_3p_data("1")) == {
        Key.INVERTER_VOLTAGE_AC_L1,
        Key.INVERTER_VOLTAGE_AC_L2,
        Key.INVERTER_VOLTAGE_AC_L3,
        Key.INVERTER_CURRENT_AC_L1,
        Key.INVERTER_CURRENT_AC_L2,
        Key.INVERTER_CURRENT_AC_L3,
    }
    (meter,) = await client.meters()
    assert meter.serial == "19180042"
    with pytest.raises(SolarApiStatusError) as raised:
        await client.storages()
    assert raised.value.code == 255
    assert "not supported" in str(raised.value)
    assert client.requests == 7


async def test_gen24_without_datamanager(
    session: aiohttp.ClientSession, gen24_simulator: FroniusSimulator
) -> None:
    """A Gen24 answers GetLoggerInfo with status 11: the inverter identifies."""
    client = FroniusClient(session, gen24_simulator.address)
    identity = await client.identify()
    assert identity.logger is None
    assert identity.unique_id == "34110777"
    (battery,) = await client.storages()
    assert battery.serial == "P030T020Z2001234567"
    with pytest.raises(SolarApiStatusError) as raised:
        await client.inverter_3p_data("1")
    assert raised.value.code == 11


async def test_requests_go_one_at_a_time(
    session: aiohttp.ClientSession, fronius_simulator: FroniusSimulator
) -> None:
    """Concurrent callers are served one after the other."""
    client = FroniusClient(session, fronius_simulator.address)
    fronius_simulator.set_fault(Fault.TIMEOUT)
    first = asyncio.create_task(client.power_flow())
    second = asyncio.create_task(client.meters())
    await asyncio.sleep(0.1)
    assert len(fronius_simulator.requests) == 1
    fronius_simulator.set_fault(None)
    with pytest.raises(SolarApiUnsupportedError):
        await first  # the held request is let go with an HTTP 503 page
    await second
    assert len(fronius_simulator.requests) == 2


async def test_timeout(
    session: aiohttp.ClientSession, fronius_simulator: FroniusSimulator
) -> None:
    """No answer in time is a connection error."""
    client = FroniusClient(session, fronius_simulator.address, timeout=0.1)
    fronius_simulator.set_fault(Fault.TIMEOUT)
    with pytest.raises(SolarApiConnectionError, match=r"no answer .* within 0\.1 s"):
        await client.power_flow()


@pytest.mark.usefixtures("socket_enabled")
async def test_nothing_listening(session: aiohttp.ClientSession) -> None:
    """A closed port is a connection error."""
    client = FroniusClient(session, f"127.0.0.1:{await closed_port()}")
    with pytest.raises(SolarApiConnectionError):
        await client.identify()


async def test_error_page_and_missing_endpoints(
    session: aiohttp.ClientSession, fronius_simulator: FroniusSimulator
) -> None:
    """HTML instead of JSON (HTTP 500, 404): the device has no such data."""
    client = FroniusClient(session, fronius_simulator.address)
    fronius_simulator.set_fault(Fault.HTTP_500)
    with pytest.raises(SolarApiUnsupportedError):
        await client.power_flow()
    fronius_simulator.set_fault(None)
    serve_samples(
        fronius_simulator,
        {Endpoint.POWER_FLOW: "ha_symo_GetPowerFlowRealtimeData.json"},
    )
    await client.power_flow()
    with pytest.raises(SolarApiUnsupportedError):
        await client.meters()
    with pytest.raises(SolarApiUnsupportedError, match="neither GetLoggerInfo"):
        await client.identify()


async def test_datamanager_timing_out_on_the_inverter_is_asked_again(
    session: aiohttp.ClientSession, fronius_simulator: FroniusSimulator
) -> None:
    """Status 8 (LNRequestTimeout) is retried twice; status 12 is not."""
    client = FroniusClient(session, fronius_simulator.address)
    fronius_simulator.answers[Endpoint.INVERTER_COMMON] = error(8, "LNRequestTimeout")
    with pytest.raises(SolarApiStatusError):
        await client.inverter_data("1")
    assert len(fronius_simulator.requests) == 3
    fronius_simulator.answers[Endpoint.INVERTER_COMMON] = error(12, "asleep")
    with pytest.raises(SolarApiStatusError) as raised:
        await client.inverter_data("1")
    assert raised.value.code == 12
    assert len(fronius_simulator.requests) == 4
    fronius_simulator.answers[Endpoint.INVERTER_COMMON] = response({}, code="odd")
    with pytest.raises(SolarApiStatusError, match="status None"):
        await client.inverter_data("1")


async def test_identity_needs_a_serial_number(
    session: aiohttp.ClientSession, fronius_simulator: FroniusSimulator
) -> None:
    """Without a Datamanager, an empty inverter list identifies nobody."""
    client = FroniusClient(session, fronius_simulator.address)
    fronius_simulator.answers[Endpoint.LOGGER_INFO] = error(11, "not supported")
    fronius_simulator.answers[Endpoint.INVERTER_INFO] = response({})
    with pytest.raises(NoInverterError):
        await client.identify()
    # A Datamanager whose inverters sleep is identified by itself.
    del fronius_simulator.answers[Endpoint.LOGGER_INFO]
    identity = await client.identify()
    assert identity.unique_id == "240.424242"
    assert identity.inverters == ()
    fronius_simulator.answers[Endpoint.INVERTER_INFO] = error(255, "nope")
    assert (await client.identify()).inverters == ()


async def test_sample_logger_info_is_read_byte_for_byte(
    session: aiohttp.ClientSession, fronius_simulator: FroniusSimulator
) -> None:
    """The Datamanager's answer keeps its identity under Body.LoggerInfo."""
    fronius_simulator.answers[Endpoint.LOGGER_INFO] = sample(
        "pyfronius_v1_GetLoggerInfo.json"
    )
    client = FroniusClient(session, fronius_simulator.address)
    logger = await client.logger_info()
    assert logger is not None
    assert logger.unique_id == "240.123456"


@pytest.mark.parametrize(
    ("host", "url", "address"),
    [
        ("192.168.1.20", "http://192.168.1.20", "192.168.1.20"),
        (" 192.168.1.20:8080 ", "http://192.168.1.20:8080", "192.168.1.20"),
        ("inverter.local/", "http://inverter.local", "inverter.local"),
        ("https://10.0.0.1", "https://10.0.0.1", "10.0.0.1"),
        ("fe80::1", "http://[fe80::1]", "fe80::1"),
        ("[fe80::1]:81", "http://[fe80::1]:81", "fe80::1"),
    ],
)
def test_hosts(host: str, url: str, address: str) -> None:
    """Hosts as users type them: IP or name, optional port, optional scheme."""
    assert device_url(host) == url
    assert host_address(host) == address


@pytest.mark.parametrize(
    "host", ["", "a b", "host/path", "host:port", "ftp://x", "http://", "x?y=1", "u@x"]
)
def test_not_hosts(host: str) -> None:
    """Anything else is refused."""
    with pytest.raises(ValueError, match=r"."):
        device_url(host)
    assert host_address(host) is None


@pytest.mark.parametrize(
    ("host", "moved"),
    [
        ("192.168.1.5", "192.168.1.9"),
        ("192.168.1.5:8080", "192.168.1.9:8080"),
        ("http://inverter.local", "http://192.168.1.9"),
    ],
)
def test_new_address_keeps_port_and_scheme(host: str, moved: str) -> None:
    """DHCP moves a device: the port and scheme the user gave stay."""
    assert with_address(host, "192.168.1.9") == moved


async def test_an_answer_longer_than_the_limit_is_not_read(
    session: aiohttp.ClientSession, fronius_simulator: FroniusSimulator
) -> None:
    """A valid but 2 MB long answer is refused, not held in memory."""
    client = FroniusClient(session, fronius_simulator.address)
    padded = error(12, "asleep") | {"Padding": "x" * 2_000_000}
    fronius_simulator.answers[Endpoint.INVERTER_COMMON] = padded
    with pytest.raises(SolarApiUnsupportedError):
        await client.inverter_data("1")
    del fronius_simulator.answers[Endpoint.INVERTER_COMMON]
    assert (await client.inverter_data("1")).status is InverterStatus.RUNNING
