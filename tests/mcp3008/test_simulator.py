"""The development instance's simulated ADC, added as the dev helper does."""

import math
from unittest.mock import patch

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.energy_monitor.const import DOMAIN
from custom_components.energy_monitor.lib.mcp3008.spi import OS_IO
from custom_components.energy_monitor.sources.mcp3008.connection import SPI_IO
from simulators.mcp3008 import DEV, FakeSpiIo
from tests.common import state_for


async def test_dev_device_walks_the_wizard(hass: HomeAssistant) -> None:
    """Without SPI hardware the household chip is served, and its CT reports."""
    assert DEV.in_process is not None
    with patch.object(type(OS_IO), "devices", return_value=[]):
        await DEV.in_process(hass)
    assert isinstance(hass.data[SPI_IO], FakeSpiIo)
    (device,) = DEV.devices
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "user"}
    )
    for answers in device.wizard:
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], answers
        )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    # 2 A lagging 10° plus the kettle's 8.7 A in phase, and the base load's
    # 15 % 3rd and 5 % 5th harmonic.
    lag = math.radians(10)
    fundamental = math.hypot(2.0 * math.cos(lag) + 8.7, 2.0 * math.sin(lag))
    household = math.sqrt(fundamental**2 + (2.0 * 0.15) ** 2 + (2.0 * 0.05) ** 2)
    current = float(state_for(hass, "circuit_current_rms").state)
    assert current == pytest.approx(household, rel=0.05)
    assert float(state_for(hass, "circuit_power").state) == pytest.approx(
        current * 230, rel=0.001
    )


async def test_real_hardware_is_left_alone(hass: HomeAssistant) -> None:
    """With a spidev node on the machine, the dev instance uses it."""
    assert DEV.in_process is not None
    with patch.object(type(OS_IO), "devices", return_value=["/dev/spidev0.0"]):
        await DEV.in_process(hass)
    assert SPI_IO not in hass.data
