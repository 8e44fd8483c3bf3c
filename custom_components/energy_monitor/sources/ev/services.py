"""The EV charger's actions: boost, and get the charging plan."""

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_CONFIG_ENTRY_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
import probatio as vol

from ...const import DOMAIN, Source
from ...coordinator import source_entry
from . import EvChargerRuntime
from .coordinator import EvChargerCoordinator

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


def _coordinator(hass: HomeAssistant, call: ServiceCall) -> EvChargerCoordinator:
    """Return the coordinator of the EV charger the action names.

    Raises:
        ServiceValidationError: when the entry is not a loaded EV charger.
    """
    entry_id = call.data[ATTR_CONFIG_ENTRY_ID]
    entry = source_entry(hass, entry_id, Source.EV_CHARGER, "not_an_ev_charger")
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="ev_charger_not_loaded",
            translation_placeholders={"entry_id": entry_id},
        )
    runtime = entry.runtime_data
    assert isinstance(runtime, EvChargerRuntime)  # noqa: S101 - the source says so
    return runtime.coordinator


@callback
def async_setup_ev_services(hass: HomeAssistant) -> None:
    """Register the EV charger's actions."""

    async def boost(call: ServiceCall) -> None:
        _coordinator(hass, call).async_boost(call.data[ATTR_DURATION])

    async def get_charging_plan(call: ServiceCall) -> ServiceResponse:
        plan: dict[str, Any] = _coordinator(hass, call).plan()
        return plan

    hass.services.async_register(DOMAIN, SERVICE_BOOST, boost, schema=BOOST_SCHEMA)
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_CHARGING_PLAN,
        get_charging_plan,
        schema=PLAN_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
