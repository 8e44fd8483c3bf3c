"""The first page of the setup wizard: what can be added, and how."""

from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.energy_monitor.const import DOMAIN


@pytest.mark.parametrize(
    ("source", "connections"),
    [("p1", ["p1_network", "p1_serial"]), ("modbus", ["modbus_tcp", "modbus_serial"])],
)
async def test_menus(hass: HomeAssistant, source: str, connections: list[str]) -> None:
    """Every source is offered; meters with two connections ask which."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == [
        "p1",
        "flukso",
        "fronius",
        "modbus",
        "mcp3008",
        "octopus",
        "site",
        "ev_charger",
    ]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": source}
    )
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == connections
