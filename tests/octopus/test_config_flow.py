"""The Octopus wizard: test before configure, every error then recovery."""

from unittest.mock import AsyncMock, patch

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from simulators.octopus import ACCOUNT_NUMBER, API_KEY, Fault, OctopusSimulator
from tests.common import walk_to_form

from .helpers import add_octopus, octopus_data

pytestmark = pytest.mark.usefixtures("mock_setup_entry")


def answers(simulator: OctopusSimulator, **extra: str) -> dict[str, str]:
    """Return the wizard's answers for the simulated account."""
    return {
        "api_key": API_KEY,
        "account_number": " a-1234abcd ",
        "gas_unit": "m3",
        "api_url": simulator.url,
        **extra,
    }


async def test_add_account_after_errors(
    hass: HomeAssistant, octopus: OctopusSimulator
) -> None:
    """Wrong key, unknown account and no answer are told apart; then it works."""
    result = await walk_to_form(hass, "octopus")
    assert result["step_id"] == "octopus"
    flow_id = result["flow_id"]
    for user_input, error in (
        (answers(octopus, api_key="sk_live_wrong"), "invalid_api_key"),
        (answers(octopus, account_number="A-00000000"), "account_not_found"),
    ):
        result = await hass.config_entries.flow.async_configure(flow_id, user_input)
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {"base": error}
    for fault in (Fault.HTTP_500, Fault.RATE_LIMITED):
        octopus.set_fault(fault)
        result = await hass.config_entries.flow.async_configure(
            flow_id, answers(octopus)
        )
        assert result["errors"] == {"base": "cannot_connect"}
    octopus.set_fault(None)
    result = await hass.config_entries.flow.async_configure(flow_id, answers(octopus))
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"Octopus {ACCOUNT_NUMBER}"
    assert result["data"] == octopus_data(octopus)
    assert result["result"].unique_id == ACCOUNT_NUMBER


async def test_unexpected_error_then_default_api(
    hass: HomeAssistant, octopus: OctopusSimulator
) -> None:
    """An unexpected error says so; an empty API address is not stored."""
    result = await walk_to_form(hass, "octopus")
    with patch(
        "custom_components.energy_monitor.lib.octopus.client.OctopusClient.account",
        AsyncMock(side_effect=RuntimeError("boom")),
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], answers(octopus)
        )
    assert result["errors"] == {"base": "unknown"}
    with patch(
        "custom_components.energy_monitor.lib.octopus.client.OctopusClient.account",
        AsyncMock(return_value=type("A", (), {"number": ACCOUNT_NUMBER})()),
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], answers(octopus, api_url="")
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert "api_url" not in result["data"]


async def test_account_added_twice(
    hass: HomeAssistant, octopus: OctopusSimulator
) -> None:
    """An account already added is not added again."""
    add_octopus(hass, octopus)
    result = await walk_to_form(hass, "octopus")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], answers(octopus)
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reconfigure(hass: HomeAssistant, octopus: OctopusSimulator) -> None:
    """Reconfiguring checks the account again; another account is refused."""
    entry = add_octopus(hass, octopus)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "octopus_reconfigure"
    octopus.set_fault(Fault.HTTP_500)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], answers(octopus)
    )
    assert result["errors"] == {"base": "cannot_connect"}
    octopus.set_fault(None)
    with patch(
        "custom_components.energy_monitor.lib.octopus.client.OctopusClient.account",
        AsyncMock(return_value=type("A", (), {"number": "A-99999999"})()),
    ):
        other = await hass.config_entries.flow.async_configure(
            result["flow_id"], answers(octopus)
        )
    assert other["type"] is FlowResultType.ABORT
    assert other["reason"] == "wrong_account"
    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], answers(octopus, gas_unit="kwh")
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.data["gas_unit"] == "kwh"


async def test_reauth(hass: HomeAssistant, octopus: OctopusSimulator) -> None:
    """A revoked key asks for a new one; a wrong one is refused, the right one kept."""
    entry = add_octopus(hass, octopus, api_key="sk_live_old")
    result = await entry.start_reauth_flow(hass)
    assert result["step_id"] == "octopus_reauth_confirm"
    assert result["description_placeholders"]["account"] == ACCOUNT_NUMBER
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": "sk_live_wrong"}
    )
    assert result["errors"] == {"base": "invalid_api_key"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"api_key": API_KEY}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert entry.data["api_key"] == API_KEY
