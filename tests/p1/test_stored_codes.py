"""The DSMR version dropdown: lowercase option keys, the codes entries always stored.

HA's translation-key rule wants lowercase option keys, while entries keep the
codes they always did (``5B``): new entries get the codes, and reconfiguring
shows the stored code as the matching option.
"""

import json
from pathlib import Path

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from simulators.p1 import P1Simulator
from tests.common import form_field, walk_to_form
from tests.p1.helpers import p1_entry

pytestmark = pytest.mark.usefixtures("mock_setup_entry")


pytestmark = pytest.mark.usefixtures("mock_setup_entry")

STRINGS = json.loads(
    (
        Path(__file__).parents[2] / "custom_components/energy_monitor/strings.json"
    ).read_text(encoding="utf-8")
)


async def test_dsmr_versions_are_translated_and_stored_as_before(
    hass: HomeAssistant, belgian_simulator: P1Simulator
) -> None:
    """Every version has a label; a Belgian meter set to e-MUCS stores 5B."""
    result = await walk_to_form(hass, "p1", "p1_network")
    default, suggested, options = form_field(result, "dsmr_version")
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
    _, suggested, _ = form_field(result, "dsmr_version")
    assert suggested == "2_2"
    assert STRINGS["selector"]["dsmr_version"]["options"][suggested].startswith(
        "DSMR 2.2"
    )
