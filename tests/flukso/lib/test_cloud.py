"""The flukso.net client over real HTTP on loopback, its rows and the hours made."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from unittest.mock import patch

import aiohttp
from aiohttp import web
import pytest

from custom_components.energy_monitor.lib.flukso.backfill import WINDOW, hourly, queries
from custom_components.energy_monitor.lib.flukso.cloud import (
    FluksoCloud,
    FluksoCloudAuthError,
    FluksoCloudConnectionError,
    FluksoCloudResponseError,
    Query,
    parse_rows,
)
from custom_components.energy_monitor.lib.flukso.model import SensorType
from custom_components.energy_monitor.lib.history.model import BadRows
from simulators.flukso import CloudFault, CloudSensor, FluksoCloud as CloudSimulator
from tests.common import closed_port

SENSOR = "0123456789abcdef0123456789abcdef"
TOKEN = SENSOR[::-1]
HOUR = 3600
START = 1_700_000_000 // HOUR * HOUR


def watts(minute_end: int) -> float | None:
    """Return 1200 W in every minute but those of the third hour (no data)."""
    return None if START + 2 * HOUR < minute_end <= START + 3 * HOUR else 1200.0


@pytest.fixture
async def api(socket_enabled: None) -> AsyncIterator[CloudSimulator]:
    """Run the simulated cloud with one sensor on a loopback port."""
    simulator = CloudSimulator({SENSOR: CloudSensor(TOKEN, watts)}, "127.0.0.1")
    await simulator.start()
    yield simulator
    await simulator.stop()


async def test_readings_and_token(
    session: aiohttp.ClientSession, api: CloudSimulator
) -> None:
    """Hourly means, timestamps at the end; "nan" a gap; a wrong token refused."""
    cloud = FluksoCloud(session, api.url)
    bad = BadRows()
    query = Query(START, START + 4 * HOUR, "hour", "watt")
    records = await cloud.readings(SENSOR, TOKEN, query, bad)
    assert [(r.start.timestamp(), r.end and r.end.timestamp()) for r in records] == [
        (START, START + HOUR),
        (START + HOUR, START + 2 * HOUR),
        (START + 3 * HOUR, START + 4 * HOUR),
    ]
    assert {r.value for r in records} == {1200.0}
    assert (bad.count, bad.empty) == (0, 1)
    await cloud.check_token(SENSOR, TOKEN)
    with pytest.raises(FluksoCloudAuthError):
        await cloud.check_token(SENSOR, "wrong")
    assert cloud.requests == 3
    assert api.requests[-1].endswith("interval=hour&unit=watt")


async def test_errors(session: aiohttp.ClientSession, api: CloudSimulator) -> None:
    """5xx, no answer in time, a closed port, 404, oversized: told apart."""
    cloud = FluksoCloud(session, api.url)
    api.set_fault(CloudFault.DOWN)
    with pytest.raises(FluksoCloudConnectionError, match="HTTP 503"):
        await cloud.check_token(SENSOR, TOKEN)
    api.set_fault(CloudFault.TIMEOUT)
    with (
        patch("custom_components.energy_monitor.lib.flukso.cloud.REQUEST_TIMEOUT", 0.2),
        pytest.raises(FluksoCloudConnectionError, match="timeout"),
    ):
        await cloud.check_token(SENSOR, TOKEN)
    api.set_fault(None)
    with pytest.raises(FluksoCloudResponseError, match="HTTP 404"):
        await cloud.check_token("f" * 32, TOKEN)
    with (
        patch("custom_components.energy_monitor.lib.flukso.cloud.MAX_BODY", 10),
        pytest.raises(FluksoCloudResponseError, match="over 10 bytes"),
    ):
        await cloud.check_token(SENSOR, TOKEN)
    closed = FluksoCloud(session, f"http://127.0.0.1:{await closed_port()}")
    with pytest.raises(FluksoCloudConnectionError):
        await closed.check_token(SENSOR, TOKEN)


@pytest.fixture
async def odd_api(socket_enabled: None) -> AsyncIterator[str]:
    """Serve answers the API does not document; return the API root."""

    async def answer(request: web.Request) -> web.Response:
        body = {"html": "<html>maintenance</html>", "object": '{"a": 1}'}
        return web.Response(text=body[request.match_info["sensor"]])

    app = web.Application()
    app.router.add_get("/sensor/{sensor}", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    port = await closed_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def test_undocumented_answers(
    session: aiohttp.ClientSession, odd_api: str
) -> None:
    """No JSON, or JSON that is no array: a response error."""
    cloud = FluksoCloud(session, odd_api)
    with pytest.raises(FluksoCloudResponseError, match="no JSON"):
        await cloud.check_token("html", TOKEN)
    with pytest.raises(FluksoCloudResponseError, match="not a JSON array"):
        await cloud.check_token("object", TOKEN)


def test_rows_parsed_strictly() -> None:
    """Wrong shapes, timestamps and values are skipped and counted."""
    bad = BadRows()
    records = parse_rows(
        [
            [START, 100],
            [START + 60, 2.5],
            [START + 120, "nan"],
            [START],
            "row",
            [str(START), 1],
            [True, 1],
            [2**40, 1],
            [START + 180, "100"],
            [START + 240, float("inf")],
            [START + 300, -1],
            [START + 360, None],
        ],
        60,
        bad,
    )
    assert [(r.line, r.value) for r in records] == [(1, 100.0), (2, 2.5)]
    assert records[0].start == datetime.fromtimestamp(START - 60, UTC)
    assert (bad.count, bad.empty) == (9, 1)
    assert bad.examples[0] == "line 4: not a [timestamp, value] pair"


def test_queries_cover_the_period() -> None:
    """Windows of 31 days, the last one cut at the end."""
    found = queries(SensorType.GAS, START, START + WINDOW + HOUR)
    assert [(q.start, q.end, q.unit) for q in found] == [
        (START, START + WINDOW, "lperday"),
        (START + WINDOW, START + WINDOW + HOUR, "lperday"),
    ]


def test_hourly_gas_and_edges() -> None:
    """L/day means become m³ per hour; a row twice counts once; outside left out."""
    bad = BadRows()
    rows = [[START + HOUR, 2400], [START + HOUR, 2400], [START + 2 * HOUR, 4800]]
    rows.append([START + 3 * HOUR, 4800])  # after the period
    records = parse_rows(rows, HOUR, bad)
    series = hourly(SensorType.GAS, records, (START, START + 2 * HOUR), bad)
    assert series is not None
    assert series.unit == "m³"
    assert [amount for _hour, amount in series.sorted_hours()] == pytest.approx(
        [0.1, 0.2]
    )
    assert hourly(SensorType.WATER, [], (START, START + HOUR), bad) is None
