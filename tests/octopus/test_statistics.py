"""Consumption history into long-term statistics: backfill, idempotence, corrections."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.statistics import (
    list_statistic_ids,
    statistics_during_period,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.energy_monitor.const import DOMAIN
from custom_components.energy_monitor.lib.octopus.history import gas_kwh_per_m3
from custom_components.energy_monitor.sources.octopus.runtime import OctopusRuntime
from simulators.octopus import (
    EXPORT_MPAN,
    GAS_MPRN,
    HALF_HOUR,
    IMPORT_MPAN,
    OctopusAccount,
    OctopusSimulator,
    agile_price,
    consumption,
)

from .helpers import advance, set_up_octopus

START = datetime(2026, 3, 10, 0, 0, tzinfo=UTC)
"""The first half hour of the account's history (GMT: local midnight)."""
SWITCH = datetime(2026, 3, 15, 0, 0, tzinfo=UTC)
"""The import moves from the fixed tariff to Agile mid-month."""
END = datetime(2026, 3, 20, 0, 0, tzinfo=UTC)
"""The end of the published history at 12:10 on the 20th."""
IMPORT_ID = f"{DOMAIN}:octopus_{IMPORT_MPAN}_import"
GAS_ID = f"{DOMAIN}:octopus_{GAS_MPRN}_gas"


@pytest.fixture
def mock_recorder_before_hass(async_setup_recorder_instance: Any) -> None:
    """Let the recorder be set up before Home Assistant (recorder_mock needs it)."""


@pytest.fixture
async def account(
    recorder_mock: Recorder, socket_enabled: None, uk_time: None
) -> AsyncIterator[OctopusSimulator]:
    """Run an account with ten days of history and a tariff change."""
    simulator = OctopusSimulator(OctopusAccount(history_start=START, switch=SWITCH))
    await simulator.start()
    yield simulator
    await simulator.stop()


async def stored(hass: HomeAssistant, statistic_id: str) -> list[dict[str, Any]]:
    """Return the stored hours of a statistic, oldest first."""
    await async_wait_recording_done(hass)
    rows = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        START - timedelta(days=30),
        None,
        {statistic_id},
        "hour",
        None,
        {"state", "sum"},
    )
    return [dict(row) for row in rows.get(statistic_id, [])]


def import_cost(moment: datetime) -> float:
    """Return the price (pounds/kWh) of the import at a half hour."""
    return 0.245 if moment < SWITCH else agile_price(moment) / 100


def reference(kind: str, price: Any, charges: Any, end: datetime = END) -> float:
    """Return the cost of the history from START to ``end``."""
    total = 0.0
    moment = START
    while moment < end:
        total += consumption(kind, moment) * price(moment)
        if moment.hour == 0 and moment.minute == 0:
            total += charges(moment)
        moment += HALF_HOUR
    return total


def history(entry: MockConfigEntry) -> Any:
    """Return the history importer of a loaded entry."""
    runtime = entry.runtime_data
    assert isinstance(runtime, OctopusRuntime)
    return runtime.history


async def test_backfill(hass: HomeAssistant, account: OctopusSimulator) -> None:
    """The whole history is imported in one go: hourly sums and costs, per tariff."""
    await set_up_octopus(hass, account)
    rows = await stored(hass, IMPORT_ID)
    assert len(rows) == 240
    assert datetime.fromtimestamp(rows[0]["start"], UTC) == START
    halves = [START + n * HALF_HOUR for n in range(480)]
    assert rows[-1]["sum"] == pytest.approx(
        sum(consumption("import", t) for t in halves), abs=1e-6
    )
    assert rows[0]["state"] == pytest.approx(
        consumption("import", START) + consumption("import", START + HALF_HOUR)
    )
    costs = await stored(hass, f"{IMPORT_ID}_cost")
    expected = reference(
        "import",
        import_cost,
        lambda moment: 0.6012 if moment < SWITCH else 0.4760616,
    )
    assert costs[-1]["sum"] == pytest.approx(expected, abs=1e-6)
    # The hour the tariff changed: the Agile standing charge and rate.
    switched = next(
        row for row in costs if datetime.fromtimestamp(row["start"], UTC) == SWITCH
    )
    assert switched["state"] == pytest.approx(
        0.4760616
        + sum(
            consumption("import", t) * agile_price(t) / 100
            for t in (SWITCH, SWITCH + HALF_HOUR)
        )
    )
    # Gas in m³ (SMETS2), priced per kWh.
    gas = await stored(hass, GAS_ID)
    assert gas[-1]["sum"] == pytest.approx(
        sum(consumption("gas", t) for t in halves), abs=1e-6
    )
    gas_costs = await stored(hass, f"{GAS_ID}_cost")
    assert gas_costs[-1]["sum"] == pytest.approx(
        reference("gas", lambda _t: 0.0624 * gas_kwh_per_m3(), lambda _t: 0.3143),
        abs=1e-6,
    )
    metadata = {
        item["statistic_id"]: item
        for item in await get_instance(hass).async_add_executor_job(
            list_statistic_ids, hass
        )
    }
    assert metadata[GAS_ID]["statistics_unit_of_measurement"] == "m³"
    assert metadata[IMPORT_ID]["statistics_unit_of_measurement"] == "kWh"
    assert metadata[f"{IMPORT_ID}_cost"]["statistics_unit_of_measurement"] == "GBP"
    assert f"{DOMAIN}:octopus_{EXPORT_MPAN}_export_cost" in metadata
    # One request for the whole history of each meter (pages of 25,000).
    consumption_requests = [r for r in account.requests if "/consumption/" in r]
    assert len(consumption_requests) == 3
    assert all("page_size=25000" in r for r in consumption_requests)
    assert all("order_by=period" in r for r in consumption_requests)


