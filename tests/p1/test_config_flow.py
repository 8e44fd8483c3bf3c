"""The setup wizard for P1 meters: every path, every error, then recovery."""

import asyncio
from unittest.mock import patch

from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_monitor.const import DOMAIN
from simulators.p1 import P1Simulator
from tests.common import FIXTURES, closed_port, walk_to_form
from tests.p1.helpers import KEY, ServeBytes, load_sample, p1_entry

pytestmark = pytest.mark.usefixtures("mock_setup_entry")


async def test_network_meter(hass: HomeAssistant, p1_simulator: P1Simulator) -> None:
    """A DSMR 5 meter on the network: detected, identified, created."""
    result = await walk_to_form(hass, "p1", "p1_network")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"host": "127.0.0.1", "port": p1_simulator.port, "dsmr_version": "auto"},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "P1 meter E0044007382246019"
    assert result["data"] == {
        "source": "p1",
        "host": "127.0.0.1",
        "port": p1_simulator.port,
        "dsmr_version": "auto",
        "detected_version": "5",
    }
    assert result["result"].unique_id == "E0044007382246019"
    assert result["options"] == {}


@pytest.mark.usefixtures("socket_enabled")
async def test_network_errors_then_recovery(
    hass: HomeAssistant, serve_bytes: ServeBytes, p1_simulator: P1Simulator
) -> None:
    """cannot_connect, no_telegram, invalid_telegram, unknown, then success."""
    result = await walk_to_form(hass, "p1", "p1_network")
    flow_id = result["flow_id"]
    form = {"host": "127.0.0.1", "dsmr_version": "auto"}

    result = await hass.config_entries.flow.async_configure(
        flow_id, {**form, "port": await closed_port()}
    )
    assert result["errors"] == {"base": "p1_network_cannot_connect"}

    result = await hass.config_entries.flow.async_configure(
        flow_id, {**form, "port": await serve_bytes(b"")}
    )
    assert result["errors"] == {"base": "no_telegram"}

    bad, _ = load_sample("lu_smarty_spec_example_4mbus_badcrc")
    result = await hass.config_entries.flow.async_configure(
        flow_id, {**form, "port": await serve_bytes(bad + b"\r\n")}
    )
    assert result["errors"] == {"base": "invalid_telegram"}

    with patch(
        "custom_components.energy_monitor.sources.p1.config_flow.async_read_telegram",
        side_effect=RuntimeError("boom"),
    ):
        result = await hass.config_entries.flow.async_configure(
            flow_id, {**form, "port": p1_simulator.port}
        )
    assert result["errors"] == {"base": "unknown"}
    assert result["step_id"] == "p1_network"

    result = await hass.config_entries.flow.async_configure(
        flow_id, {**form, "port": p1_simulator.port}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_same_meter_twice_is_refused(
    hass: HomeAssistant, p1_simulator: P1Simulator
) -> None:
    """The equipment ID is the unique ID: a meter can't be added twice."""
    MockConfigEntry(
        domain=DOMAIN, unique_id="E0044007382246019", data={"source": "p1"}
    ).add_to_hass(hass)
    result = await walk_to_form(hass, "p1", "p1_network")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"host": "127.0.0.1", "port": p1_simulator.port, "dsmr_version": "auto"},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_meter_without_equipment_id(
    hass: HomeAssistant, serve_bytes: ServeBytes
) -> None:
    """A meter that sends no ID (Austria) is added, titled by its header."""
    payload = (FIXTURES / "dsmr_parser/telegram_sagemcom_t210_d_r.txt").read_bytes()
    result = await walk_to_form(hass, "p1", "p1_network")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"host": "127.0.0.1", "port": await serve_bytes(payload), "dsmr_version": "5"},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "P1 meter EST5\\253710000_A"
    assert result["result"].unique_id is None
    assert result["data"]["dsmr_version"] == "5"


