"""Repair issues of P1 meters: problems only the user can fix.

* ``p1_no_data``: the meter has sent nothing valid for an hour (dongle
  offline, cable out, or in Flanders the P1 port access in Mijn Fluvius
  expired).
* ``p1_capacity_data_missing``: a Belgian meter stopped reporting its monthly
  peak (the capacity tariff needs it; the P1 port access may need renewing).
"""

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir

from ...const import DOMAIN
from ...coordinator import EnergyMonitorConfigEntry

NO_DATA = "p1_no_data"
CAPACITY_DATA_MISSING = "p1_capacity_data_missing"


def _issue_id(kind: str, entry: EnergyMonitorConfigEntry) -> str:
    """Return the ID of an entry's issue of one kind (it ends with the entry ID)."""
    return f"{kind}_{entry.entry_id}"


@callback
def async_raise(
    hass: HomeAssistant, entry: EnergyMonitorConfigEntry, kind: str
) -> None:
    """Show a repair issue for the entry."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        _issue_id(kind, entry),
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=kind,
        translation_placeholders={"title": entry.title},
    )


@callback
def async_clear(
    hass: HomeAssistant, entry: EnergyMonitorConfigEntry, kind: str
) -> None:
    """Remove the entry's repair issue of one kind, if it is shown."""
    ir.async_delete_issue(hass, DOMAIN, _issue_id(kind, entry))
