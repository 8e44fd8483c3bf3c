"""History from flukso.net into long-term statistics: the seed's dumps, served."""

import asyncio
from datetime import UTC, datetime, timedelta
import logging
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)

from custom_components.energy_monitor.const import DOMAIN
from custom_components.energy_monitor.diagnostics import (
    async_get_config_entry_diagnostics,
)
from simulators.flukso import CloudFault, FluksoCloud, FluksoSimulator, token_of
from tests.common import entity_id_by_unique_id, until
from tests.flukso.helpers import (
    SHIFT,
    history_done,
    hour_means,
    reading,
    setup_entry,
    stored,
)

KNOWN_HOUR = datetime(2014, 1, 8, 7, tzinfo=UTC) + timedelta(seconds=SHIFT)
"""07:00-08:00 on 8 January 2014: the first dump has ``nan`` for its last three
minutes, the second (later) one has values: the later file wins."""


@pytest.fixture
def mock_recorder_before_hass(async_setup_recorder_instance: Any) -> None:
    """Let the recorder be set up before Home Assistant (recorder_mock needs it)."""


@pytest.fixture(autouse=True)
def recorder(recorder_mock: Any) -> None:
    """Run every test here with the recorder."""


def statistic(meter: FluksoSimulator, index: int) -> str:
    """Return the history statistic of the meter's ``index``-th sensor."""
    return f"{DOMAIN}:flukso_{meter.sensors[index].sensor_id}"


async def set_up(
    hass: HomeAssistant,
    meter: FluksoSimulator,
    cloud: FluksoCloud,
    tokens: dict[str, str] | None = None,
) -> MockConfigEntry:
    """Set the meter up with ``tokens`` (Main's and Solar's); wait for the import."""
    main, solar = meter.sensors[0].sensor_id, meter.sensors[1].sensor_id
    entry = await setup_entry(
        hass,
        meter,
        api_url=cloud.url,
        history_tokens=tokens or {main: token_of(main), solar: token_of(solar)},
    )
    await history_done(hass, entry)
    return entry


async def test_backfill_matches_the_dumps(
    hass: HomeAssistant,
    flm02: FluksoSimulator,
    cloud: FluksoCloud,
    minutes: dict[str, dict[int, float]],
) -> None:
    """Every hour of the dumps, as its mean power; sums from 0; idempotent."""
    entry = await set_up(hass, flm02, cloud)
    expected = hour_means(minutes["D"])
    rows = await stored(hass, statistic(flm02, 0))
    assert [row["start"] for row in rows] == list(expected)
    assert len(rows) == 32
    by_hour = {row["start"]: row for row in rows}
    before = by_hour[KNOWN_HOUR - timedelta(hours=1)]["sum"]
    assert by_hour[KNOWN_HOUR]["sum"] - before == pytest.approx(
        expected[KNOWN_HOUR], abs=1e-9
    )
    # 60 minutes, the later file's 3180, 1900 and 1120 W among them (the
    # first file's 57 would make 3.42 kWh).
    assert by_hour[KNOWN_HOUR]["sum"] - before == pytest.approx(3.35233, abs=1e-5)
    assert rows[0]["sum"] == pytest.approx(expected[rows[0]["start"]], abs=1e-9)
    assert rows[-1]["sum"] == pytest.approx(sum(expected.values()), abs=1e-6)
    assert rows[-1]["state"] == rows[-1]["sum"]
    solar = await stored(hass, statistic(flm02, 1))
    assert [row["start"] for row in solar] == list(hour_means(minutes["H"]))
    assert await stored(hass, statistic(flm02, 2)) == []  # no token: no history

    # A second run (the entry reloaded) imports nothing new.
    requests = len(cloud.requests)
    assert await hass.config_entries.async_reload(entry.entry_id)
    await history_done(hass, entry)
    assert len(cloud.requests) > requests
    assert await stored(hass, statistic(flm02, 0)) == rows
    assert await stored(hass, statistic(flm02, 1)) == solar
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["entry"]["data"]["history_tokens"] == "**REDACTED**"
    assert token_of(flm02.sensors[0].sensor_id) not in str(diagnostics)
    history = diagnostics["history"]
    assert history["last_error"] is None
    assert [s["hours_written"] for s in history["sensors"]] == [0, 0]


async def test_nan_hours_stay_gaps(
    hass: HomeAssistant,
    flm02: FluksoSimulator,
    cloud: FluksoCloud,
    minutes: dict[str, dict[int, float]],
) -> None:
    """Two hours without data ("nan"): no rows for them, the sum carries on."""
    gap = [KNOWN_HOUR - timedelta(hours=3), KNOWN_HOUR - timedelta(hours=2)]
    for hour in gap:
        start = int(hour.timestamp())
        for end in range(start + 60, start + 3601, 60):
            minutes["D"].pop(end)
    await set_up(hass, flm02, cloud)
    rows = {row["start"]: row for row in await stored(hass, statistic(flm02, 0))}
    assert len(rows) == 30
    assert not set(gap) & set(rows)
    expected = hour_means(minutes["D"])
    before = rows[gap[0] - timedelta(hours=1)]["sum"]
    after = rows[gap[-1] + timedelta(hours=1)]["sum"]
    assert after - before == pytest.approx(expected[gap[-1] + timedelta(hours=1)])


