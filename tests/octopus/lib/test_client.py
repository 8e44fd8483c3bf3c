"""The Octopus client over real HTTP on loopback, and the API's payloads."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
import itertools
import json
from unittest.mock import patch

import aiohttp
from aiohttp import web
import pytest

from custom_components.energy_monitor.lib.octopus.client import (
    OctopusAuthError,
    OctopusClient,
    OctopusConnectionError,
    OctopusNotFoundError,
    OctopusRateLimitError,
    OctopusResponseError,
    retry_after,
)
from custom_components.energy_monitor.lib.octopus.model import Flow, Fuel, product_code
from custom_components.energy_monitor.lib.octopus.parser import (
    parse_intervals,
    parse_rates,
    parse_time,
)
from simulators.octopus import (
    ACCOUNT_NUMBER,
    AGILE_IMPORT,
    API_KEY,
    IMPORT_MPAN,
    IMPORT_SERIAL,
    Fault,
    OctopusSimulator,
    local_midnight,
)
from tests.common import FIXTURES, closed_port

SAMPLES = FIXTURES / "octopus"


def client(session: aiohttp.ClientSession, api: OctopusSimulator) -> OctopusClient:
    """Return a client of the simulated account."""
    return OctopusClient(session, API_KEY, api.url)


def test_samples() -> None:
    """Real payloads parse: 48 half hours of Agile consumption, a standing charge."""
    consumption = json.loads(
        (SAMPLES / "viralganatra_consumption_agile_48halfhours.json").read_text()
    )
    intervals = parse_intervals(consumption["results"])
    assert len(intervals) == 48
    assert intervals[0].start == datetime(2025, 3, 17, tzinfo=UTC)
    assert intervals[0].consumption == 0.074
    assert all(b.start == a.end for a, b in itertools.pairwise(intervals))
    charges = json.loads(
        (SAMPLES / "viralganatra_standing-charges_agile.json").read_text()
    )
    (charge,) = parse_rates(charges["results"])
    assert charge.price == pytest.approx(0.4760616)
    assert charge.end is None
    product = json.loads(
        (SAMPLES / "viralganatra_product_AGILE-24-10-01.json").read_text()
    )
    code = product["single_register_electricity_tariffs"]["_A"]["direct_debit_monthly"][
        "code"
    ]
    assert product_code(code) == product["code"] == "AGILE-24-10-01"


def test_tariff_codes_and_times() -> None:
    """Tariff code anatomy; times must carry a zone; rates per payment method."""
    assert product_code("G-1R-VAR-22-11-01-A") == "VAR-22-11-01"
    assert product_code("AGILE") == "AGILE"
    with pytest.raises(ValueError, match="zone"):
        parse_time("2025-03-17T00:00:00")
    with pytest.raises(TypeError):
        parse_time(None)
    rows = [
        {
            "value_inc_vat": price,
            "valid_from": "2025-01-01T00:00:00Z",
            "valid_to": None,
            "payment_method": method,
        }
        for price, method in ((20.0, "DIRECT_DEBIT"), (22.0, "NON_DIRECT_DEBIT"))
    ]
    assert [rate.price for rate in parse_rates(rows)] == [0.2]
    with pytest.raises(ValueError, match="finite"):
        parse_rates([{**rows[0], "value_inc_vat": float("nan")}])
    with pytest.raises(TypeError):
        parse_rates([{**rows[0], "value_inc_vat": "20"}])


def test_retry_after() -> None:
    """Retry-After in seconds or as an HTTP date."""
    now = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
    assert retry_after("120", now) == 120.0
    assert retry_after("Fri, 20 Mar 2026 12:05:00 GMT", now) == 300.0
    assert retry_after("Fri, 20 Mar 2026 11:00:00 GMT", now) == 0.0
    assert retry_after("soon", now) is None
    assert retry_after(None, now) is None


async def test_account_and_rates(
    session: aiohttp.ClientSession, api: OctopusSimulator
) -> None:
    """Discovery: import (tariff change mid-month), export and gas; Agile rates."""
    octopus = client(session, api)
    account = await octopus.account(ACCOUNT_NUMBER)
    assert account.number == ACCOUNT_NUMBER
    assert [point.flow for point in account.meter_points] == [
        Flow.IMPORT,
        Flow.EXPORT,
        Flow.GAS,
    ]
    imported = account.meter_points[0]
    assert imported.serials == (IMPORT_SERIAL,)
    first, second = imported.agreements
    assert first.valid_to == second.valid_from
    assert not first.dual_register
    now = datetime.now(UTC)
    agreement = imported.agreement_at(now)
    assert agreement is not None
    assert agreement.tariff_code == AGILE_IMPORT
    assert imported.agreement_at(first.valid_from - timedelta(days=1)) is None
    start = local_midnight(now)
    rates = await octopus.unit_rates(
        Fuel.ELECTRICITY,
        AGILE_IMPORT,
        "AGILE-24-10-01",
        start,
        start + timedelta(hours=12),
    )
    assert len(rates) == 24
    assert rates == sorted(rates, key=lambda rate: rate.start)


async def test_consumption_pages(
    session: aiohttp.ClientSession, api: OctopusSimulator
) -> None:
    """Pages are followed to the end; the period filters what comes back."""
    octopus = client(session, api)
    start = local_midnight(datetime.now(UTC)) - timedelta(days=10)
    with patch(
        "custom_components.energy_monitor.lib.octopus.client.CONSUMPTION_PAGE_SIZE",
        100,
    ):
        intervals = await octopus.consumption(
            Fuel.ELECTRICITY, IMPORT_MPAN, IMPORT_SERIAL, start
        )
    assert len(intervals) == 480
    pages = [request for request in api.requests if "/consumption/" in request]
    assert len(pages) == 5
    week = await octopus.consumption(
        Fuel.ELECTRICITY,
        IMPORT_MPAN,
        IMPORT_SERIAL,
        start,
        start + timedelta(days=7),
    )
    assert len(week) == 336


async def test_a_year_in_one_page(
    session: aiohttp.ClientSession, api: OctopusSimulator
) -> None:
    """A page of a year of half hours (about 1.8 MB, many chunks) is read whole."""
    intervals = await client(session, api).consumption(
        Fuel.ELECTRICITY, IMPORT_MPAN, IMPORT_SERIAL
    )
    assert len(intervals) >= 365 * 48 - 100
    assert len([r for r in api.requests if "/consumption/" in r]) == 1


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.UNAUTHORIZED, OctopusAuthError),
        (Fault.RATE_LIMITED, OctopusRateLimitError),
        (Fault.HTTP_500, OctopusConnectionError),
    ],
)
async def test_errors(
    session: aiohttp.ClientSession,
    api: OctopusSimulator,
    fault: Fault,
    error: type[Exception],
) -> None:
    """Each failure is told apart; 429 says how long to wait."""
    api.set_fault(fault)
    with pytest.raises(error) as raised:
        await client(session, api).account(ACCOUNT_NUMBER)
    if isinstance(raised.value, OctopusRateLimitError):
        assert raised.value.retry_after == 120.0


async def test_unknown_account_bad_answers_and_no_answer(
    session: aiohttp.ClientSession, api: OctopusSimulator
) -> None:
    """404, oversized and undocumented answers, timeouts, a closed port."""
    octopus = client(session, api)
    with pytest.raises(OctopusNotFoundError):
        await octopus.account("A-00000000")
    with (
        patch("custom_components.energy_monitor.lib.octopus.client.MAX_BODY", 10),
        pytest.raises(OctopusResponseError, match="over 10 bytes"),
    ):
        await octopus.account(ACCOUNT_NUMBER)
    api.set_fault(Fault.TIMEOUT)
    with (
        patch(
            "custom_components.energy_monitor.lib.octopus.client.REQUEST_TIMEOUT", 0.2
        ),
        pytest.raises(OctopusConnectionError, match="timeout"),
    ):
        await octopus.account(ACCOUNT_NUMBER)
    api.set_fault(None)
    closed = OctopusClient(session, API_KEY, f"http://127.0.0.1:{await closed_port()}")
    with pytest.raises(OctopusConnectionError):
        await closed.account(ACCOUNT_NUMBER)


ODD_ANSWERS: dict[str, tuple[int, str]] = {
    "A-405": (405, "{}"),
    "A-HTML": (200, "<html>maintenance</html>"),
    "A-LIST": (200, "[]"),
    "A-BAD": (200, '{"number": "A-BAD"}'),
}


@pytest.fixture
async def odd_api(socket_enabled: None) -> AsyncIterator[str]:
    """Serve answers the API does not document; return the API root."""

    async def answer(request: web.Request) -> web.Response:
        if request.path.endswith("/consumption/"):
            return web.json_response({"results": None, "next": None})
        status, text = ODD_ANSWERS[request.match_info["number"]]
        return web.Response(status=status, text=text)

    app = web.Application()
    app.router.add_get("/v1/accounts/{number}/", answer)
    app.router.add_get("/v1/{path:.*}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert isinstance(server, asyncio.Server)
    yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    await runner.cleanup()


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("A-405", "HTTP 405"),
        ("A-HTML", "no JSON"),
        ("A-LIST", "not a JSON object"),
        ("A-BAD", "account"),
    ],
)
async def test_undocumented_answers(
    session: aiohttp.ClientSession, odd_api: str, number: str, message: str
) -> None:
    """Answers that are not the documented JSON are errors, not crashes."""
    with pytest.raises(OctopusResponseError, match=message):
        await OctopusClient(session, API_KEY, odd_api).account(number)


async def test_list_without_results(
    session: aiohttp.ClientSession, odd_api: str
) -> None:
    """A list page without a results list is an error."""
    with pytest.raises(OctopusResponseError, match="no results"):
        await OctopusClient(session, API_KEY, odd_api).consumption(
            Fuel.GAS, "3000000001", "G1"
        )
