"""Setup wizard steps of the Fronius inverter source.

The user enters the host of the Datamanager or the Gen24/Tauro inverter (an
IP address or name, with a port if it is not 80). The wizard asks the
Datamanager who it is (``GetLoggerInfo``) and, where there is none, the
inverter (``GetInverterInfo``); that serial number is the entry's unique ID,
so a system cannot be added twice. DHCP discovery (Fronius MAC addresses)
offers new systems and moves known ones to their new address.
"""

import asyncio
from typing import Any

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigFlow,
    ConfigFlowResult,
)
from homeassistant.const import CONF_HOST
from homeassistant.helpers.selector import TextSelector
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
import probatio as vol

from ...const import CONF_SOURCE, DOMAIN, LOGGER
from ...lib.fronius.client import (
    NoInverterError,
    SolarApiConnectionError,
    SolarApiError,
    SolarNetIdentity,
    host_address,
    with_address,
)
from . import const
from .coordinator import fronius_client

HOST_SCHEMA = vol.Schema({vol.Required(CONF_HOST): TextSelector()})


def _title(identity: SolarNetIdentity) -> str:
    """Name a system after its Datamanager or its first inverter."""
    if identity.logger is not None or not identity.inverters:
        return f"Fronius Datamanager {identity.unique_id}"
    inverter = identity.inverters[0]
    return f"Fronius {inverter.custom_name or inverter.model or identity.unique_id}"


class FroniusConfigFlow(ConfigFlow):
    """The Fronius steps of Energy Monitor's setup wizard."""

    def __init__(self) -> None:
        """Start without a Fronius system."""
        super().__init__()
        self._fronius_host = ""
        self._fronius_identity: SolarNetIdentity | None = None

    async def async_step_fronius(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the host of the Datamanager or inverter."""
        return await self._async_fronius_host_step("fronius", user_input, {})

    async def async_step_fronius_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the host of a system (its entities and history stay)."""
        entry = self._get_reconfigure_entry()
        return await self._async_fronius_host_step(
            "fronius_reconfigure", user_input, dict(entry.data)
        )

    async def async_step_dhcp(
        self, discovery_info: DhcpServiceInfo
    ) -> ConfigFlowResult:
        """Offer a Fronius device found on the network, or note its new address."""
        address = discovery_info.ip
        for entry in self._async_current_entries(include_ignore=False):
            if entry.data.get(CONF_SOURCE) == const.SOURCE and host_address(
                entry.data[CONF_HOST]
            ) in (address, discovery_info.hostname):
                return self.async_abort(reason="already_configured")
        # A Datamanager answers about a minute after its DHCP request.
        await asyncio.sleep(const.DHCP_REQUEST_DELAY)
        try:
            identity = await self._async_fronius_identify(address)
        except SolarApiError:
            return self.async_abort(reason="cannot_connect")
        await self.async_set_unique_id(identity.unique_id)
        known = self.hass.config_entries.async_entry_for_domain_unique_id(
            DOMAIN, identity.unique_id
        )
        if known is not None:
            self._abort_if_unique_id_configured(
                updates={CONF_HOST: with_address(known.data[CONF_HOST], address)}
            )
        self._fronius_host = address
        self._fronius_identity = identity
        self.context["title_placeholders"] = {"name": _title(identity)}
        return await self.async_step_fronius_confirm()

    async def async_step_fronius_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Confirm adding a discovered system."""
        identity = self._fronius_identity
        assert identity is not None  # noqa: S101 - set by async_step_dhcp
        if user_input is not None:
            return self._async_fronius_create(self._fronius_host, identity)
        self._set_confirm_only()
        return self.async_show_form(
            step_id="fronius_confirm",
            description_placeholders={
                "name": _title(identity),
                "host": self._fronius_host,
            },
        )

    async def _async_fronius_host_step(
        self,
        step_id: str,
        user_input: dict[str, Any] | None,
        suggested: dict[str, Any],
    ) -> ConfigFlowResult:
        """Show a host form; validate the host by asking the device."""
        errors: dict[str, str] = {}
        if user_input is not None:
            host = str(user_input[CONF_HOST]).strip()
            try:
                identity = await self._async_fronius_identify(host)
            except ValueError:
                errors[CONF_HOST] = "invalid_host"
            except SolarApiConnectionError:
                errors["base"] = "fronius_cannot_connect"
            except NoInverterError:
                errors["base"] = "no_inverter"
            except SolarApiError:
                errors["base"] = "not_fronius"
            except Exception:  # noqa: BLE001
                LOGGER.exception("Unexpected error while asking the Fronius device")
                errors["base"] = "unknown"
            else:
                return await self._async_fronius_finish(host, identity)
            suggested = user_input
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(HOST_SCHEMA, suggested),
            errors=errors,
        )

    async def _async_fronius_identify(self, host: str) -> SolarNetIdentity:
        """Ask the device at ``host`` who it is.

        Raises:
            ValueError: when ``host`` is not a host.
            SolarApiError: when the device does not answer as a Fronius one.
        """
        return await fronius_client(self.hass, host).identify()

    async def _async_fronius_finish(
        self, host: str, identity: SolarNetIdentity
    ) -> ConfigFlowResult:
        """Create the entry, or update the one being reconfigured."""
        await self.async_set_unique_id(identity.unique_id, raise_on_progress=False)
        if self.source == SOURCE_RECONFIGURE:
            entry = self._get_reconfigure_entry()
            if entry.unique_id is not None:
                self._abort_if_unique_id_mismatch(reason="wrong_device")
            return self.async_update_reload_and_abort(
                entry, unique_id=identity.unique_id, data_updates={CONF_HOST: host}
            )
        self._abort_if_unique_id_configured(updates={CONF_HOST: host})
        return self._async_fronius_create(host, identity)

    def _async_fronius_create(
        self, host: str, identity: SolarNetIdentity
    ) -> ConfigFlowResult:
        """Create the entry of a system."""
        return self.async_create_entry(
            title=_title(identity),
            data={CONF_SOURCE: const.SOURCE, CONF_HOST: host},
        )
