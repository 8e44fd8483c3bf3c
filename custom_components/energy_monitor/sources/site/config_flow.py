"""Setup wizard steps and options of the energy site source.

The wizard asks for the site's entities in two forms (the grid meter; solar,
battery and gas), pre-filled with what Energy Monitor's own sources provide
(found by the measurement key that ends their unique IDs), then for simple
prices to start with. Tariffs live in the entry's options: fixed, per meter
register, time-of-use schedule or dynamic price, import, export and gas,
fixed charges and the capacity tariff, each change in the newest tariff
version; a new version starts a contract change without rewriting the past.
"""

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.selector import (
    DateSelector,
    EntitySelector,
    EntitySelectorConfig,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
)
from homeassistant.util import dt as dt_util
from homeassistant.util.unit_conversion import (
    BaseUnitConverter,
    EnergyConverter,
    PowerConverter,
    VolumeConverter,
)
import probatio as vol

from ...const import CONF_SOURCE
from ...entity import GridMeter, grid_meters, sensors_by_key
from ...lib.site.schedule import TariffError, format_text, parse_text
from ...lib.site.tariff import (
    Direction,
    Price,
    PriceMode,
    TariffVersion,
    dump_tariffs,
    start_version,
)
from ...lib.vocabulary import Key
from ...selectors import CONF_METER, grid_meter_schema, number_box
from .const import (
    CONF_BATTERY_CHARGE,
    CONF_BATTERY_DISCHARGE,
    CONF_BATTERY_POWER,
    CONF_DEMAND_CURRENT_QUARTER,
    CONF_DEMAND_MONTH_PEAK,
    CONF_GAS,
    CONF_GRID_EXPORT,
    CONF_GRID_IMPORT,
    CONF_GRID_POWER,
    CONF_GRID_TARIFF,
    CONF_HEATING_BASE,
    CONF_INSIGHT_POWER,
    CONF_INSIGHT_TEMPERATURE,
    CONF_PV_ENERGY,
    CONF_PV_POWER,
    CONF_TARIFFS,
    DEFAULT_HEATING_BASE,
    LIST_INPUTS,
    SOURCE,
)
from .inputs import entity_list, site_inputs, site_tariffs

DEFAULT_NAME = "Home"
CONF_MODE = "mode"
CONF_RATE = "rate"
CONF_SCHEDULE = "schedule"
CONF_ENTITY = "entity_id"
CONF_MARKUP = "markup"
CONF_MULTIPLIER = "multiplier"
CONF_IMPORT_RATE = "import_rate"
CONF_EXPORT_RATE = "export_rate"
CONF_GAS_RATE = "gas_rate"
CONF_STANDING_CHARGE = "standing_charge"
CONF_CAPACITY_RATE = "capacity_rate"
CONF_CAPACITY_MINIMUM = "capacity_minimum"
CONF_VALID_FROM = "valid_from"


def _entities(device_class: str, *, multiple: bool = False) -> EntitySelector:
    """Return a selector of sensors of one device class."""
    return EntitySelector(
        EntitySelectorConfig(
            domain="sensor", device_class=device_class, multiple=multiple
        )
    )


