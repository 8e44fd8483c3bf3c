"""Actions of Energy Monitor, registered once when the integration loads."""

from homeassistant.core import HomeAssistant, callback

from .history.services import async_setup_history_services
from .sources import SPECS


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions of every source that has some, and import_history."""
    for spec in SPECS:
        if spec.async_setup_actions is not None:
            spec.async_setup_actions(hass, spec)
    async_setup_history_services(hass)
