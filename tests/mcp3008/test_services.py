"""The calibrate_channel action: fit a CT's gain to a known load or a meter."""

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_monitor.const import DOMAIN
from simulators.mcp3008 import FakeSpiIo
from tests.common import entity_id_by_unique_id
from tests.mcp3008.helpers import (
    CHANNELS,
    ENTRY_ID,
    GRID_CT,
    KITCHEN_CT,
    MAINS,
    PATH,
    set_up,
)


async def _calibrate(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    """Run the action on the board's entry and return its response."""
    response = await hass.services.async_call(
        DOMAIN,
        "calibrate_channel",
        {"config_entry_id": ENTRY_ID, **data},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return dict(response)


async def test_calibrate_with_known_amps(hass: HomeAssistant, spi: FakeSpiIo) -> None:
    """A CT reading 10 % high is fitted to the known 5 A, stored and shown."""
    await set_up(hass, [{**KITCHEN_CT, "gain": 1.1}])
    response = await _calibrate(hass, channel=2, amps=5.0)
    assert response["quantity"] == "current"
    assert response["gain_before"] == 1.1
    assert response["gain_after"] == pytest.approx(1.0, rel=0.002)
    assert response["error_before_percent"] == pytest.approx(10.0, abs=0.3)
    assert abs(response["error_after_percent"]) < 0.3
    entry = hass.config_entries.async_get_entry(ENTRY_ID)
    assert entry is not None
    assert entry.options["channels"][0]["gain"] == pytest.approx(1.0, rel=0.002)


async def test_calibrate_against_a_reference_entity(
    hass: HomeAssistant, spi: FakeSpiIo
) -> None:
    """A reference meter's power in kW fits the paired grid CT's real power."""
    await set_up(hass, [{**GRID_CT, "gain": 0.9}, MAINS])
    hass.states.async_set("sensor.p1_power_l1", "1.9919", {"unit_of_measurement": "kW"})
    response = await _calibrate(
        hass, channel=0, reference_entity_id="sensor.p1_power_l1"
    )
    assert response["quantity"] == "power"
    assert response["error_before_percent"] == pytest.approx(-10.0, abs=0.5)
    assert abs(response["error_after_percent"]) < 0.5
    response = await _calibrate(hass, channel=0, watts=1991.9)
    assert abs(response["error_before_percent"]) < 0.5


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"channel": 1, "amps": 5.0}, "mcp3008_not_a_ct"),
        ({"channel": 2}, "mcp3008_one_reference"),
        ({"channel": 2, "amps": 5.0, "watts": 1150.0}, "mcp3008_one_reference"),
        (
            {"channel": 2, "reference_entity_id": "sensor.missing"},
            "mcp3008_reference_unusable",
        ),
        (
            {"channel": 2, "reference_entity_id": "sensor.text"},
            "mcp3008_reference_unusable",
        ),
        (
            {"channel": 2, "reference_entity_id": "sensor.off"},
            "mcp3008_reference_unusable",
        ),
        ({"channel": 4, "amps": 5.0}, "mcp3008_nothing_measured"),
    ],
)
async def test_calibration_errors(
    hass: HomeAssistant, spi: FakeSpiIo, data: dict[str, Any], key: str
) -> None:
    """Every mistake is explained, and nothing is stored."""
    quiet = {**KITCHEN_CT, "channel": 4, "name": "Spare"}
    await set_up(hass, [*CHANNELS, quiet])
    hass.states.async_set("sensor.text", "on", {"unit_of_measurement": "W"})
    hass.states.async_set("sensor.off", "0", {"unit_of_measurement": "W"})
    spi.chips[PATH].inputs[4] = lambda _t: 1.65  # bias only: no current
    with pytest.raises(ServiceValidationError) as raised:
        await _calibrate(hass, **data)
    assert raised.value.translation_key == key
    entry = hass.config_entries.async_get_entry(ENTRY_ID)
    assert entry is not None
    assert entry.options["channels"][2] == KITCHEN_CT


async def test_calibration_needs_a_loaded_adc(
    hass: HomeAssistant, spi: FakeSpiIo
) -> None:
    """Another source's entry, an unloaded ADC, or a lost device: explained."""
    await set_up(hass)
    other = MockConfigEntry(domain=DOMAIN, data={"source": "site"})
    other.add_to_hass(hass)
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN,
            "calibrate_channel",
            {"config_entry_id": other.entry_id, "channel": 2, "amps": 5.0},
            blocking=True,
            return_response=True,
        )
    assert raised.value.translation_key == "not_an_mcp3008"
    spi.broken.add(PATH)
    with pytest.raises(HomeAssistantError) as failed:
        await _calibrate(hass, channel=2, amps=5.0)
    assert failed.value.translation_key == "mcp3008_read_failed"
    spi.broken.clear()
    assert await hass.config_entries.async_unload(ENTRY_ID)
    with pytest.raises(ServiceValidationError) as raised:
        await _calibrate(hass, channel=2, amps=5.0)
    assert raised.value.translation_key == "mcp3008_not_loaded"
    assert entity_id_by_unique_id(hass, f"{ENTRY_ID}_ch2_circuit_power")
