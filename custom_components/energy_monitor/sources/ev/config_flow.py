"""Setup wizard steps of the EV charger source.

The charger is a relay (a ``switch`` or ``input_boolean``); the inputs are
entities: grid power (+ import / - export) or a solar-surplus entity, and
optionally a price and the capacity-tariff demand entities. Energy Monitor's
own entities are suggested when they exist.
"""

from typing import Any

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import Platform, UnitOfPower
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.selector import EntitySelector, EntitySelectorConfig
import probatio as vol

from ...const import CONF_SOURCE, DOMAIN
from ...entity import GridMeter, grid_meters, sensors_by_key
from ...lib.vocabulary import Key
from ...selectors import CONF_METER, grid_meter_schema, number_box
from ..site.const import SOURCE as SITE
from .const import (
    CONF_CHARGER_POWER,
    CONF_DEMAND_QUARTER,
    CONF_GRID_POWER,
    CONF_MONTH_PEAK,
    CONF_PEAK_LIMIT,
    CONF_PRICE,
    CONF_RELAY,
    CONF_STALE_AFTER,
    CONF_SURPLUS_POWER,
    DEFAULT_CHARGER_POWER,
    DEFAULT_STALE_AFTER,
    INPUT_ENTITIES,
    SOURCE,
)

_RELAY_DOMAINS = [Platform.SWITCH, "input_boolean"]
_POWER_SENSOR = EntitySelector(
    EntitySelectorConfig(domain=Platform.SENSOR, device_class="power")
)
SCHEMA = vol.Schema(
    {
        vol.Required(CONF_RELAY): EntitySelector(
            EntitySelectorConfig(domain=_RELAY_DOMAINS)
        ),
        vol.Optional(CONF_GRID_POWER): _POWER_SENSOR,
        vol.Optional(CONF_SURPLUS_POWER): _POWER_SENSOR,
        vol.Required(CONF_CHARGER_POWER, default=DEFAULT_CHARGER_POWER): number_box(
            UnitOfPower.WATT, minimum=500, maximum=22000, step=10
        ),
        vol.Optional(CONF_PRICE): EntitySelector(
            EntitySelectorConfig(domain=Platform.SENSOR)
        ),
        vol.Optional(CONF_DEMAND_QUARTER): _POWER_SENSOR,
        vol.Optional(CONF_MONTH_PEAK): _POWER_SENSOR,
    }
)

_METER_KEYS = {
    CONF_GRID_POWER: Key.GRID_POWER,
    CONF_DEMAND_QUARTER: Key.DEMAND_CURRENT_QUARTER,
    CONF_MONTH_PEAK: Key.DEMAND_MONTH_PEAK,
}
"""Inputs the grid meter fills in."""
_SITE_KEYS = {
    CONF_SURPLUS_POWER: Key.SURPLUS_POWER,
    CONF_PRICE: Key.PRICE_IMPORT,
}
"""Inputs the energy site fills in."""


def suggested_inputs(hass: HomeAssistant, meter: GridMeter | None) -> dict[str, str]:
    """Suggest the grid meter's and the site's entities as inputs."""
    grid = meter.sensors if meter is not None else {}
    found = sensors_by_key(hass)
    suggestions = {
        field: grid[key] for field, key in _METER_KEYS.items() if key in grid
    } | {field: found[key][0] for field, key in _SITE_KEYS.items() if key in found}
    if CONF_GRID_POWER in suggestions:
        suggestions.pop(CONF_SURPLUS_POWER, None)
    return suggestions


def form_schema(hass: HomeAssistant) -> vol.Schema:
    """Return the form; the relay picker leaves out Energy Monitor's own switches.

    (The charger's own "Smart charging" switch is no relay.)
    """
    own = [
        entity.entity_id
        for entity in er.async_get(hass).entities.values()
        if entity.platform == DOMAIN and entity.domain in _RELAY_DOMAINS
    ]
    if not own:
        return SCHEMA
    relay = EntitySelectorConfig(domain=_RELAY_DOMAINS, exclude_entities=own)
    return SCHEMA.extend({vol.Required(CONF_RELAY): EntitySelector(relay)})


