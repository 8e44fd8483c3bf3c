"""The setup wizard for Fronius systems: every path, every error, then recovery."""

import asyncio
from collections.abc import Iterator
from unittest.mock import patch

from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
import pytest

from custom_components.energy_monitor.const import DOMAIN
from custom_components.energy_monitor.lib.fronius.client import FroniusClient
from custom_components.energy_monitor.sources.fronius.coordinator import fronius_client
from simulators.fronius import Endpoint, FroniusSimulator, error, response
from tests.common import closed_port, walk_to_form
from tests.fronius.helpers import fronius_entry
from tests.p1.helpers import p1_entry

pytestmark = pytest.mark.usefixtures("mock_setup_entry")

FLOW = "custom_components.energy_monitor.sources.fronius.config_flow"


async def test_datamanager(
    hass: HomeAssistant, fronius_simulator: FroniusSimulator
) -> None:
    """A Datamanager identifies the system; the host keeps its port."""
    result = await walk_to_form(hass, "fronius")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": f" {fronius_simulator.address} "}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Fronius Datamanager 240.424242"
    assert result["data"] == {"source": "fronius", "host": fronius_simulator.address}
    assert result["result"].unique_id == "240.424242"


async def test_gen24_without_datamanager(
    hass: HomeAssistant, gen24_simulator: FroniusSimulator
) -> None:
    """A Gen24 has no Datamanager: its inverter identifies the system."""
    result = await walk_to_form(hass, "fronius")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": gen24_simulator.address}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Fronius Gen24 Plus"
    assert result["result"].unique_id == "34110777"


async def test_unnamed_inverter_is_titled_by_model(
    hass: HomeAssistant, gen24_simulator: FroniusSimulator
) -> None:
    """Without a custom name the title is the model, else the serial."""
    entry = {"DT": 123, "UniqueID": "99", "StatusCode": 7}
    gen24_simulator.answers[Endpoint.INVERTER_INFO] = response({"1": entry})
    result = await walk_to_form(hass, "fronius")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": gen24_simulator.address}
    )
    assert result["title"] == "Fronius Symo 8.2-3-M"

    gen24_simulator.answers[Endpoint.INVERTER_INFO] = response(
        {"1": {"UniqueID": "98"}}
    )
    result = await walk_to_form(hass, "fronius")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": gen24_simulator.address}
    )
    assert result["title"] == "Fronius 98"


