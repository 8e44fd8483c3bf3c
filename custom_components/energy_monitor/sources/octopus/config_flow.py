"""Setup wizard steps of the Octopus Energy account source.

The user enters an API key (octopus.energy, "Personal details", "API access")
and the account number (``A-1234ABCD``); the wizard reads the account before
creating the entry (a wrong key, an unknown account and no answer are told
apart). The account number is the unique ID. Reauthentication asks for a new
key when the old one is revoked; reconfiguration changes the key, the API
root or what the gas meter reports.
"""

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigFlow,
    ConfigFlowResult,
)
from homeassistant.const import CONF_API_KEY
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio as vol

from ...const import CONF_SOURCE, LOGGER
from ...lib.octopus.client import (
    OctopusAuthError,
    OctopusConnectionError,
    OctopusNotFoundError,
    OctopusRateLimitError,
)
from ...lib.octopus.model import Account
from .client import octopus_client
from .const import (
    CONF_ACCOUNT_NUMBER,
    CONF_API_URL,
    CONF_GAS_UNIT,
    GAS_UNIT_KWH,
    GAS_UNIT_M3,
    SOURCE,
)

_KEY = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
ACCOUNT_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_API_KEY): _KEY,
        vol.Required(CONF_ACCOUNT_NUMBER): TextSelector(),
        vol.Required(CONF_GAS_UNIT, default=GAS_UNIT_M3): SelectSelector(
            SelectSelectorConfig(
                options=[GAS_UNIT_M3, GAS_UNIT_KWH],
                mode=SelectSelectorMode.DROPDOWN,
                translation_key="octopus_gas_unit",
            )
        ),
        vol.Optional(CONF_API_URL): TextSelector(
            TextSelectorConfig(type=TextSelectorType.URL)
        ),
    }
)
REAUTH_SCHEMA = vol.Schema({vol.Required(CONF_API_KEY): _KEY})


def _account_number(text: str) -> str:
    """Return an account number as Octopus writes it (``A-1234ABCD``)."""
    return text.strip().upper()


class OctopusConfigFlow(ConfigFlow):
    """The Octopus steps of Energy Monitor's setup wizard."""

    async def async_step_octopus(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the API key and the account number."""
        return await self._async_octopus_form("octopus", ACCOUNT_SCHEMA, user_input, {})

    async def async_step_octopus_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the key, the API root or the gas unit of an account."""
        entry = self._get_reconfigure_entry()
        return await self._async_octopus_form(
            "octopus_reconfigure", ACCOUNT_SCHEMA, user_input, dict(entry.data)
        )

    async def async_step_octopus_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start asking for a new API key (the old one was refused)."""
        return await self.async_step_octopus_reauth_confirm()

    async def async_step_octopus_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a new API key."""
        entry = self._get_reauth_entry()
        return await self._async_octopus_form(
            "octopus_reauth_confirm",
            REAUTH_SCHEMA,
            None if user_input is None else {**entry.data, **user_input},
            {},
            placeholders={"account": entry.data[CONF_ACCOUNT_NUMBER]},
        )

    async def _async_octopus_form(
        self,
        step_id: str,
        schema: vol.Schema,
        user_input: dict[str, Any] | None,
        suggested: dict[str, Any],
        placeholders: dict[str, str] | None = None,
    ) -> ConfigFlowResult:
        """Show a form; read the account before saving what was entered."""
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {
                **suggested,
                **user_input,
                CONF_SOURCE: SOURCE,
                CONF_ACCOUNT_NUMBER: _account_number(user_input[CONF_ACCOUNT_NUMBER]),
            }
            if not data.get(CONF_API_URL):
                data.pop(CONF_API_URL, None)
            try:
                account = await octopus_client(self.hass, data).account(
                    data[CONF_ACCOUNT_NUMBER]
                )
            except OctopusAuthError:
                errors["base"] = "invalid_api_key"
            except OctopusNotFoundError:
                errors["base"] = "account_not_found"
            except OctopusConnectionError, OctopusRateLimitError:
                errors["base"] = "cannot_connect"
            except Exception:  # noqa: BLE001
                LOGGER.exception("Unexpected error while reading the Octopus account")
                errors["base"] = "unknown"
            else:
                return await self._async_octopus_finish(data, account)
            suggested = user_input
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def _async_octopus_finish(
        self, data: dict[str, Any], account: Account
    ) -> ConfigFlowResult:
        """Create the entry, or update the one being reconfigured or reauthenticated."""
        await self.async_set_unique_id(account.number, raise_on_progress=False)
        if self.source in {SOURCE_RECONFIGURE, SOURCE_REAUTH}:
            entry = (
                self._get_reconfigure_entry()
                if self.source == SOURCE_RECONFIGURE
                else self._get_reauth_entry()
            )
            self._abort_if_unique_id_mismatch(reason="wrong_account")
            return self.async_update_reload_and_abort(entry, data=data)
        self._abort_if_unique_id_configured()
        return self.async_create_entry(title=f"Octopus {account.number}", data=data)
