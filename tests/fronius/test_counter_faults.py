"""Impossible Fronius answers: never published, counted."""

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from custom_components.energy_monitor.diagnostics import (
    async_get_config_entry_diagnostics,
)
from simulators.fronius import Endpoint, FroniusSimulator
from tests.common import errors, numbers, record_states, state_for
from tests.fronius.helpers import poll, sample, set_up_fronius


async def test_fronius_impossible_answers_are_never_shown(
    hass: HomeAssistant,
    fronius_simulator: FroniusSimulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Max-float numbers in Solar API answers (JSON has no NaN): dropped, counted."""
    answers = {
        Endpoint.INVERTER_INFO: "ha_symo_GetInverterInfo_night.json",
        Endpoint.POWER_FLOW: "ha_symo_GetPowerFlowRealtimeData.json",
        Endpoint.INVERTER_COMMON: (
            "ha_symo_GetInverterRealtimeData_CommonInverterData.json"
        ),
        Endpoint.METER: "ha_symo_GetMeterRealtimeData_System.json",
    }
    fronius_simulator.answers = {key: sample(name) for key, name in answers.items()}
    fronius_simulator.only_answers = True
    entry = await set_up_fronius(hass, fronius_simulator.address)
    assert float(state_for(hass, "pv_elec_prod").state) == 44188.0
    seen = record_states(hass)
    garbage = {
        Endpoint.POWER_FLOW: ('"P_Grid": 1703.74', '"P_Grid": 3.4e38'),
        Endpoint.INVERTER_COMMON: ('"Value": 44188000', '"Value": 3.4e38'),
        Endpoint.METER: (
            '"Frequency_Phase_Average": 50',
            '"Frequency_Phase_Average": 3.4e38',
        ),
    }
    for endpoint, (old, new) in garbage.items():
        text = fronius_simulator.answers[endpoint]
        assert old in text
        fronius_simulator.answers[endpoint] = text.replace(old, new)
    await poll(hass, freezer, 60)
    await poll(hass, freezer, 60)
    for entity_id, states in seen.items():
        assert all(abs(x) < 1e10 for x in numbers(states)), (entity_id, states)
    assert float(state_for(hass, "pv_elec_prod").state) == 44188.0
    assert not errors(caplog)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    rejected = diagnostics["connection"]["values_rejected"]
    assert rejected == {"grid_power": 2, "pv_elec_prod": 2, "frequency": 2}
