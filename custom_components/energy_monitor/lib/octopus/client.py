"""An async client of the Octopus Energy REST API (any Kraken ``/v1`` API root).

Requests use the caller's aiohttp session (Home Assistant's shared one),
HTTP Basic authentication with the API key as user name, a timeout, and a
bounded response body. Errors say what the caller should do:

* :class:`OctopusAuthError` (401/403): the key is wrong or revoked;
* :class:`OctopusNotFoundError` (404): no such account (or meter point);
* :class:`OctopusRateLimitError` (429): wait ``retry_after`` seconds;
* :class:`OctopusConnectionError`: no answer, a timeout or a 5xx: retry later;
* :class:`OctopusResponseError`: an answer that is not the documented JSON.

Lists are paged: the client follows ``next`` until the last page.
"""

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
import json
from typing import Any

import aiohttp
from yarl import URL

from ..http import BodyTooLargeError, read_bounded
from .model import Account, Fuel, Interval, Rate
from .parser import parse_account, parse_intervals, parse_rates

DEFAULT_API_URL = "https://api.octopus.energy"
"""The public Octopus Energy (UK) API root."""
REQUEST_TIMEOUT = 60.0
"""Seconds a request may take (a page of 25,000 half hours takes a few)."""
MAX_BODY = 16 * 1024 * 1024
"""Bytes an answer may have (a page of 25,000 half hours is about 2.5 MB)."""
MAX_PAGES = 200
"""Pages a list may have (25,000 rows a page: far more than any history)."""
CONSUMPTION_PAGE_SIZE = 25000
"""Half hours a consumption page holds (the API's maximum)."""
RATES_PAGE_SIZE = 1500
"""Rates a page holds (the API's maximum)."""


class OctopusError(Exception):
    """A request to the Octopus API failed."""


class OctopusConnectionError(OctopusError):
    """No answer, a timeout or a server error: try again later."""


class OctopusAuthError(OctopusError):
    """The API key is wrong or was revoked (HTTP 401/403)."""


class OctopusNotFoundError(OctopusError):
    """The account (or meter point, or tariff) does not exist (HTTP 404)."""


class OctopusRateLimitError(OctopusError):
    """Too many requests (HTTP 429): wait ``retry_after`` seconds."""

    def __init__(self, retry_after: float | None) -> None:
        """Keep the wait the API asked for (None: it did not say)."""
        super().__init__(f"rate limited, retry after {retry_after} s")
        self.retry_after = retry_after


class OctopusResponseError(OctopusError):
    """The answer is not what the API documents."""


