"""The flukso.net API client of an entry, on Home Assistant's shared session."""

from collections.abc import Mapping
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ...lib.flukso.cloud import DEFAULT_API_URL, FluksoCloud
from .const import CONF_API_URL


def flukso_cloud(hass: HomeAssistant, data: Mapping[str, Any]) -> FluksoCloud:
    """Return a client of the API root in ``data`` (flukso.net by default)."""
    return FluksoCloud(
        async_get_clientsession(hass), data.get(CONF_API_URL) or DEFAULT_API_URL
    )
