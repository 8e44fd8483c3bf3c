"""Bad numbers in P1 telegrams: never published, never a fake counter, counted.

NaN, infinity, an overflowing value or a negative import power over a
loopback stream; a stored counter snapshot with garbage.
"""

import math
import re
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
import pytest

from custom_components.energy_monitor.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.energy_monitor.storage import entry_store_key
from simulators.p1 import P1Variant
from tests.common import (
    entity_id_for,
    errors,
    numbers,
    record_states,
    state_for,
    states_by_key,
    until,
)
from tests.p1.helpers import Link, TelegramFactory, p1_entry, signed


def mutate(payload: bytes, pattern: str, value: str) -> bytes:
    """Return a telegram whose first number after ``pattern`` is ``value``.

    The CRC is renewed, so the reader takes the telegram as valid.
    """
    text = payload.decode()
    body, count = re.subn(
        f"({pattern}.*?\\()[0-9.]+(\\*|\\))",
        lambda found: f"{found[1]}{value}{found[2]}",
        text[: text.index("!") + 1],
        count=1,
    )
    assert count == 1, pattern
    return signed(body)


async def test_p1_non_finite_and_impossible_values_are_never_shown(
    hass: HomeAssistant,
    link: tuple[Link, TelegramFactory],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """NaN, inf, 9e307 kW and -3,200 W import: dropped, counted, no traceback."""
    dongle, factory = link
    entry = p1_entry(dongle.port)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    seen = record_states(hass)
    start = float(state_for(hass, "grid_elec_import_t1").state)
    good = factory.telegram(watts=250)
    bad = [
        mutate(good, r"1-0:1\.8\.1", "nan"),
        mutate(good, r"1-0:1\.8\.1", "inf"),
        mutate(good, r"1-0:32\.7\.0", "nan"),
        mutate(good, r"1-0:1\.7\.0", "9e307"),  # x 1000: overflows to inf
        mutate(good, r"1-0:1\.7\.0", "-3.200"),
    ]
    for payload in bad:
        await dongle.send(payload)
    await dongle.send(factory.telegram(watts=777))
    await until(hass, lambda: state_for(hass, "grid_power").state == "777.0")

    for entity_id, states in seen.items():
        assert all(math.isfinite(x) for x in numbers(states)), (entity_id, states)
    assert not errors(caplog)
    # A dropped counter is held at its last value, so it may not change at all.
    import_t1 = numbers(seen.get(entity_id_for(hass, "grid_elec_import_t1"), []))
    import_t1.append(float(state_for(hass, "grid_elec_import_t1").state))
    assert import_t1 == sorted(import_t1)
    assert min(import_t1) >= start
    for key in ("grid_power_import", "grid_power"):
        assert -3200.0 not in numbers(seen.get(entity_id_for(hass, key), [])), key
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    rejected = diagnostics["connection"]["values_rejected"]
    assert rejected["grid_elec_import_t1"] == 2
    assert rejected["voltage_l1"] == 1
    assert rejected["grid_power_import"] == 2


@pytest.mark.parametrize("link", [P1Variant.BELGIUM], indirect=True)
async def test_p1_non_finite_peaks_and_gas_are_never_shown(
    hass: HomeAssistant,
    link: tuple[Link, TelegramFactory],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A NaN month peak, peak history entry or gas reading is dropped."""
    dongle, factory = link
    entry = p1_entry(dongle.port)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    seen = record_states(hass)
    good = factory.telegram(watts=250)
    bad = mutate(good, r"1-0:1\.6\.0\(\w+\)", "nan")
    bad = mutate(bad, r"0-0:98\.1\.0.*?\(\w+\)\(\w+\)", "inf")
    bad = mutate(bad, r"0-1:24\.2\.3\(\w+\)", "nan")
    await dongle.send(bad)
    await dongle.send(factory.telegram(watts=777))
    await until(hass, lambda: state_for(hass, "grid_power").state == "777.0")

    for entity_id, states in seen.items():
        assert all(math.isfinite(x) for x in numbers(states)), (entity_id, states)
    assert not errors(caplog)
    history = state_for(hass, "demand_month_peak").attributes["history"]
    assert all(math.isfinite(peak["demand_kw"]) for peak in history)
    gas = [float(state.state) for state in states_by_key(hass, "grid_gas_import")]
    assert all(math.isfinite(value) for value in gas)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    rejected = diagnostics["connection"]["values_rejected"]
    assert rejected == {"demand_month_peak": 2, "grid_gas_import": 1}


async def test_p1_garbage_in_the_stored_counters_does_not_stop_setup(
    hass: HomeAssistant,
    link: tuple[Link, TelegramFactory],
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A stored NaN (null), text or negative value is dropped with a warning."""
    dongle, _ = link
    entry = p1_entry(dongle.port)
    hass_storage[entry_store_key(entry)] = {
        "version": 1,
        "minor_version": 1,
        "key": entry_store_key(entry),
        "data": {
            "meter": {
                "grid_elec_import_t1": None,
                "grid_elec_import_t2": "garbage",
                "grid_elec_export_t1": -5.0,
                "grid_elec_export_t2": 456.789,
            },
            "mbus": ["not", "a", "mapping"],
        },
    }
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert state_for(hass, "grid_elec_import_t1").state == "1234.567"
    assert state_for(hass, "grid_elec_import_t2").state == "2345.678"
    assert state_for(hass, "grid_elec_export_t2").state == "456.789"
    assert "stored counter grid_elec_import_t1 (None)" in caplog.text
    assert "stored counters mbus are not readable" in caplog.text
    assert not errors(caplog)
