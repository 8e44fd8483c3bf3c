"""The setup wizard for Modbus meters: every path, every error, then recovery."""

from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
import probatio as vol
import pytest

from custom_components.energy_monitor.const import DOMAIN
from custom_components.energy_monitor.lib.modbus.catalog import load_bundled_map
from custom_components.energy_monitor.lib.modbus.client import (
    ExceptionCode,
    ModbusFrameError,
    SerialEndpoint,
    TcpEndpoint,
)
from custom_components.energy_monitor.lib.modbus.meter import MeterReader
from custom_components.energy_monitor.sources.modbus.connection import link_pool
from simulators.devices import DEV_DEVICES
from simulators.modbus import MODBUS_METERS
from tests.common import closed_port, walk_to_form
from tests.modbus.helpers import SDM630, StartModbus, modbus_entry, write_custom_map

pytestmark = pytest.mark.usefixtures("mock_setup_entry")


@pytest.fixture
def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Give the test instance a configuration folder of its own."""
    hass.config.config_dir = str(tmp_path)
    return tmp_path


def tcp_input(port: int, model: str = "eastron_sdm630", **extra: Any) -> dict[str, Any]:
    """Return the network form's answers."""
    return {
        "host": "127.0.0.1",
        "port": port,
        "transport": "tcp",
        "unit_id": 1,
        "meter_model": model,
        **extra,
    }


async def submit(
    hass: HomeAssistant, result: FlowResult, answers: dict[str, Any]
) -> FlowResult:
    """Submit a form."""
    return await hass.config_entries.flow.async_configure(result["flow_id"], answers)


