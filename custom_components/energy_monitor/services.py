"""Actions of Energy Monitor, registered once when the integration loads."""

from homeassistant.core import HomeAssistant, callback

from .sources.ev.services import async_setup_ev_services
from .sources.site.services import async_setup_site_services


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions of every source."""
    async_setup_ev_services(hass)
    async_setup_site_services(hass)