class EvChargerConfigFlow(ConfigFlow):
    """The EV charger steps of Energy Monitor's setup wizard."""

    _ev_meters: list[GridMeter] | None = None
    _ev_meter: GridMeter | None = None

    async def async_step_ev_charger(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Pick the relay, the inputs and the charger's power.

        With several grid meters, the wizard first asks which one's entities
        to suggest.
        """
        errors: dict[str, str] = {}
        if self._ev_meters is None and self.source != SOURCE_RECONFIGURE:
            self._ev_meters = grid_meters(self.hass, exclude=SITE)
            if len(self._ev_meters) > 1:
                return await self.async_step_ev_charger_meter()
            self._ev_meter = next(iter(self._ev_meters), None)
        if user_input is not None:
            errors = self._ev_validate(user_input)
            if not errors:
                return await self._async_ev_finish(user_input)
            suggested = user_input
        elif self.source == SOURCE_RECONFIGURE:
            suggested = dict(self._get_reconfigure_entry().data)
        else:
            suggested = suggested_inputs(self.hass, self._ev_meter)
        return self.async_show_form(
            step_id="ev_charger",
            data_schema=self.add_suggested_values_to_schema(
                form_schema(self.hass), suggested
            ),
            errors=errors,
        )

    async def async_step_ev_charger_meter(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask which of several grid meters fills in the charger's inputs."""
        meters = self._ev_meters or []
        if user_input is not None:
            self._ev_meter = next(
                meter for meter in meters if meter.meter_id == user_input[CONF_METER]
            )
            return await self.async_step_ev_charger()
        return self.async_show_form(
            step_id="ev_charger_meter", data_schema=grid_meter_schema(meters)
        )

    async def async_step_ev_charger_reconfigure(self) -> ConfigFlowResult:
        """Change the relay, the inputs or the charger's power."""
        return await self.async_step_ev_charger()

    def _ev_validate(self, user_input: dict[str, Any]) -> dict[str, str]:
        """Check that the entities exist and a power input is given."""
        errors: dict[str, str] = {}
        for field in (CONF_RELAY, *INPUT_ENTITIES):
            entity_id = user_input.get(field)
            if entity_id and self.hass.states.get(entity_id) is None:
                errors[field] = "entity_not_found"
        if not user_input.get(CONF_GRID_POWER) and not user_input.get(
            CONF_SURPLUS_POWER
        ):
            errors["base"] = "power_input_required"
        return errors

    async def _async_ev_finish(self, user_input: dict[str, Any]) -> ConfigFlowResult:
        """Create or update the charger's entry (one per relay)."""
        data = {CONF_SOURCE: SOURCE, **user_input}
        relay = user_input[CONF_RELAY]
        await self.async_set_unique_id(relay)
        if self.source == SOURCE_RECONFIGURE:
            entry = self._get_reconfigure_entry()
            if entry.unique_id != relay:
                self._abort_if_unique_id_configured()
            return self.async_update_reload_and_abort(entry, unique_id=relay, data=data)
        self._abort_if_unique_id_configured()
        state = self.hass.states.get(relay)
        name = state.name if state is not None else relay
        return self.async_create_entry(title=f"EV charger ({name})", data=data)


class EvChargerOptionsFlow(OptionsFlowWithReload):
    """Options of an EV charger."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the charger options (the ``ev_charger`` step has their title)."""
        return await self.async_step_ev_charger(user_input)

    async def async_step_ev_charger(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Set the stale-data limit and the capacity-tariff cap."""
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        options = self.config_entry.options
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_STALE_AFTER,
                    default=options.get(CONF_STALE_AFTER, DEFAULT_STALE_AFTER),
                ): number_box("s", minimum=10, maximum=3600, step=5),
                vol.Required(
                    CONF_PEAK_LIMIT, default=options.get(CONF_PEAK_LIMIT, 0)
                ): number_box("kW", minimum=0, maximum=50, step=0.1),
            }
        )
        return self.async_show_form(step_id="ev_charger", data_schema=schema)