def retry_after(value: str | None, now: datetime) -> float | None:
    """Return the seconds a ``Retry-After`` header asks for (seconds or a date)."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except TypeError, ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max((moment - now).total_seconds(), 0.0)


class OctopusClient:
    """The Octopus REST API of one API key."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        api_key: str,
        api_url: str = DEFAULT_API_URL,
    ) -> None:
        """Use ``session`` for requests to ``api_url`` with ``api_key``."""
        self._session = session
        self._headers = {"Authorization": aiohttp.encode_basic_auth(api_key, "")}
        self._root = URL(api_url.rstrip("/"))
        self.requests = 0
        """Requests made (for diagnostics)."""

    async def account(self, number: str) -> Account:
        """Return an account's meter points and agreements.

        Raises:
            OctopusError: see the module docstring.
        """
        data = await self._get(self._root / "v1" / "accounts" / number / "")
        try:
            return parse_account(data)
        except (KeyError, TypeError, ValueError) as err:
            raise OctopusResponseError(f"account: {err!r}") from err

    async def unit_rates(
        self,
        fuel: Fuel,
        tariff_code: str,
        product: str,
        period_from: datetime,
        period_to: datetime,
    ) -> list[Rate]:
        """Return a tariff's unit rates (per kWh) in the period, oldest first."""
        return await self._rates(
            fuel, tariff_code, product, (period_from, period_to), "standard-unit-rates"
        )

    async def standing_charges(
        self,
        fuel: Fuel,
        tariff_code: str,
        product: str,
        period_from: datetime,
        period_to: datetime,
    ) -> list[Rate]:
        """Return a tariff's standing charges (per day) overlapping the period."""
        return await self._rates(
            fuel, tariff_code, product, (period_from, period_to), "standing-charges"
        )

    async def _rates(
        self,
        fuel: Fuel,
        tariff_code: str,
        product: str,
        period: tuple[datetime, datetime],
        kind: str,
    ) -> list[Rate]:
        """Return the rates of one kind overlapping the period, oldest first.

        Raises:
            OctopusError: see the module docstring.
        """
        url = (
            self._root
            / "v1"
            / "products"
            / product
            / f"{fuel}-tariffs"
            / tariff_code
            / kind
            / ""
        ).with_query(
            period_from=_iso(period[0]),
            period_to=_iso(period[1]),
            page_size=RATES_PAGE_SIZE,
        )
        rows = await self._pages(url)
        try:
            return parse_rates(rows)
        except (KeyError, TypeError, ValueError) as err:
            raise OctopusResponseError(f"{kind}: {err!r}") from err

    async def consumption(
        self,
        fuel: Fuel,
        identifier: str,
        serial: str,
        period_from: datetime | None = None,
        period_to: datetime | None = None,
    ) -> list[Interval]:
        """Return a meter's half-hourly consumption, oldest first.

        Without ``period_from`` the whole history the API has.

        Raises:
            OctopusError: see the module docstring.
        """
        query: dict[str, str | int] = {
            "page_size": CONSUMPTION_PAGE_SIZE,
            "order_by": "period",
        }
        if period_from is not None:
            query["period_from"] = _iso(period_from)
            if period_to is not None:
                query["period_to"] = _iso(period_to)
        url = (
            self._root
            / "v1"
            / f"{fuel}-meter-points"
            / identifier
            / "meters"
            / serial
            / "consumption"
            / ""
        ).with_query(query)
        rows = await self._pages(url)
        try:
            intervals = parse_intervals(rows)
        except (KeyError, TypeError, ValueError) as err:
            raise OctopusResponseError(f"consumption: {err!r}") from err
        # The API sometimes answers a little more than was asked.
        return [
            interval
            for interval in intervals
            if (period_from is None or interval.start >= period_from)
            and (period_to is None or interval.end <= period_to)
        ]

    async def _pages(self, url: URL) -> list[Mapping[str, Any]]:
        """Return the ``results`` of every page of a list, following ``next``.

        Raises:
            OctopusError: see the module docstring.
        """
        rows: list[Mapping[str, Any]] = []
        next_url: URL | None = url
        pages = 0
        while next_url is not None:
            pages += 1
            if pages > MAX_PAGES:
                raise OctopusResponseError(f"more than {MAX_PAGES} pages: {url}")
            page = await self._get(next_url)
            results = page.get("results")
            if not isinstance(results, list):
                raise OctopusResponseError(f"no results list: {next_url}")
            rows.extend(results)
            link = page.get("next")
            next_url = URL(link) if isinstance(link, str) and link else None
        return rows

    async def _get(self, url: URL) -> Mapping[str, Any]:
        """Return the JSON object at ``url``.

        Raises:
            OctopusError: see the module docstring.
        """
        self.requests += 1
        try:
            async with self._session.get(
                url,
                headers=self._headers,
                timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
                allow_redirects=False,
            ) as response:
                status = response.status
                if status == 429:  # noqa: PLR2004
                    raise OctopusRateLimitError(
                        retry_after(
                            response.headers.get("Retry-After"), datetime.now(UTC)
                        )
                    )
                body = await read_bounded(response, MAX_BODY)
        except BodyTooLargeError as err:
            raise OctopusResponseError(f"{err}: {url.path}") from err
        except TimeoutError as err:
            raise OctopusConnectionError(f"timeout: {url.path}") from err
        except aiohttp.ClientError as err:
            raise OctopusConnectionError(f"{type(err).__name__}: {err}") from err
        _check_status(status, url)
        try:
            data = json.loads(body)
        except ValueError as err:
            raise OctopusResponseError(f"no JSON: {url.path}") from err
        if not isinstance(data, dict):
            raise OctopusResponseError(f"not a JSON object: {url.path}")
        return data


def _check_status(status: int, url: URL) -> None:
    """Raise the error an HTTP status stands for.

    Raises:
        OctopusError: unless the status is 2xx.
    """
    if status in {401, 403}:
        raise OctopusAuthError(f"HTTP {status}")
    if status == 404:  # noqa: PLR2004
        raise OctopusNotFoundError(f"HTTP 404: {url.path}")
    if status >= 500:  # noqa: PLR2004
        raise OctopusConnectionError(f"HTTP {status}: {url.path}")
    if not 200 <= status < 300:  # noqa: PLR2004
        raise OctopusResponseError(f"HTTP {status}: {url.path}")


def _iso(moment: datetime) -> str:
    """Return an aware datetime as the API's ISO 8601 UTC text."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