async def test_malformed_rows_skipped_and_counted(
    hass: HomeAssistant,
    flm02: FluksoSimulator,
    cloud: FluksoCloud,
    minutes: dict[str, dict[int, float]],
) -> None:
    """Rows of another shape, non-finite or text values: skipped and counted."""
    stamp = int(KNOWN_HOUR.timestamp())
    cloud.malformed = [
        [stamp],
        "row",
        [str(stamp), 100],
        [stamp + 3600, "abc"],
        [stamp + 7200, float("inf")],
        [stamp + 10800, -5],
    ]
    entry = await set_up(hass, flm02, cloud)
    rows = await stored(hass, statistic(flm02, 0))
    assert [row["start"] for row in rows] == list(hour_means(minutes["D"]))
    main = flm02.sensors[0].sensor_id
    asked = len([path for path in cloud.requests if main in path])
    history = (await async_get_config_entry_diagnostics(hass, entry))["history"]
    assert history["sensors"][0]["bad_rows"] == 6 * asked
    assert history["sensors"][0]["empty_rows"] > 0  # the hours without data


async def test_cloud_down_live_values_still_work(
    hass: HomeAssistant,
    flm02: FluksoSimulator,
    cloud: FluksoCloud,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No answer: the entry loads, live values flow, one warning, retried later."""
    cloud.set_fault(CloudFault.DOWN)
    entry = await set_up(hass, flm02, cloud)
    assert entry.state is ConfigEntryState.LOADED
    main = flm02.sensors[0].sensor_id
    await flm02.publish(*reading(main, "gauge", 150, "W"))
    entity_id = entity_id_by_unique_id(hass, f"{main}_meter_power_import")
    await until(hass, lambda: hass.states.get(entity_id).state == "150.0")  # type: ignore[union-attr]
    assert await stored(hass, statistic(flm02, 0)) == []
    warnings = [r for r in caplog.records if "flukso.net did not answer" in r.message]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING

    # Still down at the retry: no second warning.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=301))
    await history_done(hass, entry)
    assert len([r for r in caplog.records if "did not answer" in r.message]) == 2
    assert [r.levelno for r in caplog.records if "did not answer" in r.message][
        1
    ] == logging.DEBUG

    cloud.set_fault(None)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=1000))
    await history_done(hass, entry)
    assert len(await stored(hass, statistic(flm02, 0))) == 32
    assert "flukso.net answers again" in caplog.text


async def test_an_unexpected_failure_never_ends_the_schedule(
    hass: HomeAssistant,
    flm02: FluksoSimulator,
    cloud: FluksoCloud,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The recorder refuses a write: logged once with its cause, retried later."""
    with patch(
        "custom_components.energy_monitor.sources.flukso.history.async_write",
        side_effect=RuntimeError("database is locked"),
    ):
        entry = await set_up(hass, flm02, cloud)
        assert entry.state is ConfigEntryState.LOADED
        assert await stored(hass, statistic(flm02, 0)) == []
        failures = [r for r in caplog.records if "failed unexpectedly" in r.message]
        assert [r.levelno for r in failures] == [logging.ERROR]
        assert failures[0].exc_info is not None

    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=301))
    await history_done(hass, entry)
    assert len(await stored(hass, statistic(flm02, 0))) == 32


async def test_refused_token_leaves_the_sensor_out(
    hass: HomeAssistant,
    flm02: FluksoSimulator,
    cloud: FluksoCloud,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A token revoked after setup: logged, that sensor skipped, the other imported."""
    main, solar = flm02.sensors[0].sensor_id, flm02.sensors[1].sensor_id
    tokens = {main: "revoked", solar: token_of(solar), "f" * 32: "gone"}
    entry = await set_up(hass, flm02, cloud, tokens)
    assert await stored(hass, statistic(flm02, 0)) == []
    assert len(await stored(hass, statistic(flm02, 1))) > 0
    assert "refused the token of sensor Main" in caplog.text
    assert not [path for path in cloud.requests if "f" * 32 in path]

    # The next run, an hour later, asks for Solar's new hours only.
    asked = len(cloud.requests)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(hours=1, seconds=1))
    await history_done(hass, entry)
    assert [path for path in cloud.requests[asked:] if main in path] == []
    assert len([path for path in cloud.requests[asked:] if solar in path]) == 1
    history = (await async_get_config_entry_diagnostics(hass, entry))["history"]
    assert [s["refused"] for s in history["sensors"]] == [True, False, False]


async def test_unload_while_the_cloud_hangs(
    hass: HomeAssistant, flm02: FluksoSimulator, cloud: FluksoCloud
) -> None:
    """A request that never ends does not hold up unloading the entry."""
    cloud.set_fault(CloudFault.TIMEOUT)
    main = flm02.sensors[0].sensor_id
    entry = await setup_entry(
        hass, flm02, api_url=cloud.url, history_tokens={main: token_of(main)}
    )
    assert entry.state is ConfigEntryState.LOADED
    async with asyncio.timeout(5):
        await cloud.asked.wait()  # the request is held by the cloud
    assert await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED
    cloud.set_fault(None)