@pytest.mark.usefixtures("socket_enabled")
async def test_encrypted_meter_asks_for_its_key(hass: HomeAssistant) -> None:
    """An encrypted stream leads to the key step; bad keys are explained."""
    simulator = P1Simulator(interval=0.05, encryption_key=bytes.fromhex(KEY))
    await simulator.start()
    try:
        result = await walk_to_form(hass, "p1", "p1_network")
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {"host": "127.0.0.1", "port": simulator.port, "dsmr_version": "auto"},
        )
        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "p1_keys"
        flow_id = result["flow_id"]

        result = await hass.config_entries.flow.async_configure(
            flow_id, {"encryption_key": "not a key"}
        )
        assert result["errors"] == {"encryption_key": "invalid_key_format"}

        result = await hass.config_entries.flow.async_configure(
            flow_id, {"encryption_key": "FF" * 16}
        )
        assert result["errors"] == {"base": "invalid_key"}

        result = await hass.config_entries.flow.async_configure(
            flow_id, {"encryption_key": KEY, "authentication_key": "00" * 16}
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        assert result["data"]["encryption_key"] == KEY
        assert result["data"]["authentication_key"] == "00" * 16
    finally:
        await simulator.stop()


@pytest.mark.usefixtures("socket_enabled")
async def test_key_step_connection_lost_then_recovery(hass: HomeAssistant) -> None:
    """The meter disappearing during the key step is reported, then works."""
    simulator = P1Simulator(interval=0.05, encryption_key=bytes.fromhex(KEY))
    await simulator.start()
    result = await walk_to_form(hass, "p1", "p1_network")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"host": "127.0.0.1", "port": simulator.port, "dsmr_version": "auto"},
    )
    await simulator.stop()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"encryption_key": KEY}
    )
    assert result["errors"] == {"base": "p1_network_cannot_connect"}
    await simulator.start()
    try:
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"encryption_key": KEY}
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
    finally:
        await simulator.stop()


async def test_serial_meter(hass: HomeAssistant, p1_simulator: P1Simulator) -> None:
    """A P1 cable: the serial path (serialx, here over its socket:// URL)."""
    result = await walk_to_form(hass, "p1", "p1_serial")
    port = f"socket://127.0.0.1:{p1_simulator.port}"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"serial_port": port, "dsmr_version": "auto"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        "source": "p1",
        "serial_port": port,
        "dsmr_version": "auto",
        "detected_version": "5",
    }


async def test_serial_port_missing_then_found(
    hass: HomeAssistant, p1_simulator: P1Simulator
) -> None:
    """A wrong serial port is reported; the right one works."""
    result = await walk_to_form(hass, "p1", "p1_serial")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"serial_port": "/dev/nothing-here", "dsmr_version": "4"}
    )
    assert result["errors"] == {"base": "p1_serial_cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"serial_port": f"socket://127.0.0.1:{p1_simulator.port}", "dsmr_version": "5"},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_reconfigure_to_another_port(
    hass: HomeAssistant, p1_simulator: P1Simulator
) -> None:
    """Reconfigure changes the connection and keeps the entry (and entities)."""
    entry = p1_entry(1)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, unique_id="E0044007382246019")
    result = await entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "p1_reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "p1_network"}
    )
    assert result["step_id"] == "p1_network"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"host": "127.0.0.1", "port": await closed_port(), "dsmr_version": "auto"},
    )
    assert result["errors"] == {"base": "p1_network_cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"host": "127.0.0.1", "port": p1_simulator.port, "dsmr_version": "auto"},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data["port"] == p1_simulator.port
    assert entry.data["detected_version"] == "5"


async def test_reconfigure_to_a_different_meter_is_refused(
    hass: HomeAssistant, p1_simulator: P1Simulator
) -> None:
    """Pointing an entry at another meter would mix two meters' history."""
    entry = p1_entry(1)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, unique_id="another meter")
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "p1_network"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"host": "127.0.0.1", "port": p1_simulator.port, "dsmr_version": "auto"},
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_meter"
    assert entry.data["port"] == 1