async def test_errors_then_recovery(
    hass: HomeAssistant, fronius_simulator: FroniusSimulator
) -> None:
    """invalid_host, cannot_connect, not_fronius, no_inverter, unknown, then ok."""
    result = await walk_to_form(hass, "fronius")
    flow_id = result["flow_id"]

    result = await hass.config_entries.flow.async_configure(
        flow_id, {"host": "inverter on the roof"}
    )
    assert result["errors"] == {"host": "invalid_host"}
    assert result["step_id"] == "fronius"

    result = await hass.config_entries.flow.async_configure(
        flow_id, {"host": f"127.0.0.1:{await closed_port()}"}
    )
    assert result["errors"] == {"base": "fronius_cannot_connect"}

    fronius_simulator.only_answers = True
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"host": fronius_simulator.address}
    )
    assert result["errors"] == {"base": "not_fronius"}

    fronius_simulator.answers = {
        Endpoint.LOGGER_INFO: error(11, "not supported"),
        Endpoint.INVERTER_INFO: response({}),
    }
    result = await hass.config_entries.flow.async_configure(
        flow_id, {"host": fronius_simulator.address}
    )
    assert result["errors"] == {"base": "no_inverter"}

    fronius_simulator.only_answers = False
    fronius_simulator.answers = {}
    with patch.object(FroniusClient, "identify", side_effect=RuntimeError("boom")):
        result = await hass.config_entries.flow.async_configure(
            flow_id, {"host": fronius_simulator.address}
        )
    assert result["errors"] == {"base": "unknown"}

    result = await hass.config_entries.flow.async_configure(
        flow_id, {"host": fronius_simulator.address}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_same_system_twice_updates_its_host(
    hass: HomeAssistant, fronius_simulator: FroniusSimulator
) -> None:
    """A system can't be added twice; adding it again moves it to the new host."""
    entry = fronius_entry("192.168.1.5", unique_id="240.424242")
    entry.add_to_hass(hass)
    result = await walk_to_form(hass, "fronius")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": fronius_simulator.address}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data["host"] == fronius_simulator.address


async def test_reconfigure_to_a_new_address(
    hass: HomeAssistant, fronius_simulator: FroniusSimulator
) -> None:
    """A new IP address keeps the entry (and so its entities)."""
    entry = fronius_entry("192.168.1.5", unique_id="240.424242")
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "fronius_reconfigure"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": f"127.0.0.1:{await closed_port()}"}
    )
    assert result["errors"] == {"base": "fronius_cannot_connect"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": fronius_simulator.address}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data == {"source": "fronius", "host": fronius_simulator.address}


async def test_reconfigure_to_another_system_is_refused(
    hass: HomeAssistant, gen24_simulator: FroniusSimulator
) -> None:
    """Pointing an entry at a different system is refused."""
    entry = fronius_entry("192.168.1.5", unique_id="240.424242")
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": gen24_simulator.address}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_device"
    assert entry.data["host"] == "192.168.1.5"


async def test_reconfigure_gives_an_entry_its_unique_id(
    hass: HomeAssistant, gen24_simulator: FroniusSimulator
) -> None:
    """An entry made without the wizard has no unique ID until reconfigured."""
    entry = fronius_entry("192.168.1.5")
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": gen24_simulator.address}
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.unique_id == "34110777"


@pytest.fixture
def dhcp_to(fronius_simulator: FroniusSimulator) -> Iterator[None]:
    """Ask the simulator when the wizard asks a discovered address (port 80)."""

    def client(hass: HomeAssistant, host: str) -> FroniusClient:
        port = fronius_simulator.port if ":" not in host else None
        return fronius_client(hass, f"{host}:{port}" if port else host)

    with (
        patch(f"{FLOW}.const.DHCP_REQUEST_DELAY", 0),
        patch(f"{FLOW}.fronius_client", client),
    ):
        yield


def dhcp(ip: str = "127.0.0.1", hostname: str = "fronius") -> DhcpServiceInfo:
    """Return what DHCP discovery reports for a Fronius MAC address."""
    return DhcpServiceInfo(ip=ip, hostname=hostname, macaddress="0003ac112233")


@pytest.mark.usefixtures("dhcp_to")
async def test_dhcp_offers_a_new_system(hass: HomeAssistant) -> None:
    """A new Fronius device on the network is offered; one click adds it."""
    p1_entry(2001).add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_DHCP}, data=dhcp()
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "fronius_confirm"
    assert result["description_placeholders"] == {
        "name": "Fronius Datamanager 240.424242",
        "host": "127.0.0.1",
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {"source": "fronius", "host": "127.0.0.1"}
    assert result["result"].unique_id == "240.424242"


@pytest.mark.usefixtures("dhcp_to")
async def test_dhcp_moves_a_known_system(hass: HomeAssistant) -> None:
    """A known system at a new address: its host follows (port kept)."""
    entry = fronius_entry("192.168.1.5:8080", unique_id="240.424242")
    entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_DHCP}, data=dhcp()
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert entry.data["host"] == "127.0.0.1:8080"


@pytest.mark.parametrize("host", ["127.0.0.1", "http://fronius:80"])
async def test_dhcp_known_address_is_left_alone(hass: HomeAssistant, host: str) -> None:
    """The address (or name) of a configured system: nothing to do."""
    fronius_entry(host, unique_id="240.424242").add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_DHCP}, data=dhcp()
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


@pytest.mark.usefixtures("dhcp_to")
async def test_dhcp_device_that_does_not_answer(
    hass: HomeAssistant, fronius_simulator: FroniusSimulator
) -> None:
    """A discovered device that does not answer is not offered."""
    await fronius_simulator.stop()
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_DHCP}, data=dhcp()
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "cannot_connect"


@pytest.mark.parametrize(
    "greeting",
    [b"SSH-2.0-OpenSSH_9.6\r\n", b"/ISK5\\2M550E-1012\r\n\r\n1-3:0.2.8(50)\r\n"],
)
async def test_other_service_on_the_port_is_not_fronius(
    hass: HomeAssistant,
    fronius_simulator: FroniusSimulator,
    greeting: bytes,
) -> None:
    """A port that answers no HTTP (SSH, a P1 dongle) is not a Fronius."""

    async def answer(
        _reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        writer.write(greeting)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    result = await walk_to_form(hass, "fronius")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": f"127.0.0.1:{port}"}
    )
    server.close()
    await server.wait_closed()
    assert result["errors"] == {"base": "not_fronius"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"host": fronius_simulator.address}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
