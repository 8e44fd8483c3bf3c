"""Fixtures of the EV charger tests: a house with a relay and a grid meter."""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from tests.ev.helpers import House, set_grid, set_up_charger, set_up_relay


@pytest.fixture
async def house(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> House:
    """A sunny noon, an input_boolean relay and a loaded EV charger entry."""
    await hass.config.async_set_time_zone("Europe/Brussels")
    freezer.move_to("2026-06-15 10:00:00+00:00")
    await set_up_relay(hass)
    set_grid(hass, -2000)
    await set_up_charger(hass)
    return House(hass, freezer)
