"""The MCP3008 wizard and options: every error a user can act on, then recovery."""

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.energy_monitor.sources.mcp3008.connection import SPI_IO
from simulators.mcp3008 import HOUSEHOLD_CT_FORM, FakeChip, FakeSpiIo
from tests.common import walk_to_form
from tests.mcp3008.helpers import (
    CHANNELS,
    DATA,
    ENTRY_ID,
    GRID_CT,
    KITCHEN_CT,
    MAINS,
    PATH,
    board,
    set_up,
)

SPI = {"spi_bus": 0, "spi_device": 0, "chip": "mcp3208", "vref": 3.3}
CT_FORM: dict[str, Any] = {**HOUSEHOLD_CT_FORM, "name": "Mains", "role": "grid"}


async def _configure(hass: HomeAssistant, flow_id: str, answers: dict[str, Any]) -> Any:
    """Submit a form of the wizard."""
    return await hass.config_entries.flow.async_configure(flow_id, answers)


async def test_add_an_adc_with_its_first_ct(
    hass: HomeAssistant, spi: FakeSpiIo
) -> None:
    """The node is probed, the CT must show a signal, then the entry is made."""
    result = await walk_to_form(hass, "mcp3008")
    assert result["step_id"] == "mcp3008"
    result = await _configure(hass, result["flow_id"], SPI)
    assert result["step_id"] == "mcp3008_ct"
    result = await _configure(hass, result["flow_id"], {**CT_FORM, "channel": "6"})
    assert result["errors"] == {"base": "check_wiring"}
    result = await _configure(hass, result["flow_id"], CT_FORM)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "MCP3208 on SPI 0.0"
    assert result["data"] == DATA
    channel = result["options"]["channels"][0]
    assert channel["kind"] == "ct_current"
    assert channel["channel"] == 0
    assert channel["voltage_channel"] is None
    entry = result["result"]
    assert entry.unique_id == PATH
    assert entry.state is ConfigEntryState.LOADED
    assert spi.open_paths() == [PATH]  # the entry's; the wizard closed its own

    result = await walk_to_form(hass, "mcp3008")
    result = await _configure(hass, result["flow_id"], SPI)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


@pytest.mark.parametrize(
    ("io", "answers", "error"),
    [
        (FakeSpiIo(), SPI, "spi_missing"),
        (FakeSpiIo({PATH: FakeChip()}), {**SPI, "spi_bus": 1}, "spi_not_found"),
        (
            FakeSpiIo({PATH: FakeChip()}, denied=frozenset({PATH})),
            SPI,
            "permission_denied",
        ),
        (FakeSpiIo({PATH: FakeChip()}, broken={PATH}), SPI, "cannot_open"),
        (FakeSpiIo({PATH: FakeChip()}), SPI, "no_chip"),
    ],
)
async def test_spi_errors_then_recovery(
    hass: HomeAssistant, io: FakeSpiIo, answers: dict[str, Any], error: str
) -> None:
    """Each problem is explained on the form; once fixed, the same form goes on.

    The fixes: SPI enabled, the right node, access granted, the device
    answering, the chip wired (its inputs biased).
    """
    hass.data[SPI_IO] = io
    result = await walk_to_form(hass, "mcp3008")
    result = await _configure(hass, result["flow_id"], answers)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    if error == "spi_not_found":
        assert result["description_placeholders"] == {"devices": PATH}
    io.denied = frozenset()
    io.broken.clear()
    io.chips = {PATH: board()}
    result = await _configure(hass, result["flow_id"], SPI)
    assert result["step_id"] == "mcp3008_ct"
    assert result["errors"] == {}