@pytest.mark.usefixtures("socket_enabled")
async def test_reauth_with_a_new_key(hass: HomeAssistant) -> None:
    """When decryption fails the user enters a new key; wrong ones are caught."""
    simulator = P1Simulator(interval=0.05, encryption_key=bytes.fromhex(KEY))
    await simulator.start()
    try:
        entry = p1_entry(simulator.port, encryption_key="11" * 16)
        entry.add_to_hass(hass)
        hass.config_entries.async_update_entry(entry, unique_id="E0044007382246019")
        result = await entry.start_reauth_flow(hass)
        assert result["type"] is FlowResultType.FORM
        assert result["step_id"] == "p1_keys"
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"encryption_key": "22" * 16}
        )
        assert result["errors"] == {"base": "invalid_key"}
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {"encryption_key": KEY}
        )
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reauth_successful"
        assert entry.data["encryption_key"] == KEY
        assert entry.data["port"] == simulator.port
    finally:
        await simulator.stop()


async def test_options_set_the_update_interval(hass: HomeAssistant) -> None:
    """The averaging interval is an option."""
    entry = p1_entry(1)
    entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "p1"  # titled "P1 meter options"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {"update_interval": 10}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options == {"update_interval": 10}


def test_only_p1_entries_have_options() -> None:
    """Options exist for the sources that have them."""
    flow = config_entries.HANDLERS[DOMAIN]
    assert flow.async_supports_options_flow(p1_entry(1))
    assert not flow.async_supports_options_flow(
        MockConfigEntry(domain=DOMAIN, data={"source": "other"})
    )


@pytest.mark.parametrize(
    ("step", "existing", "form"),
    [
        (
            "p1_network",
            {"host": "127.0.0.1", "port": 2000},
            {"host": "127.0.0.1", "port": 2000, "dsmr_version": "auto"},
        ),
        (
            "p1_serial",
            {"serial_port": "/dev/ttyUSB0"},
            {"serial_port": "/dev/ttyUSB0", "dsmr_version": "auto"},
        ),
    ],
)
async def test_same_connection_twice_is_refused(
    hass: HomeAssistant, step: str, existing: dict[str, object], form: dict[str, object]
) -> None:
    """A port or host:port already read by an entry is refused, ID or not."""
    MockConfigEntry(
        domain=DOMAIN, unique_id=None, data={"source": "p1", **existing}
    ).add_to_hass(hass)
    result = await walk_to_form(hass, "p1", step)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


@pytest.mark.usefixtures("socket_enabled")
async def test_encrypted_meter_is_recognised_on_its_first_frame(
    hass: HomeAssistant,
) -> None:
    """Encrypted meters are settled on their first frame, not by the timeout.

    The key is asked for at the first encrypted frame; a wrong key fails on
    the first frame's authentication tag.
    """
    simulator = P1Simulator(interval=0.05, encryption_key=bytes.fromhex(KEY))
    await simulator.start()
    try:
        with patch(
            "custom_components.energy_monitor.sources.p1.config_flow.VALIDATION_TIMEOUT",
            3600.0,
        ):
            result = await walk_to_form(hass, "p1", "p1_network")
            async with asyncio.timeout(10):
                result = await hass.config_entries.flow.async_configure(
                    result["flow_id"],
                    {"host": "127.0.0.1", "port": simulator.port, "dsmr_version": "5"},
                )
            assert result["step_id"] == "p1_keys"
            for keys in (
                {"encryption_key": "FF" * 16},
                {"encryption_key": KEY, "authentication_key": "FF" * 16},
            ):
                async with asyncio.timeout(10):
                    result = await hass.config_entries.flow.async_configure(
                        result["flow_id"], keys
                    )
                assert result["errors"] == {"base": "invalid_key"}
            result = await hass.config_entries.flow.async_configure(
                result["flow_id"], {"encryption_key": KEY}
            )
        assert result["type"] is FlowResultType.CREATE_ENTRY
    finally:
        await simulator.stop()


async def test_port_starts_at_the_dongle_port(hass: HomeAssistant) -> None:
    """The port is a box with the common dongle port, not a field at 1."""
    result = await walk_to_form(hass, "p1", "p1_network")
    schema = result["data_schema"].schema  # type: ignore[union-attr]
    port = next(key for key in schema if key == "port")
    assert port.default() == 8088
    assert schema["port"].validators[0].config["mode"] == "box"
