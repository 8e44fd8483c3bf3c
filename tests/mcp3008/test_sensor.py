"""What the user sees of the board: values, energy across restarts, clipping."""

import math

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.energy_monitor.const import DOMAIN
from custom_components.energy_monitor.sources.mcp3008.connection import SPI_IO
from simulators.mcp3008 import FakeSpiIo
from tests.common import entity_id_by_unique_id
from tests.mcp3008.helpers import (
    ENTRY_ID,
    KITCHEN_CT,
    PATH,
    board,
    current,
    next_report,
    set_up,
)

GRID_POWER = 230 * 10 * math.cos(math.radians(30))


def _value(hass: HomeAssistant, channel: int, key: str) -> str:
    """Return the state of a channel's sensor of ``key``."""
    state = hass.states.get(
        entity_id_by_unique_id(hass, f"{ENTRY_ID}_ch{channel}_{key}")
    )
    assert state is not None
    return state.state


async def test_values(hass: HomeAssistant, spi: FakeSpiIo) -> None:
    """Current, signed power, power factor, voltage and a DC value, as wired."""
    await set_up(hass)
    assert float(_value(hass, 0, "circuit_current_rms")) == pytest.approx(
        10.0, rel=0.01
    )
    assert float(_value(hass, 0, "grid_power")) == pytest.approx(GRID_POWER, rel=0.01)
    assert float(_value(hass, 0, "power_factor")) == pytest.approx(0.866, abs=0.01)
    assert float(_value(hass, 1, "circuit_voltage_rms")) == pytest.approx(230, rel=0.01)
    assert float(_value(hass, 2, "circuit_current_rms")) == pytest.approx(5.0, rel=0.01)
    assert float(_value(hass, 2, "circuit_power")) == pytest.approx(1150, rel=0.01)
    assert float(_value(hass, 3, "analog_value")) == pytest.approx(75.0, abs=0.1)
    assert _value(hass, 0, "grid_elec_import") == "0.0"
    assert _value(hass, 0, "grid_elec_export") == "0.0"
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), ENTRY_ID)
    assert sorted(d.name or "" for d in devices) == [
        "Boiler temperature",
        "Kitchen",
        "MCP3208 on SPI 0.0",
        "Mains",
        "Mains voltage",
    ]


@pytest.mark.usefixtures("write_every_change")
async def test_energy_over_a_restart(
    hass: HomeAssistant, spi: FakeSpiIo, freezer: FrozenDateTimeFactory
) -> None:
    """Energy integrates the power, survives a restart and never goes back."""
    entry = await set_up(hass)
    for _ in range(12):
        await next_report(hass, freezer)
    one_minute = GRID_POWER / 60 / 1000
    before = float(_value(hass, 0, "grid_elec_import"))
    assert before == pytest.approx(one_minute, rel=0.01)
    assert float(_value(hass, 2, "meter_elec_import")) == pytest.approx(
        1150 / 60 / 1000, rel=0.01
    )

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert float(_value(hass, 0, "grid_elec_import")) == pytest.approx(before)
    await next_report(hass, freezer)
    assert float(_value(hass, 0, "grid_elec_import")) > before

    # Export: the current turns around (PV feeding back); import stays put.
    spi.chips[PATH].inputs[0] = current(10.0, 180.0)
    await next_report(hass, freezer)
    imported = float(_value(hass, 0, "grid_elec_import"))
    for _ in range(12):
        await next_report(hass, freezer)
    assert float(_value(hass, 0, "grid_power")) == pytest.approx(-2300, rel=0.01)
    assert float(_value(hass, 0, "grid_elec_import")) == imported
    assert float(_value(hass, 0, "grid_elec_export")) > 2300 / 60 / 1000 * 0.9


@pytest.mark.usefixtures("write_every_change")
async def test_no_energy_across_an_outage(
    hass: HomeAssistant, spi: FakeSpiIo, freezer: FrozenDateTimeFactory
) -> None:
    """A device that stops answering: unavailable, and no energy is invented."""
    await set_up(hass)
    await next_report(hass, freezer)
    before = float(_value(hass, 2, "meter_elec_import"))
    spi.broken.add(PATH)
    for _ in range(5):
        await next_report(hass, freezer)
    assert _value(hass, 2, "meter_elec_import") == STATE_UNAVAILABLE
    assert _value(hass, 2, "circuit_power") == STATE_UNAVAILABLE
    spi.broken.clear()
    await next_report(hass, freezer)
    await next_report(hass, freezer)
    after = float(_value(hass, 2, "meter_elec_import"))
    assert after == pytest.approx(before + 1150 * 5 / 3.6e6, rel=0.02)


async def test_clipping_raises_a_repair(
    hass: HomeAssistant, spi: FakeSpiIo, freezer: FrozenDateTimeFactory
) -> None:
    """An input driven to the rails raises an issue; fixed, it is gone after reload."""
    entry = await set_up(hass)
    issues = ir.async_get(hass)
    issue_id = f"mcp3008_clipping_2_{ENTRY_ID}"
    assert issues.async_get_issue(DOMAIN, issue_id) is None
    spi.chips[PATH].inputs[2] = current(45.0)
    await next_report(hass, freezer)
    issue = issues.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders == {
        "channel": "2",
        "name": "Kitchen",
        "title": "MCP3208 on SPI 0.0",
    }
    spi.chips[PATH].inputs[2] = current(5.0)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert issues.async_get_issue(DOMAIN, issue_id) is None


async def test_implausible_values_are_dropped(
    hass: HomeAssistant, spi: FakeSpiIo
) -> None:
    """A gain that makes the power impossible: unavailable, counted, not shown."""
    await set_up(hass, [{**KITCHEN_CT, "gain": 1000.0}])
    assert _value(hass, 2, "circuit_power") == STATE_UNAVAILABLE
    assert _value(hass, 2, "meter_elec_import") == STATE_UNAVAILABLE
    assert float(_value(hass, 2, "circuit_current_rms")) == pytest.approx(
        5000, rel=0.01
    )


@pytest.mark.parametrize(
    ("broken", "denied"), [(True, frozenset()), (False, frozenset({PATH}))]
)
async def test_setup_retries_when_the_adc_is_unusable(
    hass: HomeAssistant, broken: bool, denied: frozenset[str]
) -> None:
    """A node that cannot be opened or read: the entry is retried later."""
    io = FakeSpiIo({PATH: board()}, denied=denied)
    if broken:
        io.broken.add(PATH)
    hass.data[SPI_IO] = io
    entry = await set_up(hass)
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_diagnostics_and_unload(
    hass: HomeAssistant, spi: FakeSpiIo, hass_client: ClientSessionGenerator
) -> None:
    """Diagnostics show the channels and reports; unloading closes the node."""
    entry = await set_up(hass)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert diagnostics["channels"][2]["name"] == "Kitchen"
    report = diagnostics["coordinator"]["reports"]["2"]
    assert report["samples"] == 800
    assert report["rate"] == 4000.0
    assert diagnostics["coordinator"]["values_rejected"] == {}
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert spi.open_paths() == []
