"""Repair issue of an EV charger: its relay is unavailable or missing.

While the relay reports no state the controller cannot switch it nor know
whether the charger draws, so energy is not counted and *Charging reason*
shows ``relay_unavailable``. When that lasts longer than the stale limit (a
relay reconnecting after a short drop-out raises nothing) the issue
``ev_relay_unavailable`` asks the user to check the relay; it disappears by
itself when the relay reports again.
"""

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from ...const import DOMAIN
from ...coordinator import EnergyMonitorConfigEntry

RELAY_UNAVAILABLE = "ev_relay_unavailable"


def _issue_id(entry: EnergyMonitorConfigEntry) -> str:
    """Return the ID of the entry's issue (it ends with the entry ID)."""
    return f"{RELAY_UNAVAILABLE}_{entry.entry_id}"


@callback
def async_raise_relay_unavailable(
    hass: HomeAssistant, entry: EnergyMonitorConfigEntry, relay: str
) -> None:
    """Show the repair issue for the entry's relay."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        _issue_id(entry),
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=RELAY_UNAVAILABLE,
        translation_placeholders={"title": entry.title, "relay": relay},
    )


@callback
def async_clear_relay_unavailable(
    hass: HomeAssistant, entry: EnergyMonitorConfigEntry
) -> None:
    """Remove the entry's repair issue, if it is shown."""
    ir.async_delete_issue(hass, DOMAIN, _issue_id(entry))