async def test_import_again_changes_nothing(
    hass: HomeAssistant, account: OctopusSimulator
) -> None:
    """Importing the same half hours again writes nothing and keeps the sums."""
    entry = await set_up_octopus(hass, account)
    before = await stored(hass, IMPORT_ID)
    await history(entry).async_refresh()
    after = await stored(hass, IMPORT_ID)
    assert after == before
    assert history(entry).imported[f"{IMPORT_MPAN}_import"].hours_written == 0
    # The second run asks only for the last days (late corrections).
    last = [r for r in account.requests if IMPORT_MPAN in r][-1]
    assert "period_from=2026-03-16T23:00:00Z" in last


async def test_late_correction_rewrites_from_its_hour(
    hass: HomeAssistant, account: OctopusSimulator
) -> None:
    """A corrected half hour changes its hour; sums before it stay, after it shift."""
    entry = await set_up_octopus(hass, account)
    before = await stored(hass, IMPORT_ID)
    corrected = datetime(2026, 3, 18, 10, 0, tzinfo=UTC)
    account.account.corrections[(IMPORT_MPAN, corrected)] = 2.5
    delta = 2.5 - consumption("import", corrected)
    await history(entry).async_refresh()
    after = await stored(hass, IMPORT_ID)
    assert len(after) == len(before)
    for old, new in zip(before, after, strict=True):
        moment = datetime.fromtimestamp(old["start"], UTC)
        if moment < corrected:
            assert new == old
        elif moment == corrected:
            assert new["state"] == pytest.approx(old["state"] + delta)
            assert new["sum"] == pytest.approx(old["sum"] + delta)
        else:
            assert new["state"] == pytest.approx(old["state"])
            assert new["sum"] == pytest.approx(old["sum"] + delta)
    assert history(entry).imported[f"{IMPORT_MPAN}_import"].hours_written == 38


async def test_sums_continue_across_restarts(
    hass: HomeAssistant, account: OctopusSimulator, freezer: FrozenDateTimeFactory
) -> None:
    """After a restart and a day of new data, the sums go on from the stored ones."""
    entry = await set_up_octopus(hass, account)
    before = await stored(hass, IMPORT_ID)
    await hass.config_entries.async_unload(entry.entry_id)
    await advance(hass, freezer, timedelta(days=1))
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    after = await stored(hass, IMPORT_ID)
    assert len(after) == len(before) + 24
    assert after[: len(before)] == before
    new_day = [END + n * HALF_HOUR for n in range(48)]
    assert after[-1]["sum"] == pytest.approx(
        before[-1]["sum"] + sum(consumption("import", t) for t in new_day), abs=1e-6
    )


async def test_import_octopus_cache(
    hass: HomeAssistant, account: OctopusSimulator
) -> None:
    """octopus_viz's cache lines go into the same statistics, idempotently."""
    entry = await set_up_octopus(hass, account)
    before = await stored(hass, IMPORT_ID)
    day = datetime(2026, 3, 12, 0, 0, tzinfo=UTC)
    lines = [
        {
            "consumption": consumption("import", moment),
            "unit": "electricity_importing_kwh",
            "interval_start": moment.isoformat(),
            "interval_end": (moment + HALF_HOUR).isoformat(),
        }
        for moment in (day + n * HALF_HOUR for n in range(48))
    ]
    content = "\n".join(json.dumps(line) for line in lines)
    response = await hass.services.async_call(
        DOMAIN,
        "import_octopus_cache",
        {
            "config_entry_id": entry.entry_id,
            "content": content,
            "meter_point": IMPORT_MPAN,
        },
        blocking=True,
        return_response=True,
    )
    assert response == {
        "meter_point": IMPORT_MPAN,
        "flow": "import",
        "intervals": 48,
        "hours_written": 0,
    }
    assert await stored(hass, IMPORT_ID) == before
    lines[0]["consumption"] += 1.0
    response = await hass.services.async_call(
        DOMAIN,
        "import_octopus_cache",
        {
            "config_entry_id": entry.entry_id,
            "content": "\n".join(
                json.dumps({**line, "mpan": IMPORT_MPAN}) for line in lines
            ),
        },
        blocking=True,
        return_response=True,
    )
    # The changed day, and the later hours whose sums moved.
    assert response is not None
    assert response["hours_written"] == 24 + 7 * 24
    after = await stored(hass, IMPORT_ID)
    assert after[-1]["sum"] == pytest.approx(before[-1]["sum"] + 1.0)
    assert after[:48] == before[:48]
