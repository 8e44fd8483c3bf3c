"""Setting P1 entries up and down, diagnostics and reauthentication."""

import asyncio
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, issue_registry as ir
import pytest

from custom_components.energy_monitor import async_remove_config_entry_device
from custom_components.energy_monitor.diagnostics import (
    async_get_config_entry_diagnostics,
)
from custom_components.energy_monitor.sources.p1.coordinator import NO_DATA_REPAIR_AFTER
from custom_components.energy_monitor.storage import (
    COUNTER_SAVE_INTERVAL,
    entry_store_key,
)
from simulators.p1 import P1Simulator
from tests.common import closed_port, state_for, until
from tests.p1.helpers import (
    KEY,
    LONGEST_BACKOFF,
    ServeBytes,
    advance,
    load_sample,
    p1_entry,
    strip_lines,
)


async def test_load_and_unload(hass: HomeAssistant, p1_simulator: P1Simulator) -> None:
    """Unloading stops reading the meter and keeps the counters."""
    entry = p1_entry(p1_simulator.port)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    connections = p1_simulator.connections
    await asyncio.sleep(0.2)
    assert p1_simulator.connections == connections
    assert state_for(hass, "grid_power").state == "unavailable"


@pytest.mark.usefixtures("socket_enabled")
async def test_meter_unreachable_retries_setup(hass: HomeAssistant) -> None:
    """No meter: setup is retried later, with the reason shown."""
    entry = p1_entry(await closed_port())
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.reason is not None
    assert "Could not read the P1 meter" in entry.reason


async def test_silent_meter_retries_setup(
    hass: HomeAssistant, serve_bytes: ServeBytes
) -> None:
    """Connected but no telegram: setup is retried later."""
    entry = p1_entry(await serve_bytes(b""))
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert entry.reason == "The P1 meter sent no valid telegram yet"


async def test_unusable_stored_key(hass: HomeAssistant) -> None:
    """A key that is not 32 hex digits is a permanent error."""
    entry = p1_entry(1, encryption_key="xyz")
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR


@pytest.mark.usefixtures("socket_enabled")
async def test_decryption_failures_start_reauthentication(
    hass: HomeAssistant,
) -> None:
    """When the key stops working, the user is asked for a new one."""
    simulator = P1Simulator(interval=0.05, encryption_key=bytes.fromhex(KEY))
    await simulator.start()
    try:
        entry = p1_entry(simulator.port, encryption_key="11" * 16)
        entry.add_to_hass(hass)
        await hass.config_entries.async_setup(entry.entry_id)
        await until(
            hass,
            lambda: any(
                flow["context"]["source"] == SOURCE_REAUTH
                for flow in hass.config_entries.flow.async_progress()
            ),
        )
    finally:
        await simulator.stop()


async def test_diagnostics_redact_identities(
    hass: HomeAssistant, p1_simulator: P1Simulator
) -> None:
    """Diagnostics show values and health but no host, IDs or keys."""
    entry = p1_entry(p1_simulator.port)
    entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, unique_id="E0044007382246019")
    assert await hass.config_entries.async_setup(entry.entry_id)
    p1_simulator.inject("bad_crc")
    await until(hass, lambda: state_for(hass, "telegrams_rejected").state == "1")
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    text = str(diagnostics)
    assert "E0044007382246019" not in text
    assert "127.0.0.1" not in text
    assert "G0039001936990619" not in text
    assert diagnostics["entry"]["data"]["host"] == "**REDACTED**"
    assert diagnostics["meter"]["header"] == "ISK5\\2M550T-1012"
    assert diagnostics["meter"]["variant"] == "5"
    assert diagnostics["values"]["grid_elec_import"] > 0
    assert diagnostics["mbus"][0]["kind"] == "gas"
    assert diagnostics["connection"]["available"] is True
    assert diagnostics["connection"]["rejected"] == {"crc_mismatch": 1}
    assert diagnostics["connection"]["last_rejection"]["reason"] == "crc_mismatch"


async def test_removing_the_entry_forgets_its_counters(
    hass: HomeAssistant, p1_simulator: P1Simulator, hass_storage: dict[str, object]
) -> None:
    """Deleting a meter deletes its stored counter values."""
    entry = p1_entry(p1_simulator.port)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry_store_key(entry) in hass_storage
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert entry_store_key(entry) not in hass_storage


async def test_options_change_reloads(
    hass: HomeAssistant, p1_simulator: P1Simulator
) -> None:
    """A new update interval takes effect at once (the entry reloads)."""
    entry = p1_entry(p1_simulator.port)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    await hass.config_entries.options.async_configure(
        result["flow_id"], {"update_interval": 2}
    )
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert entry.options == {"update_interval": 2}
    assert state_for(hass, "grid_power").state != "unavailable"


