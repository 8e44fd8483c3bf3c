"""The EV charger's actions: boost, and get the charging plan."""

from typing import Any

from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv
import probatio as vol

from ...const import DOMAIN
from ...spec import SourceSpec, source_entry
from .coordinator import EvChargerCoordinator
from .runtime import EvChargerConfigEntry, EvChargerRuntime

SERVICE_BOOST = "boost"
SERVICE_GET_CHARGING_PLAN = "get_charging_plan"
ATTR_DURATION = "duration"

BOOST_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Optional(ATTR_DURATION, default=60): vol.All(
            vol.Coerce(float), vol.Range(min=0, max=1440)
        ),
    }
)
PLAN_SCHEMA = vol.Schema({vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string})


def _coordinator(
    hass: HomeAssistant, call: ServiceCall, spec: SourceSpec[EvChargerRuntime]
) -> EvChargerCoordinator:
    """Return the coordinator of the EV charger the action names.

    Raises:
        ServiceValidationError: when the entry is not a loaded EV charger.
    """
    entry: EvChargerConfigEntry = source_entry(
        hass,
        call.data[ATTR_CONFIG_ENTRY_ID],
        spec,
        not_found="not_an_ev_charger",
        not_loaded="ev_charger_not_loaded",
    )
    return entry.runtime_data.coordinator


@callback
def async_setup_ev_services(
    hass: HomeAssistant, spec: SourceSpec[EvChargerRuntime]
) -> None:
    """Register the EV charger's actions."""

    async def boost(call: ServiceCall) -> None:
        _coordinator(hass, call, spec).async_boost(call.data[ATTR_DURATION])

    async def get_charging_plan(call: ServiceCall) -> ServiceResponse:
        plan: dict[str, Any] = _coordinator(hass, call, spec).plan()
        return plan

    hass.services.async_register(DOMAIN, SERVICE_BOOST, boost, schema=BOOST_SCHEMA)
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_CHARGING_PLAN,
        get_charging_plan,
        schema=PLAN_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
