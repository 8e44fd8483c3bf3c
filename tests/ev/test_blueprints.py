"""The shipped automation blueprints load and drive a real relay."""

from pathlib import Path
import shutil

from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint import models
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict
import pytest

from tests.ev.helpers import RELAY, set_up_relay

BLUEPRINTS = Path(__file__).parents[2] / "blueprints" / "automation" / "energy_monitor"


@pytest.mark.parametrize(
    "path", sorted(BLUEPRINTS.glob("*.yaml")), ids=lambda p: p.name
)
def test_blueprint_is_valid(path: Path) -> None:
    """HA's blueprint loader accepts each blueprint."""
    blueprint = models.Blueprint(
        load_yaml_dict(path),
        expected_domain="automation",
        schema=AUTOMATION_BLUEPRINT_SCHEMA,
    )
    assert blueprint.name
    assert blueprint.metadata["source_url"].endswith(path.name)


@pytest.fixture
async def blueprint_config(hass: HomeAssistant, tmp_path: Path) -> None:
    """Install the blueprints where Home Assistant looks for them."""
    hass.config.config_dir = str(tmp_path)
    target = tmp_path / "blueprints" / "automation" / "energy_monitor"
    shutil.copytree(BLUEPRINTS, target)
    assert await async_setup_component(hass, "homeassistant", {})
    await set_up_relay(hass)


async def use_blueprint(hass: HomeAssistant, name: str, **inputs: object) -> None:
    """Set up an automation from one of the blueprints."""
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "use_blueprint": {
                    "path": f"energy_monitor/{name}",
                    "input": {**inputs, "relay": RELAY},
                }
            }
        },
    )


def relay(hass: HomeAssistant) -> str:
    """Return the relay's state."""
    state = hass.states.get(RELAY)
    assert state is not None
    return state.state


@pytest.mark.usefixtures("blueprint_config")
async def test_follow_charge_recommendation(hass: HomeAssistant) -> None:
    """The relay follows the charge-recommended sensor."""
    recommendation = "binary_sensor.ev_charger_charge_recommended"
    hass.states.async_set(recommendation, "off")
    await use_blueprint(
        hass, "follow_charge_recommendation.yaml", recommendation=recommendation
    )
    hass.states.async_set(recommendation, "on")
    await hass.async_block_till_done()
    assert relay(hass) == "on"
    hass.states.async_set(recommendation, "unknown")
    await hass.async_block_till_done()
    assert relay(hass) == "on"
    hass.states.async_set(recommendation, "off")
    await hass.async_block_till_done()
    assert relay(hass) == "off"


@pytest.mark.usefixtures("blueprint_config")
async def test_charge_in_cheap_hours(hass: HomeAssistant) -> None:
    """The relay is on while the price is at or below the limit."""
    price = "sensor.import_price"
    hass.states.async_set(price, "0.30")
    await use_blueprint(hass, "charge_in_cheap_hours.yaml", price=price, max_price=0.12)
    hass.states.async_set(price, "0.10")
    await hass.async_block_till_done()
    assert relay(hass) == "on"
    hass.states.async_set(price, "unavailable")
    await hass.async_block_till_done()
    assert relay(hass) == "on"
    hass.states.async_set(price, "0.25")
    await hass.async_block_till_done()
    assert relay(hass) == "off"