GRID_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_NAME, default=DEFAULT_NAME): str,
        vol.Required(CONF_GRID_IMPORT): _entities("energy", multiple=True),
        vol.Optional(CONF_GRID_EXPORT): _entities("energy", multiple=True),
        vol.Optional(CONF_GRID_POWER): _entities("power"),
        vol.Optional(CONF_GRID_TARIFF): EntitySelector(
            EntitySelectorConfig(domain="sensor")
        ),
        vol.Optional(CONF_DEMAND_CURRENT_QUARTER): _entities("power"),
        vol.Optional(CONF_DEMAND_MONTH_PEAK): _entities("power"),
    }
)
SOLAR_SCHEMA = vol.Schema(
    {
        vol.Optional(CONF_PV_ENERGY): _entities("energy", multiple=True),
        vol.Optional(CONF_PV_POWER): _entities("power", multiple=True),
        vol.Optional(CONF_BATTERY_CHARGE): _entities("energy"),
        vol.Optional(CONF_BATTERY_DISCHARGE): _entities("energy"),
        vol.Optional(CONF_BATTERY_POWER): _entities("power"),
        vol.Optional(CONF_GAS): _entities("gas"),
    }
)
GRID_FIELDS = (
    CONF_GRID_IMPORT,
    CONF_GRID_EXPORT,
    CONF_GRID_POWER,
    CONF_GRID_TARIFF,
    CONF_DEMAND_CURRENT_QUARTER,
    CONF_DEMAND_MONTH_PEAK,
)
SOLAR_FIELDS = (
    CONF_PV_ENERGY,
    CONF_PV_POWER,
    CONF_BATTERY_CHARGE,
    CONF_BATTERY_DISCHARGE,
    CONF_BATTERY_POWER,
    CONF_GAS,
)
_CONVERTERS: dict[str, type[BaseUnitConverter]] = {
    CONF_GRID_IMPORT: EnergyConverter,
    CONF_GRID_EXPORT: EnergyConverter,
    CONF_PV_ENERGY: EnergyConverter,
    CONF_BATTERY_CHARGE: EnergyConverter,
    CONF_BATTERY_DISCHARGE: EnergyConverter,
    CONF_GRID_POWER: PowerConverter,
    CONF_PV_POWER: PowerConverter,
    CONF_BATTERY_POWER: PowerConverter,
    CONF_DEMAND_CURRENT_QUARTER: PowerConverter,
    CONF_DEMAND_MONTH_PEAK: PowerConverter,
    CONF_GAS: VolumeConverter,
}
_GRID_PREFILL: dict[str, Key] = {
    CONF_GRID_POWER: Key.GRID_POWER,
    CONF_GRID_TARIFF: Key.GRID_TARIFF,
    CONF_DEMAND_CURRENT_QUARTER: Key.DEMAND_CURRENT_QUARTER,
    CONF_DEMAND_MONTH_PEAK: Key.DEMAND_MONTH_PEAK,
}
"""The grid meter's entities that pre-fill a field, by unique-ID suffix."""
_SOLAR_PREFILL: dict[str, Key] = {
    CONF_PV_ENERGY: Key.PV_ELEC_PROD,
    CONF_PV_POWER: Key.PV_POWER,
}
"""Energy Monitor entities (any device) that pre-fill a field."""
_REGISTERS: dict[str, tuple[Key, tuple[Key, ...]]] = {
    CONF_GRID_IMPORT: (
        Key.GRID_ELEC_IMPORT,
        (Key.GRID_ELEC_IMPORT_T1, Key.GRID_ELEC_IMPORT_T2),
    ),
    CONF_GRID_EXPORT: (
        Key.GRID_ELEC_EXPORT,
        (Key.GRID_ELEC_EXPORT_T1, Key.GRID_ELEC_EXPORT_T2),
    ),
}
"""Import and export are pre-filled per register, else with the total."""


def suggested_inputs(hass: HomeAssistant, meter: GridMeter | None) -> dict[str, Any]:
    """Return the inputs Energy Monitor's own sources can fill in.

    The grid fields all come from one grid meter; gas preferably from the
    same source (a P1 meter's gas meter), solar from any device.
    """
    suggested: dict[str, Any] = {}
    grid = meter.sensors if meter is not None else {}
    for field, (total, registers) in _REGISTERS.items():
        if all(key in grid for key in registers):
            suggested[field] = [grid[key] for key in registers]
        elif total in grid:
            suggested[field] = [grid[total]]
    for field, key in _GRID_PREFILL.items():
        if key in grid:
            suggested[field] = grid[key]
    found = sensors_by_key(hass, exclude=SOURCE)
    for field, key in _SOLAR_PREFILL.items():
        if key in found:
            suggested[field] = found[key]
    if gas := found.get(Key.GRID_GAS_IMPORT):
        registry = er.async_get(hass)
        same_source = [
            entity_id
            for entity_id in gas
            if meter is not None
            and (entity := registry.async_get(entity_id)) is not None
            and entity.config_entry_id == meter.entry_id
        ]
        suggested[CONF_GAS] = (same_source or gas)[0]
    return suggested