async def test_network_meter(hass: HomeAssistant, start_modbus: StartModbus) -> None:
    """An Eastron SDM630 behind a Modbus TCP gateway: probed and created."""
    simulator = await start_modbus({1: SDM630})
    result = await walk_to_form(hass, "modbus", "modbus_tcp")
    models = result["data_schema"].schema["meter_model"].config["options"]  # type: ignore[union-attr]
    assert {"value": "eastron_sdm630", "label": "Eastron SDM630-Modbus V2"} in models
    result = await submit(hass, result, tcp_input(simulator.port))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Eastron SDM630-Modbus V2 (unit 1)"
    assert result["data"] == {"source": "modbus", **tcp_input(simulator.port)}
    assert result["result"].unique_id == "eastron_sdm630_22000001"
    # The wizard let go of the connection: the gateway's link is a new one.
    link = link_pool(hass).acquire(TcpEndpoint("127.0.0.1", simulator.port))
    assert not link.connected
    await link_pool(hass).release(link)

    # The same meter again: refused by its serial number, naming the entry.
    result = await submit(
        hass,
        await walk_to_form(hass, "modbus", "modbus_tcp"),
        tcp_input(simulator.port),
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "modbus_already_configured"
    assert result["description_placeholders"] == {
        "title": "Eastron SDM630-Modbus V2 (unit 1)"
    }


async def test_meter_without_serial(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """A map without identity: the gateway, port and unit ID make it unique."""
    simulator = await start_modbus({1: load_bundled_map("eaton_pxm4000")})
    answers = tcp_input(simulator.port, "eaton_pxm4000")
    result = await submit(
        hass, await walk_to_form(hass, "modbus", "modbus_tcp"), answers
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == f"eaton_pxm4000@127.0.0.1:{simulator.port}/1"
    result = await submit(
        hass, await walk_to_form(hass, "modbus", "modbus_tcp"), answers
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "modbus_already_configured"


async def test_identity_unreadable(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """A meter whose serial number cannot be read is still added."""
    simulator = await start_modbus({1: SDM630})
    simulator.inject("exception", after=3)  # the fast reads work, the identity not
    result = await submit(
        hass,
        await walk_to_form(hass, "modbus", "modbus_tcp"),
        tcp_input(simulator.port),
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["result"].unique_id == f"eastron_sdm630@127.0.0.1:{simulator.port}/1"


async def test_rtu_over_tcp_and_serial(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """RTU framing over TCP, and a serial port (here a pyserial socket:// URL)."""
    simulator = await start_modbus({5: SDM630}, rtu_framing=True)
    result = await submit(
        hass,
        await walk_to_form(hass, "modbus", "modbus_tcp"),
        tcp_input(simulator.port, unit_id=5, transport="rtuovertcp"),
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["transport"] == "rtuovertcp"

    other = await start_modbus({2: SDM630}, rtu_framing=True)
    result = await walk_to_form(hass, "modbus", "modbus_serial")
    answers = {
        "serial_port": f"socket://127.0.0.1:{other.port}",
        "baudrate": "19200",
        "parity": "even",
        "unit_id": 2,
        "meter_model": "eastron_sdm630",
    }
    result = await submit(hass, result, answers)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        "source": "modbus",
        **answers,
        "baudrate": 19200,
        "parity": "E",
        "transport": "serial",
    }
    assert result["title"] == "Eastron SDM630-Modbus V2 (unit 2)"


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ({"fault": "timeout"}, "modbus_tcp_no_answer"),
        ({"fault": "exception", "code": ExceptionCode.DEVICE_FAILURE}, "device_error"),
        (
            {"fault": "exception", "code": ExceptionCode.GATEWAY_NO_RESPONSE},
            "no_response",
        ),
    ],
)
async def test_probe_errors_then_recovery(
    hass: HomeAssistant, start_modbus: StartModbus, fault: dict[str, Any], error: str
) -> None:
    """Every way a probe fails is explained; fixing it creates the entry."""
    simulator = await start_modbus({1: SDM630})
    simulator.inject(**fault, count=3)  # every read of the probe fails
    result = await walk_to_form(hass, "modbus", "modbus_tcp")
    result = await submit(hass, result, tcp_input(simulator.port, "eastron_sdm120"))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    simulator.clear_faults()
    result = await submit(hass, result, tcp_input(simulator.port, "eastron_sdm120"))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_connection_errors_then_recovery(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """Nothing listening, a silent unit, a wrong model, a garbled reply, a crash."""
    simulator = await start_modbus({1: SDM630}, strict=True)
    result = await walk_to_form(hass, "modbus", "modbus_tcp")
    result = await submit(hass, result, tcp_input(await closed_port()))
    assert result["errors"] == {"base": "modbus_tcp_cannot_connect"}
    result = await submit(hass, result, tcp_input(simulator.port, unit_id=9))
    assert result["errors"] == {"base": "no_response"}
    result = await submit(hass, result, tcp_input(simulator.port, "eaton_pxm4000"))
    assert result["errors"] == {"base": "illegal_address"}
    with patch.object(MeterReader, "probe", side_effect=ModbusFrameError("short")):
        result = await submit(hass, result, tcp_input(simulator.port))
    assert result["errors"] == {"base": "modbus_tcp_no_answer"}
    with patch.object(MeterReader, "probe", side_effect=RuntimeError("bug")):
        result = await submit(hass, result, tcp_input(simulator.port))
    assert result["errors"] == {"base": "unknown"}
    result = await submit(hass, result, tcp_input(simulator.port))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_custom_maps(
    hass: HomeAssistant, start_modbus: StartModbus, config_dir: Path
) -> None:
    """Custom CSV maps are offered; their problems are listed; then fixed."""
    simulator = await start_modbus({1: SDM630})
    write_custom_map(
        str(config_dir),
        "my_meter.csv",
        "Power,52,2,1,FLOAT32,grid_power,input",
        "Power again,52,2,1,FLOAT32,power_again,input",
    )
    write_custom_map(str(config_dir), "gone.csv", "Power,52,2,1,FLOAT32,,input")
    result = await walk_to_form(hass, "modbus", "modbus_tcp")
    models = result["data_schema"].schema["meter_model"].config["options"]  # type: ignore[union-attr]
    assert {"value": "my_meter.csv", "label": "my_meter.csv (custom)"} in models
    assert str(config_dir) in result["description_placeholders"]["maps_folder"]  # type: ignore[index]
    result = await submit(hass, result, tcp_input(simulator.port, "my_meter.csv"))
    assert result["errors"] == {"meter_model": "invalid_map"}
    problems = result["description_placeholders"]["problems"]  # type: ignore[index]
    assert "power_again" in problems
    assert "52" in problems
    await hass.async_add_executor_job(
        (config_dir / "energy_monitor_maps" / "gone.csv").unlink
    )
    result = await submit(hass, result, tcp_input(simulator.port, "gone.csv"))
    assert result["errors"] == {"meter_model": "invalid_map"}
    await hass.async_add_executor_job(
        write_custom_map,
        str(config_dir),
        "my_meter.csv",
        "Power,52,2,1,FLOAT32,grid_power,input",
    )
    result = await submit(hass, result, tcp_input(simulator.port, "my_meter.csv"))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "my_meter (unit 1)"
    assert result["data"]["meter_model"] == "my_meter.csv"


async def test_port_conflict(hass: HomeAssistant, start_modbus: StartModbus) -> None:
    """A serial bus already open with other line settings is refused."""
    simulator = await start_modbus({1: SDM630}, rtu_framing=True)
    url = f"socket://127.0.0.1:{simulator.port}"
    held = link_pool(hass).acquire(SerialEndpoint(url, baudrate=9600))
    result = await walk_to_form(hass, "modbus", "modbus_serial")
    answers = {
        "serial_port": url,
        "baudrate": "19200",
        "parity": "none",
        "unit_id": 1,
        "meter_model": "eastron_sdm630",
    }
    result = await submit(hass, result, answers)
    assert result["errors"] == {"base": "port_conflict"}
    await link_pool(hass).release(held)
    result = await submit(hass, result, answers)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_reconfigure(hass: HomeAssistant, start_modbus: StartModbus) -> None:
    """The connection changes; pointing the entry at another meter is refused."""
    simulator = await start_modbus({1: SDM630, 2: SDM630})
    entry = modbus_entry(simulator.port, "eastron_sdm630")
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, unique_id="22000001")
    moved = await start_modbus({1: SDM630})
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "modbus_reconfigure"
    result = await submit(hass, result, {"next_step_id": "modbus_tcp"})
    result = await submit(hass, result, tcp_input(moved.port))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data["port"] == moved.port

    result = await entry.start_reconfigure_flow(hass)
    result = await submit(hass, result, {"next_step_id": "modbus_tcp"})
    result = await submit(hass, result, tcp_input(simulator.port, unit_id=2))
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_meter"


async def test_reconfigure_without_identity(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """A meter without serial number can be moved (and its map changed)."""
    simulator = await start_modbus({1: load_bundled_map("eaton_pxm4000")})
    entry = modbus_entry(1, "eaton_pxm4000")
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await submit(hass, result, {"next_step_id": "modbus_tcp"})
    result = await submit(hass, result, tcp_input(simulator.port, "eaton_pxm4000"))
    assert result["reason"] == "reconfigure_successful"
    assert entry.data["port"] == simulator.port


async def test_options(hass: HomeAssistant) -> None:
    """Read limits are options; the poll intervals are fixed (none asked)."""
    entry = modbus_entry(502, "eastron_sdm630")
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "modbus"
    assert set(result["data_schema"].schema) == {"max_count", "max_gap"}  # type: ignore[union-attr]
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"max_count": 64, "max_gap": 0}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {"max_count": 64, "max_gap": 0}


async def test_dev_devices(hass: HomeAssistant, start_modbus: StartModbus) -> None:
    """The development instance's Modbus meters are added by their wizard answers."""
    simulator = await start_modbus(
        {unit: load_bundled_map(model) for unit, model in MODBUS_METERS.items()}
    )
    devices = [d for d in DEV_DEVICES if d.wizard[0]["next_step_id"] == "modbus"]
    assert len(devices) == len(MODBUS_METERS)
    for device in devices:
        result = await hass.config_entries.flow.async_init(
            DOMAIN, context={"source": config_entries.SOURCE_USER}
        )
        for answers in device.wizard:
            if "port" in answers:
                answers = {**answers, "port": simulator.port}  # noqa: PLW2901
            result = await submit(hass, result, answers)
        assert result["type"] is FlowResultType.CREATE_ENTRY, device.name


@pytest.mark.parametrize("step", ["modbus_tcp", "modbus_serial"])
async def test_unit_id_is_a_number_box(hass: HomeAssistant, step: str) -> None:
    """The unit ID is typed into a box (0-255), not set with a slider."""
    result = await walk_to_form(hass, "modbus", step)
    config = result["data_schema"].schema["unit_id"].config  # type: ignore[union-attr]
    assert (config["mode"], config["min"], config["max"], config["step"]) == (
        "box",
        0,
        255,
        1,
    )


async def test_wrong_model_is_questioned_then_forced(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """A SunSpec meter read with the SDM630 map answers zeros: said, then forced."""
    simulator = await start_modbus({1: load_bundled_map("sunspec_203")})
    result = await walk_to_form(hass, "modbus", "modbus_tcp")
    assert "force" not in result["data_schema"].schema  # type: ignore[union-attr]
    result = await submit(hass, result, tcp_input(simulator.port))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "implausible"}
    placeholders = result["description_placeholders"]
    assert placeholders is not None
    assert placeholders["model"] == "Eastron SDM630-Modbus V2"
    assert placeholders["doubts"] == "every value is 0"
    assert "force" in result["data_schema"].schema  # type: ignore[union-attr]
    result = await submit(hass, result, tcp_input(simulator.port, force=True))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert "force" not in result["data"]


async def test_right_model_is_not_questioned(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """The SunSpec map on the SunSpec meter is accepted at once."""
    simulator = await start_modbus({1: load_bundled_map("sunspec_203")})
    result = await submit(
        hass,
        await walk_to_form(hass, "modbus", "modbus_tcp"),
        tcp_input(simulator.port, "sunspec_203"),
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_same_serial_different_make(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """An EM24 and a SunSpec meter with the same serial are two meters."""
    em24 = await start_modbus({2: load_bundled_map("carlo_gavazzi_em24")})
    sunspec = await start_modbus({2: load_bundled_map("sunspec_203")})
    ids = []
    for port, model in [
        (em24.port, "carlo_gavazzi_em24"),
        (sunspec.port, "sunspec_203"),
    ]:
        result = await submit(
            hass,
            await walk_to_form(hass, "modbus", "modbus_tcp"),
            tcp_input(port, model, unit_id=2),
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
        ids.append(result["result"].unique_id)
    assert ids == ["carlo_gavazzi_em24_SIM000002", "sunspec_203_SIM000002"]


async def test_entry_of_an_older_version_is_recognised(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """An entry whose unique ID is the bare serial still refuses its meter twice."""
    simulator = await start_modbus({1: SDM630})
    entry = modbus_entry(1, "eastron_sdm630")
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, unique_id="22000001")
    result = await submit(
        hass,
        await walk_to_form(hass, "modbus", "modbus_tcp"),
        tcp_input(simulator.port),
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "modbus_already_configured"
    assert result["description_placeholders"] == {"title": entry.title}


@pytest.mark.parametrize(
    ("transport", "gateway_rtu", "error"),
    [
        ("rtuovertcp", False, "modbus_rtuovertcp_no_answer"),
        ("tcp", True, "modbus_tcp_no_answer"),
    ],
)
async def test_wrong_framing_suggests_the_other(
    hass: HomeAssistant,
    start_modbus: StartModbus,
    transport: str,
    gateway_rtu: bool,
    error: str,
) -> None:
    """RTU over TCP to a Modbus TCP gateway (and the reverse) names the other."""
    simulator = await start_modbus({1: SDM630}, rtu_framing=gateway_rtu)
    result = await walk_to_form(hass, "modbus", "modbus_tcp")
    result = await submit(hass, result, tcp_input(simulator.port, transport=transport))
    assert result["errors"] == {"base": error}
    other = "tcp" if transport == "rtuovertcp" else "rtuovertcp"
    result = await submit(hass, result, tcp_input(simulator.port, transport=other))
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_serial_errors(hass: HomeAssistant, start_modbus: StartModbus) -> None:
    """On a serial line: a missing port, silence, a garbled answer, then fixed."""
    simulator = await start_modbus({1: SDM630}, rtu_framing=True)
    answers = {
        "serial_port": "/dev/no-such-adapter",
        "baudrate": "9600",
        "parity": "none",
        "unit_id": 1,
        "meter_model": "eastron_sdm630",
    }
    result = await walk_to_form(hass, "modbus", "modbus_serial")
    result = await submit(hass, result, answers)
    assert result["errors"] == {"base": "modbus_serial_cannot_connect"}
    simulator.inject("timeout", count=3)
    answers["serial_port"] = f"socket://127.0.0.1:{simulator.port}"
    result = await submit(hass, result, answers)
    assert result["errors"] == {"base": "no_response"}
    with patch.object(MeterReader, "probe", side_effect=ModbusFrameError("short")):
        result = await submit(hass, result, answers)
    assert result["errors"] == {"base": "invalid_response"}
    result = await submit(hass, result, answers)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_model_must_be_chosen(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """No model is pre-selected: submitting none asks for one; labels are short."""
    simulator = await start_modbus({1: load_bundled_map("sunspec_203")})
    result = await walk_to_form(hass, "modbus", "modbus_tcp")
    schema = result["data_schema"].schema  # type: ignore[union-attr]
    field = next(key for key in schema if key == "meter_model")
    assert field.default is vol.UNDEFINED
    models = schema["meter_model"].config["options"]
    assert {"value": "sunspec_203", "label": "SunSpec meter (model 203)"} in models
    answers = tcp_input(simulator.port)
    del answers["meter_model"]
    result = await submit(hass, result, answers)
    assert result["errors"] == {"meter_model": "model_required"}
    result = await submit(hass, result, {**answers, "meter_model": "sunspec_203"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "SunSpec meter (model 203) (unit 1)"
