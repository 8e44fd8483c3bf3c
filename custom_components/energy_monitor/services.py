"""Actions of Energy Monitor, registered once when the integration loads."""

from homeassistant.core import HomeAssistant, callback

from .sources import SPECS


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions of every source that has some."""
    for spec in SPECS:
        if spec.async_setup_actions is not None:
            spec.async_setup_actions(hass, spec)
