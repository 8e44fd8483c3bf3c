"""The Modbus parity dropdown: lowercase option keys, the codes entries always stored.

HA's translation-key rule wants lowercase option keys, while entries keep the
codes they always did (``E``): new entries get the codes, and reconfiguring
shows the stored code as the matching option.
"""

import json
from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from tests.common import form_field, walk_to_form
from tests.modbus.helpers import SDM630, StartModbus, modbus_entry

pytestmark = pytest.mark.usefixtures("mock_setup_entry")


pytestmark = pytest.mark.usefixtures("mock_setup_entry")

STRINGS = json.loads(
    (
        Path(__file__).parents[2] / "custom_components/energy_monitor/strings.json"
    ).read_text(encoding="utf-8")
)


async def test_parities_are_translated_and_stored_as_before(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """The serial form offers None/Even/Odd; the entry stores N/E/O."""
    simulator = await start_modbus({1: SDM630}, rtu_framing=True)
    result = await walk_to_form(hass, "modbus", "modbus_serial")
    default, _, options = form_field(result, "parity")
    assert default == "none"
    assert options == list(STRINGS["selector"]["modbus_parity"]["options"])
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "serial_port": f"socket://127.0.0.1:{simulator.port}",
            "baudrate": "9600",
            "parity": "odd",
            "unit_id": 1,
            "meter_model": "eastron_sdm630",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["parity"] == "O"


async def test_reconfigure_shows_the_stored_parity(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """A serial entry with parity E shows Even; a new choice is stored as code."""
    simulator = await start_modbus({1: SDM630}, rtu_framing=True)
    port = f"socket://127.0.0.1:{simulator.port}"
    entry = modbus_entry(
        0, "eastron_sdm630", transport="serial", serial_port=port, parity="E"
    )
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, unique_id="22000001")
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "modbus_serial"}
    )
    _, suggested, _ = form_field(result, "parity")
    assert suggested == "even"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "serial_port": port,
            "baudrate": "9600",
            "parity": "none",
            "unit_id": 1,
            "meter_model": "eastron_sdm630",
        },
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.data["parity"] == "N"