async def test_counters_are_stored_while_running(
    hass: HomeAssistant,
    p1_simulator: P1Simulator,
    hass_storage: dict[str, object],
    freezer: FrozenDateTimeFactory,
) -> None:
    """A meter that never stops publishing still gets its counters stored."""
    entry = p1_entry(p1_simulator.port)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    for _ in range(int(COUNTER_SAVE_INTERVAL) - 1):  # a telegram every second
        await advance(hass, freezer, 1)
    assert entry_store_key(entry) not in hass_storage
    await advance(hass, freezer, 2)
    stored = hass_storage[entry_store_key(entry)]
    assert stored["data"]["meter"]["grid_elec_import_t1"] > 0  # type: ignore[index]


async def test_repair_when_the_meter_stays_silent(
    hass: HomeAssistant, p1_simulator: P1Simulator, freezer: FrozenDateTimeFactory
) -> None:
    """An hour without data raises a repair; telegrams or deleting the entry end it."""
    registry = ir.async_get(hass)
    entry = p1_entry(p1_simulator.port)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    issue = ("energy_monitor", f"p1_no_data_{entry.entry_id}")
    await p1_simulator.stop()
    await until(hass, lambda: state_for(hass, "grid_power").state == "unavailable")
    await advance(hass, freezer, NO_DATA_REPAIR_AFTER - 1)
    assert registry.async_get_issue(*issue) is None
    await advance(hass, freezer, 2)
    assert registry.async_get_issue(*issue) is not None
    await p1_simulator.start()
    await advance(hass, freezer, LONGEST_BACKOFF)
    await until(
        hass,
        lambda: registry.async_get_issue(*issue) is None,
        ir.EVENT_REPAIRS_ISSUE_REGISTRY_UPDATED,
    )
    await p1_simulator.stop()
    await until(hass, lambda: state_for(hass, "grid_power").state == "unavailable")
    await advance(hass, freezer, NO_DATA_REPAIR_AFTER + 1)
    assert registry.async_get_issue(*issue) is not None
    # Deleting the entry takes its open issue along.
    await hass.config_entries.async_remove(entry.entry_id)
    assert registry.async_get_issue(*issue) is None


async def test_repair_when_belgian_peaks_disappear(
    hass: HomeAssistant, serve_bytes: ServeBytes
) -> None:
    """A Belgian meter that stops sending its month peak raises a repair."""
    with_peak, _ = load_sample("be_fluvius_50217_peak_history4")
    without_peak = strip_lines(with_peak, "1-0:1.6.0", "0-0:98.1.0")
    port = await serve_bytes(with_peak + without_peak * 3 + with_peak)
    registry = ir.async_get(hass)
    entry = p1_entry(port)
    entry.add_to_hass(hass)
    issue = ("energy_monitor", f"p1_capacity_data_missing_{entry.entry_id}")
    raised: list[bool] = []
    with patch(
        "custom_components.energy_monitor.sources.p1.coordinator."
        "MONTH_PEAK_MISSING_REPAIR_AFTER",
        3,
    ):
        unsubscribe = hass.bus.async_listen(
            ir.EVENT_REPAIRS_ISSUE_REGISTRY_UPDATED,
            lambda event: raised.append(event.data["action"] == "create"),
        )
        assert await hass.config_entries.async_setup(entry.entry_id)
        await until(
            hass, lambda: len(raised) >= 2, ir.EVENT_REPAIRS_ISSUE_REGISTRY_UPDATED
        )
        unsubscribe()
    assert raised[:2] == [True, False]
    assert registry.async_get_issue(*issue) is None


async def test_stale_devices_can_be_deleted(
    hass: HomeAssistant, p1_simulator: P1Simulator
) -> None:
    """A gas meter that no longer reports may be deleted; live devices not."""
    entry = p1_entry(p1_simulator.port)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    registry = dr.async_get(hass)
    old_gas = registry.async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={("energy_monitor", "OLDGAS")}
    )
    devices = {
        device.serial_number or device.id: device
        for device in dr.async_entries_for_config_entry(registry, entry.entry_id)
    }
    gas = devices["G0039001936990619"]
    meter = devices["E0044007382246019"]
    assert await async_remove_config_entry_device(hass, entry, old_gas)
    assert not await async_remove_config_entry_device(hass, entry, gas)
    assert not await async_remove_config_entry_device(hass, entry, meter)