async def test_reconfigure(hass: HomeAssistant, spi: FakeSpiIo) -> None:
    """The node and chip change after a probe; another entry's node is refused."""
    entry = await set_up(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "mcp3008_reconfigure"
    result = await _configure(hass, result["flow_id"], {**SPI, "spi_device": 1})
    assert result["errors"] == {"base": "spi_not_found"}
    spi.chips = {**spi.chips, "/dev/spidev0.1": board()}
    result = await _configure(hass, result["flow_id"], {**SPI, "spi_device": 1})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.unique_id == "/dev/spidev0.1"
    assert entry.title == "MCP3208 on SPI 0.1"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED

    other = await set_up_second(hass)
    result = await other.start_reconfigure_flow(hass)
    result = await _configure(hass, result["flow_id"], {**SPI, "spi_device": 1})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def set_up_second(hass: HomeAssistant) -> Any:
    """Add a second ADC entry on /dev/spidev0.0 (not set up)."""
    from pytest_homeassistant_custom_component.common import MockConfigEntry  # noqa: PLC0415

    from custom_components.energy_monitor.const import DOMAIN  # noqa: PLC0415

    entry = MockConfigEntry(domain=DOMAIN, data=DATA, unique_id=PATH)
    entry.add_to_hass(hass)
    return entry


async def _options(hass: HomeAssistant, step: str) -> Any:
    """Open the options of the board's entry and pick ``step`` from the menu."""
    result = await hass.config_entries.options.async_init(ENTRY_ID)
    assert result["type"] is FlowResultType.MENU
    assert step in result["menu_options"]
    return await hass.config_entries.options.async_configure(
        result["flow_id"], {"next_step_id": step}
    )


def _channels(hass: HomeAssistant) -> dict[int, dict[str, Any]]:
    """Return the board entry's channels by number."""
    entry = hass.config_entries.async_get_entry(ENTRY_ID)
    assert entry is not None
    return {c["channel"]: c for c in entry.options["channels"]}


async def test_options_add_edit_remove(hass: HomeAssistant, spi: FakeSpiIo) -> None:
    """Channels are added, changed and removed; entities follow."""
    await set_up(hass, [KITCHEN_CT])
    result = await hass.config_entries.options.async_init(ENTRY_ID)
    assert result["menu_options"] == [
        "mcp3008_ct",
        "mcp3008_voltage",
        "mcp3008_linear",
        "mcp3008_edit",
        "mcp3008_remove",
    ]

    # An AC voltage channel on an unwired input: check the wiring, then input 1.
    result = await _options(hass, "mcp3008_voltage")
    options = hass.config_entries.options
    voltage = {
        "channel": "5",
        "name": "Mains voltage",
        "ratio": 383.3,
        "frequency": "50",
    }
    result = await options.async_configure(result["flow_id"], voltage)
    assert result["errors"] == {"base": "check_wiring"}
    result = await options.async_configure(
        result["flow_id"], {**voltage, "channel": "1"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert set(_channels(hass)) == {1, 2}

    # A DC sensor: never checked for a signal (0 V can be a real value).
    result = await _options(hass, "mcp3008_linear")
    result = await options.async_configure(
        result["flow_id"],
        {"channel": "7", "name": "Tank", "offset": 0, "gain": 0.5, "unit": "m"},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert hass.states.get("sensor.tank").state == "0.0"

    # The grid CT, paired with the voltage channel.
    result = await _options(hass, "mcp3008_ct")
    assert result["step_id"] == "mcp3008_ct"
    result = await options.async_configure(
        result["flow_id"], {**CT_FORM, "voltage_channel": "1"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert _channels(hass)[0]["voltage_channel"] == 1
    assert hass.states.get("sensor.mains_energy_export") is not None

    # Edit the kitchen CT: its form comes prefilled.
    result = await _options(hass, "mcp3008_edit")
    result = await options.async_configure(result["flow_id"], {"channel": "2"})
    assert result["step_id"] == "mcp3008_ct"
    result = await options.async_configure(
        result["flow_id"], {**CT_FORM, "channel": "2", "name": "Kitchen", "role": "pv"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert _channels(hass)[2]["role"] == "pv"
    assert hass.states.get("sensor.kitchen_energy_in") is None

    # Remove the voltage channel: the grid CT measures on its own again.
    result = await _options(hass, "mcp3008_remove")
    result = await options.async_configure(result["flow_id"], {"channel": "1"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert set(_channels(hass)) == {0, 2, 7}
    assert _channels(hass)[0]["voltage_channel"] is None
    assert hass.states.get("sensor.mains_voltage_voltage") is None


async def test_options_without_channels_and_a_lost_device(
    hass: HomeAssistant, spi: FakeSpiIo
) -> None:
    """With no channels only adding is offered; a lost node is explained."""
    await set_up(hass, [])
    result = await hass.config_entries.options.async_init(ENTRY_ID)
    assert result["menu_options"] == ["mcp3008_ct", "mcp3008_voltage", "mcp3008_linear"]
    result = await _options(hass, "mcp3008_ct")
    spi.broken.add(PATH)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], CT_FORM
    )
    assert result["errors"] == {"base": "cannot_open"}
    assert result["description_placeholders"] == {
        "devices": "[Errno 5] Input/output error"
    }
    spi.broken.clear()
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], CT_FORM
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert [c["name"] for c in result["data"]["channels"]] == ["Mains"]


async def test_board_channels_are_valid(hass: HomeAssistant, spi: FakeSpiIo) -> None:
    """The helper's board loads with every kind of channel."""
    await set_up(hass, CHANNELS)
    assert _channels(hass)[0] == GRID_CT
    assert _channels(hass)[1] == MAINS