def _validate_inputs(
    hass: HomeAssistant,
    user_input: Mapping[str, Any],
    fields: Iterable[str],
    used: set[str],
) -> dict[str, str]:
    """Check that the chosen entities fit and are not used twice.

    An entity without a state yet (its integration not loaded) is accepted:
    the site shows its figures as unavailable until it reports. A counter
    without a unit is taken to be in kWh (m³ for gas).
    """
    errors: dict[str, str] = {}
    for field in fields:
        converter = _CONVERTERS.get(field)
        for entity_id in entity_list(user_input.get(field)):
            state = hass.states.get(entity_id)
            unit = (
                None
                if state is None
                else state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)
            )
            if entity_id in used:
                errors[field] = "duplicate_entity"
            elif converter is not None and unit not in {None, *converter.VALID_UNITS}:
                errors[field] = "invalid_unit"
            used.add(entity_id)
    return errors


def _clean(user_input: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """Return the chosen inputs, dropping empty optional fields."""
    result: dict[str, Any] = {}
    for field in fields:
        value = user_input.get(field)
        if field in LIST_INPUTS:
            if entity_ids := entity_list(value):
                result[field] = entity_ids
        elif value:
            result[field] = value
    return result


class SiteConfigFlow(ConfigFlow):
    """The energy site steps of Energy Monitor's setup wizard."""

    def __init__(self) -> None:
        """Start without any site settings."""
        super().__init__()
        self._site_data: dict[str, Any] = {}
        self._site_name = DEFAULT_NAME
        self._site_meter: GridMeter | None = None
        self._site_meters: list[GridMeter] | None = None

    async def async_step_site(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the grid meter's entities (first which meter, if several)."""
        errors: dict[str, str] = {}
        if self._site_meters is None and self.source != SOURCE_RECONFIGURE:
            self._site_meters = grid_meters(self.hass, exclude=SOURCE)
            if len(self._site_meters) > 1:
                return await self.async_step_site_meter()
            self._site_meter = next(iter(self._site_meters), None)
        if user_input is not None:
            errors = _validate_inputs(self.hass, user_input, GRID_FIELDS, set())
            grid = _clean(user_input, GRID_FIELDS)
            if CONF_GRID_IMPORT not in grid:
                errors[CONF_GRID_IMPORT] = "import_required"
            if not errors and self.source != SOURCE_RECONFIGURE:
                for entry in self._async_current_entries(include_ignore=False):
                    if entry.data.get(CONF_GRID_IMPORT) == grid[CONF_GRID_IMPORT]:
                        return self.async_abort(reason="site_already_configured")
            if not errors:
                self._site_name = user_input[CONF_NAME]
                solar = {k: v for k, v in self._site_data.items() if k in SOLAR_FIELDS}
                self._site_data = {CONF_SOURCE: SOURCE, **grid, **solar}
                return await self.async_step_site_solar()
        if user_input is not None:
            suggested: Mapping[str, Any] = user_input
        elif self.source == SOURCE_RECONFIGURE:
            suggested = {**self._site_data, CONF_NAME: self._site_name}
        else:
            suggested = suggested_inputs(self.hass, self._site_meter)
            self._site_data = {k: v for k, v in suggested.items() if k in SOLAR_FIELDS}
        return self.async_show_form(
            step_id="site",
            data_schema=self.add_suggested_values_to_schema(GRID_SCHEMA, suggested),
            errors=errors,
        )

    async def async_step_site_meter(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask which of several grid meters fills in the site's entities."""
        meters = self._site_meters or []
        if user_input is not None:
            self._site_meter = next(
                meter for meter in meters if meter.meter_id == user_input[CONF_METER]
            )
            return await self.async_step_site()
        return self.async_show_form(
            step_id="site_meter", data_schema=grid_meter_schema(meters)
        )

    async def async_step_site_solar(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for PV, battery and gas entities (all optional)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            used = {
                entity_id
                for field in GRID_FIELDS
                for entity_id in entity_list(self._site_data.get(field))
            }
            errors = _validate_inputs(self.hass, user_input, SOLAR_FIELDS, used)
            if not errors and bool(user_input.get(CONF_BATTERY_CHARGE)) != bool(
                user_input.get(CONF_BATTERY_DISCHARGE)
            ):
                errors["base"] = "battery_pair"
            if not errors:
                grid = {
                    k: v for k, v in self._site_data.items() if k not in SOLAR_FIELDS
                }
                self._site_data = {**grid, **_clean(user_input, SOLAR_FIELDS)}
                if self.source == SOURCE_RECONFIGURE:
                    return self.async_update_reload_and_abort(
                        self._get_reconfigure_entry(),
                        title=self._site_name,
                        data=self._site_data,
                        reason="site_reconfigured",
                    )
                return await self.async_step_site_tariff()
        suggested = user_input if user_input is not None else self._site_data
        return self.async_show_form(
            step_id="site_solar",
            data_schema=self.add_suggested_values_to_schema(SOLAR_SCHEMA, suggested),
            errors=errors,
        )

    async def async_step_site_tariff(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for simple prices to start with (refined in the options)."""
        currency = self.hass.config.currency
        if user_input is not None:
            version = TariffVersion(
                import_price=Price(rate=user_input[CONF_IMPORT_RATE]),
                export_price=Price(rate=user_input.get(CONF_EXPORT_RATE, 0.0)),
                gas_price=Price(rate=user_input.get(CONF_GAS_RATE, 0.0)),
                standing_charge=user_input[CONF_STANDING_CHARGE],
                capacity_rate=user_input[CONF_CAPACITY_RATE],
            )
            return self.async_create_entry(
                title=self._site_name,
                data=self._site_data,
                options={CONF_TARIFFS: dump_tariffs([version])},
            )
        fields: dict[Any, Any] = {
            vol.Required(CONF_IMPORT_RATE, default=0.0): number_box(f"{currency}/kWh"),
        }
        if CONF_GRID_EXPORT in self._site_data:
            fields[vol.Required(CONF_EXPORT_RATE, default=0.0)] = number_box(
                f"{currency}/kWh"
            )
        if CONF_GAS in self._site_data:
            fields[vol.Required(CONF_GAS_RATE, default=0.0)] = number_box(
                f"{currency}/m³"
            )
        fields[vol.Required(CONF_STANDING_CHARGE, default=0.0)] = number_box(
            f"{currency}/d", minimum=0
        )
        fields[vol.Required(CONF_CAPACITY_RATE, default=0.0)] = number_box(
            f"{currency}/kW/y", minimum=0
        )
        return self.async_show_form(
            step_id="site_tariff",
            data_schema=vol.Schema(fields),
            description_placeholders={"currency": currency},
        )

    async def async_step_site_reconfigure(self) -> ConfigFlowResult:
        """Start changing the entities of an existing site."""
        entry = self._get_reconfigure_entry()
        self._site_data = dict(entry.data)
        self._site_name = entry.title
        return await self.async_step_site()


class SiteOptionsFlow(OptionsFlowWithReload):
    """Tariffs of an energy site; every change edits the newest version."""

    def __init__(self) -> None:
        """Start editing the entry's tariffs."""
        super().__init__()
        self._direction = Direction.IMPORT

    @property
    def _versions(self) -> tuple[TariffVersion, ...]:
        """Return the entry's tariff versions (unreadable ones: start anew)."""
        try:
            return site_tariffs(self.config_entry.options)
        except TariffError:
            return (TariffVersion(),)

    @property
    def _newest(self) -> TariffVersion:
        """Return the version the options edit."""
        return self._versions[-1]

    def _placeholders(self) -> dict[str, str]:
        """Return the currency and the start of the edited version.

        The first version has no start day: it applies since the site was
        set up.
        """
        start = (
            self._newest.valid_from
            or dt_util.as_local(self.config_entry.created_at).date()
        )
        return {
            "currency": self.hass.config.currency,
            "valid_from": start.isoformat(),
            "direction": self._direction.value,
        }

    def _save(self, version: TariffVersion) -> ConfigFlowResult:
        """Store the edited newest version."""
        versions = [*self._versions[:-1], version]
        return self.async_create_entry(
            data={**self.config_entry.options, CONF_TARIFFS: dump_tariffs(versions)}
        )

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show what can be changed."""
        return await self.async_step_site_options()

    async def async_step_site_options(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer the prices, the charges and a new tariff version."""
        data = self.config_entry.data
        menu = ["site_import_price"]
        if CONF_GRID_EXPORT in data:
            menu.append("site_export_price")
        if CONF_GAS in data:
            menu.append("site_gas_price")
        menu += ["site_charges", "site_new_version"]
        if CONF_GRID_POWER in data:
            # Insights start from a power input (then another may be chosen).
            menu.append("site_insights")
        return self.async_show_menu(
            step_id="site_options",
            menu_options=menu,
            description_placeholders=self._placeholders(),
        )

    async def async_step_site_import_price(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose how the grid import price is determined."""
        return await self._async_mode("site_import_price", Direction.IMPORT, user_input)

    async def async_step_site_export_price(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose how the export compensation is determined."""
        return await self._async_mode("site_export_price", Direction.EXPORT, user_input)

    async def async_step_site_gas_price(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose how the gas price is determined."""
        return await self._async_mode("site_gas_price", Direction.GAS, user_input)

    async def _async_mode(
        self, step_id: str, direction: Direction, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """Ask for the price mode, then for the mode's settings."""
        self._direction = direction
        if user_input is not None:
            steps = {
                PriceMode.FIXED: self.async_step_site_price_fixed,
                PriceMode.REGISTERS: self.async_step_site_price_registers,
                PriceMode.SCHEDULE: self.async_step_site_price_schedule,
                PriceMode.ENTITY: self.async_step_site_price_entity,
            }
            return await steps[PriceMode(user_input[CONF_MODE])]()
        modes = [mode.value for mode in PriceMode]
        if direction is Direction.GAS:
            modes.remove(PriceMode.REGISTERS.value)
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_MODE, default=self._newest.price(direction).mode.value
                ): SelectSelector(
                    SelectSelectorConfig(
                        options=modes,
                        mode=SelectSelectorMode.LIST,
                        translation_key="site_price_mode",
                    )
                )
            }
        )
        return self.async_show_form(
            step_id=step_id,
            data_schema=schema,
            description_placeholders=self._placeholders(),
        )

    def _current(self, mode: PriceMode) -> Price | None:
        """Return the edited price if it already uses ``mode``."""
        price = self._newest.price(self._direction)
        return price if price.mode is mode else None

    def _price_form(
        self,
        step_id: str,
        schema: vol.Schema,
        suggested: Mapping[str, Any],
        errors: dict[str, str],
        detail: str = "",
    ) -> ConfigFlowResult:
        """Show a price form with the current values suggested."""
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, suggested),
            errors=errors,
            description_placeholders={**self._placeholders(), "detail": detail},
        )

    def _unit(self) -> str:
        """Return the unit of the edited price."""
        per = "m³" if self._direction is Direction.GAS else "kWh"
        return f"{self.hass.config.currency}/{per}"

    async def async_step_site_price_fixed(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for one rate."""
        if user_input is not None:
            price = Price(PriceMode.FIXED, rate=user_input[CONF_RATE])
            return self._save(self._newest.with_price(self._direction, price))
        current = self._current(PriceMode.FIXED)
        schema = vol.Schema({vol.Required(CONF_RATE): number_box(self._unit())})
        suggested = {CONF_RATE: current.rate} if current else {}
        return self._price_form("site_price_fixed", schema, suggested, {})

    def _register_count(self) -> int:
        """Return how many registers the site's counters have (at least 2)."""
        data = self.config_entry.data
        return max(
            2,
            len(entity_list(data.get(CONF_GRID_IMPORT))),
            len(entity_list(data.get(CONF_GRID_EXPORT))),
        )

    async def async_step_site_price_registers(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for a rate per register and, optionally, a register schedule."""
        count = self._register_count()
        errors: dict[str, str] = {}
        detail = ""
        if user_input is not None:
            try:
                rows, default = parse_text(user_input.get(CONF_SCHEDULE) or "")
                price = Price(
                    PriceMode.REGISTERS,
                    register_rates={
                        n: float(user_input[f"{CONF_RATE}_{n}"])
                        for n in range(1, count + 1)
                    },
                    rows=rows,
                    default=default,
                )
                Price.from_dict(price.to_dict())
            except TariffError as err:
                errors[CONF_SCHEDULE] = _schedule_error(err)
                detail = err.detail
            else:
                inputs = site_inputs(self.config_entry.data)
                registered = any(spec.register for spec in inputs.counters)
                if not rows and not registered and inputs.register_entity is None:
                    errors["base"] = "register_source_required"
                else:
                    return self._save(self._newest.with_price(self._direction, price))
        current = self._current(PriceMode.REGISTERS)
        fields: dict[Any, Any] = {
            vol.Required(f"{CONF_RATE}_{n}"): number_box(self._unit())
            for n in range(1, count + 1)
        }
        fields[vol.Optional(CONF_SCHEDULE)] = TextSelector(
            TextSelectorConfig(multiline=True)
        )
        suggested: Mapping[str, Any] = user_input or (
            {
                **{
                    f"{CONF_RATE}_{n}": rate
                    for n, rate in current.register_rates.items()
                },
                CONF_SCHEDULE: format_text(current.rows, current.default),
            }
            if current
            else {}
        )
        return self._price_form(
            "site_price_registers", vol.Schema(fields), suggested, errors, detail
        )

    async def async_step_site_price_schedule(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for time-of-use rows, one per line."""
        errors: dict[str, str] = {}
        detail = ""
        if user_input is not None:
            try:
                rows, default = parse_text(user_input[CONF_SCHEDULE])
                price = Price(PriceMode.SCHEDULE, rows=rows, default=default)
                Price.from_dict(price.to_dict())
            except TariffError as err:
                errors[CONF_SCHEDULE] = _schedule_error(err)
                detail = err.detail
            else:
                return self._save(self._newest.with_price(self._direction, price))
        current = self._current(PriceMode.SCHEDULE)
        schema = vol.Schema(
            {
                vol.Required(CONF_SCHEDULE): TextSelector(
                    TextSelectorConfig(multiline=True)
                )
            }
        )
        suggested: Mapping[str, Any] = user_input or (
            {CONF_SCHEDULE: format_text(current.rows, current.default)}
            if current
            else {}
        )
        return self._price_form(
            "site_price_schedule", schema, suggested, errors, detail
        )

    async def async_step_site_price_entity(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the entity with the dynamic price, a markup and a multiplier."""
        if user_input is not None:
            price = Price(
                PriceMode.ENTITY,
                entity_id=user_input[CONF_ENTITY],
                markup=user_input[CONF_MARKUP],
                multiplier=user_input[CONF_MULTIPLIER],
            )
            return self._save(self._newest.with_price(self._direction, price))
        current = self._current(PriceMode.ENTITY)
        schema = vol.Schema(
            {
                vol.Required(CONF_ENTITY): EntitySelector(
                    EntitySelectorConfig(domain=["sensor", "input_number", "number"])
                ),
                vol.Required(CONF_MARKUP, default=0.0): number_box(self._unit()),
                vol.Required(CONF_MULTIPLIER, default=1.0): number_box(),
            }
        )
        suggested = (
            {
                CONF_ENTITY: current.entity_id,
                CONF_MARKUP: current.markup,
                CONF_MULTIPLIER: current.multiplier,
            }
            if current
            else {}
        )
        return self._price_form("site_price_entity", schema, suggested, {})

    async def async_step_site_insights(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the insights' power and temperature entities and base."""
        options = dict(self.config_entry.options)
        if user_input is not None:
            for field in (CONF_INSIGHT_POWER, CONF_INSIGHT_TEMPERATURE):
                options.pop(field, None)
                if user_input.get(field):
                    options[field] = user_input[field]
            options[CONF_HEATING_BASE] = user_input[CONF_HEATING_BASE]
            return self.async_create_entry(data=options)
        schema = vol.Schema(
            {
                vol.Optional(CONF_INSIGHT_POWER): _entities("power"),
                vol.Optional(CONF_INSIGHT_TEMPERATURE): _entities("temperature"),
                vol.Required(
                    CONF_HEATING_BASE, default=DEFAULT_HEATING_BASE
                ): number_box("°C", minimum=-20, maximum=30),
            }
        )
        return self.async_show_form(
            step_id="site_insights",
            data_schema=self.add_suggested_values_to_schema(schema, options),
        )

    async def async_step_site_charges(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the fixed charges per day and the capacity tariff."""
        version = self._newest
        if user_input is not None:
            return self._save(
                replace(
                    version,
                    standing_charge=user_input[CONF_STANDING_CHARGE],
                    capacity_rate=user_input[CONF_CAPACITY_RATE],
                    capacity_minimum=user_input[CONF_CAPACITY_MINIMUM],
                )
            )
        currency = self.hass.config.currency
        schema = vol.Schema(
            {
                vol.Required(CONF_STANDING_CHARGE): number_box(
                    f"{currency}/d", minimum=0
                ),
                vol.Required(CONF_CAPACITY_RATE): number_box(
                    f"{currency}/kW/y", minimum=0
                ),
                vol.Required(CONF_CAPACITY_MINIMUM): number_box("kW", minimum=0),
            }
        )
        suggested = {
            CONF_STANDING_CHARGE: version.standing_charge,
            CONF_CAPACITY_RATE: version.capacity_rate,
            CONF_CAPACITY_MINIMUM: version.capacity_minimum,
        }
        return self._price_form("site_charges", schema, suggested, {})

    async def async_step_site_new_version(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Start a new tariff version (a new contract) from a day on."""
        errors: dict[str, str] = {}
        if user_input is not None:
            day = date.fromisoformat(user_input[CONF_VALID_FROM])
            start = self._newest.valid_from
            if start is not None and day <= start:
                errors[CONF_VALID_FROM] = "version_too_early"
            else:
                versions, _ = start_version(self._versions, day)
                return self.async_create_entry(
                    data={
                        **self.config_entry.options,
                        CONF_TARIFFS: dump_tariffs(versions),
                    }
                )
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_VALID_FROM, default=dt_util.now().date().isoformat()
                ): DateSelector()
            }
        )
        return self.async_show_form(
            step_id="site_new_version",
            data_schema=schema,
            errors=errors,
            description_placeholders=self._placeholders(),
        )


def _schedule_error(err: TariffError) -> str:
    """Return the form error of a schedule that could not be read."""
    if err.code in ("schedule_gap", "invalid_registers"):
        return err.code
    return "invalid_schedule"
