"""Helpers for EV charger tests: a house with an input_boolean relay."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.energy_monitor.const import DOMAIN
from custom_components.energy_monitor.storage import entry_store_key
from tests.common import state_for

RELAY = "input_boolean.charger"
GRID = "sensor.grid_power"
PRICE = "sensor.price"
QUARTER = "sensor.quarter_demand"
PEAK = "sensor.month_peak"


async def set_up_relay(hass: HomeAssistant) -> None:
    """Create the input_boolean that plays the charger's relay."""
    assert await async_setup_component(
        hass, "input_boolean", {"input_boolean": {"charger": {"name": "Charger"}}}
    )


def set_grid(hass: HomeAssistant, watts: float, unit: str = "W") -> None:
    """Report the grid power (+ import / - export)."""
    hass.states.async_set(
        GRID, str(watts), {"unit_of_measurement": unit, "device_class": "power"}
    )


async def set_up_charger(hass: HomeAssistant, **data: Any) -> MockConfigEntry:
    """Add an EV charger entry (see :func:`ev_entry`) and set it up."""
    entry = ev_entry(**data)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


def ev_entry(**data: Any) -> MockConfigEntry:
    """Return an EV charger entry for the test relay and grid sensor."""
    options = data.pop("options", {})
    return MockConfigEntry(
        domain=DOMAIN,
        title="EV charger",
        unique_id=RELAY,
        data={
            "source": "ev_charger",
            "relay_entity": RELAY,
            "grid_power_entity": GRID,
            "charger_power": 1400,
            **data,
        },
        options=options,
    )


class House:
    """Plays a grid-power trace through Home Assistant, 10 s at a time."""

    def __init__(self, hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
        """Start with 2 kW of solar surplus."""
        self.hass = hass
        self.freezer = freezer
        self.household = -2000.0
        self.charger = 1400.0
        self.reporting = True

    def relay_on(self) -> bool:
        """Return whether the relay is on."""
        state = self.hass.states.get(RELAY)
        return state is not None and state.state == "on"

    async def run(self, seconds: float) -> None:
        """Advance time; the meter reports every 10 s (unless stopped)."""
        for _ in range(int(seconds // 10)):
            self.freezer.tick(timedelta(seconds=10))
            if self.reporting:
                grid = self.household + (self.charger if self.relay_on() else 0.0)
                set_grid(self.hass, grid)
            async_fire_time_changed(self.hass)
            await self.hass.async_block_till_done()


async def select(hass: HomeAssistant, key: str, option: str) -> None:
    """Choose an option of the EV charger's select."""
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": state_for(hass, key).entity_id, "option": option},
        blocking=True,
    )


async def set_number(hass: HomeAssistant, key: str, value: float) -> None:
    """Set one of the EV charger's numbers."""
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": state_for(hass, key).entity_id, "value": value},
        blocking=True,
    )


async def restart_with_stored(
    hass: HomeAssistant,
    hass_storage: dict[str, dict[str, object]],
    entry: MockConfigEntry,
    edit: Callable[[dict[str, Any]], object],
) -> None:
    """Unload the charger, let ``edit`` change its stored document, set it up again.

    ``edit`` changes the document in place, or returns what replaces it.
    """
    assert await hass.config_entries.async_unload(entry.entry_id)
    record = hass_storage[entry_store_key(entry)]
    document = record["data"]
    assert isinstance(document, dict)
    replacement = edit(document)
    if replacement is not None:
        record["data"] = replacement
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
