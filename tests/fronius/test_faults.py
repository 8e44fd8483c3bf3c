"""A Fronius device that misbehaves on command, seen through Home Assistant."""

from collections.abc import Iterator
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.energy_monitor import async_remove_config_entry_device
from custom_components.energy_monitor.const import DOMAIN
from custom_components.energy_monitor.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.energy_monitor.lib.fronius.poller import DEVICE_INTERVAL
from simulators.fronius import Endpoint, Fault, FroniusSimulator, error
from tests.common import state_for
from tests.fronius.helpers import set_up_fronius


@pytest.fixture(autouse=True)
def fast_requests() -> Iterator[None]:
    """Give up on a request after 0.2 s."""
    with patch(
        "custom_components.energy_monitor.lib.fronius.client.REQUEST_TIMEOUT", 0.2
    ):
        yield


async def _refresh(hass: HomeAssistant, entry: MockConfigEntry, times: int = 1) -> None:
    """Poll now, ``times`` times (without moving the clock)."""
    for _ in range(times):
        await entry.runtime_data.coordinator.async_refresh()  # type: ignore[attr-defined]
        await hass.async_block_till_done()


@pytest.mark.parametrize("fault", [Fault.TIMEOUT, Fault.HTTP_500])
async def test_diagnostics_after_a_failure_hold_no_host(
    hass: HomeAssistant, fronius_simulator: FroniusSimulator, fault: Fault
) -> None:
    """The error of a failed poll names the device's URL: it is redacted."""
    entry = await set_up_fronius(hass, fronius_simulator.address)
    fronius_simulator.set_fault(fault)
    await _refresh(hass, entry, 2)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["connection"]["last_error"]
    assert "127.0.0.1" not in str(diagnostics)


@pytest.mark.parametrize(
    "answer",
    [
        "{not json",
        '{"Head": {"Status": {"Code": 0}}, "Body": {"Data": []}}',
        "[" * 100_000,
        " " * 2_000_000,
    ],
    ids=["garbage", "wrong_shape", "deeply_nested", "huge"],
)
async def test_garbled_power_flow_then_recovery(
    hass: HomeAssistant, fronius_simulator: FroniusSimulator, answer: str
) -> None:
    """Answers that make no sense: unavailable, never a crash; then back."""
    entry = await set_up_fronius(hass, fronius_simulator.address)
    fronius_simulator.answers[Endpoint.POWER_FLOW] = answer
    await _refresh(hass, entry, 2)
    assert state_for(hass, "pv_power").state == STATE_UNAVAILABLE
    del fronius_simulator.answers[Endpoint.POWER_FLOW]
    await _refresh(hass, entry)
    assert state_for(hass, "pv_power").state != STATE_UNAVAILABLE


async def test_meter_no_longer_reported_can_be_deleted(
    hass: HomeAssistant,
    fronius_simulator: FroniusSimulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A smart meter gone from the system's answers may be deleted; not others."""
    entry = await set_up_fronius(hass, fronius_simulator.address)
    registry = dr.async_get(hass)
    devices = {
        device.model: device
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
    }
    meter = next(d for m, d in devices.items() if m and "Meter" in m)
    others = [d for d in devices.values() if d is not meter]
    assert not await async_remove_config_entry_device(hass, entry, meter)
    fronius_simulator.answers[Endpoint.METER] = error(12, "Meter not available")
    freezer.tick(DEVICE_INTERVAL)  # the meters are read again
    await _refresh(hass, entry)
    assert state_for(hass, "grid_elec_import").state == STATE_UNAVAILABLE
    assert await async_remove_config_entry_device(hass, entry, meter)
    for device in others:
        assert not await async_remove_config_entry_device(hass, entry, device)
    assert (DOMAIN, entry.runtime_data.coordinator.system_id) in {  # type: ignore[attr-defined]
        identifier for d in others for identifier in d.identifiers
    }
