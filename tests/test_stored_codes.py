"""Wizard options with translatable keys; entries keep the codes they stored.

The DSMR version and the Modbus parity dropdowns offer lowercase option keys
(Home Assistant's translation-key rule), while entries store the codes they
always did (``5B``, ``E``): new entries get the codes, and reconfiguring an
existing entry shows its stored code as the matching option.
"""

import json
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult, FlowResultType
import pytest

from custom_components.energy_monitor.lib.modbus.catalog import load_bundled_map
from simulators.p1 import P1Simulator
from tests.common import walk_to_form
from tests.conftest import StartModbus, p1_entry
from tests.modbus_helpers import modbus_entry

pytestmark = pytest.mark.usefixtures("mock_setup_entry")

STRINGS = json.loads(
    (
        Path(__file__).parent.parent / "custom_components/energy_monitor/strings.json"
    ).read_text(encoding="utf-8")
)
SDM630 = load_bundled_map("eastron_sdm630")


def _field(result: FlowResult, name: str) -> tuple[Any, Any, list[str]]:
    """Return a form field's default, suggested value and dropdown options."""
    schema = result["data_schema"]
    assert schema is not None
    for key, selector in schema.schema.items():
        if key == name:
            suggested = (key.description or {}).get("suggested_value")
            options = selector.config["options"]
            return key.default(), suggested, options
    pytest.fail(f"no field {name}")


async def test_dsmr_versions_are_translated_and_stored_as_before(
    hass: HomeAssistant, belgian_simulator: P1Simulator
) -> None:
    """Every version has a label; a Belgian meter set to e-MUCS stores 5B."""
    result = await walk_to_form(hass, "p1", "p1_network")
    default, suggested, options = _field(result, "dsmr_version")
    assert (default, suggested) == ("auto", None)
    assert options == list(STRINGS["selector"]["dsmr_version"]["options"])
    assert "5b" in options
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"host": "127.0.0.1", "port": belgian_simulator.port, "dsmr_version": "5b"},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["dsmr_version"] == "5B"


async def test_reconfigure_shows_the_stored_dsmr_version(
    hass: HomeAssistant,
) -> None:
    """An entry that stored 2.2 shows DSMR 2.2 / 3.0 selected."""
    entry = p1_entry(1, dsmr_version="2.2")
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "p1_serial"}
    )
    _, suggested, _ = _field(result, "dsmr_version")
    assert suggested == "2_2"
    assert STRINGS["selector"]["dsmr_version"]["options"][suggested].startswith(
        "DSMR 2.2"
    )


async def test_parities_are_translated_and_stored_as_before(
    hass: HomeAssistant, start_modbus: StartModbus
) -> None:
    """The serial form offers None/Even/Odd; the entry stores N/E/O."""
    simulator = await start_modbus({1: SDM630}, rtu_framing=True)
    result = await walk_to_form(hass, "modbus", "modbus_serial")
    default, _, options = _field(result, "parity")
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
    _, suggested, _ = _field(result, "parity")
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
