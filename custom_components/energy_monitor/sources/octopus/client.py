"""The Octopus API client of an entry, on Home Assistant's shared session."""

from collections.abc import Mapping
from typing import Any

from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ...lib.octopus.client import DEFAULT_API_URL, OctopusClient
from .const import CONF_API_URL


def octopus_client(hass: HomeAssistant, data: Mapping[str, Any]) -> OctopusClient:
    """Return a client of the API key and API root in ``data``."""
    return OctopusClient(
        async_get_clientsession(hass),
        data[CONF_API_KEY],
        data.get(CONF_API_URL) or DEFAULT_API_URL,
    )
