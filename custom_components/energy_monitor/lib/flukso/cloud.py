"""An async client of the flukso.net sensor API (version 1.0).

``GET <api>/sensor/<sensor id>`` with the headers ``Accept:
application/json``, ``X-Version: 1.0`` and ``X-Token: <the sensor's token>``,
and either ``interval`` (``hour``, ``day``, ``month``, ...) or ``start`` and
``end`` (unix times), a ``resolution`` and a ``unit`` (``watt``,
``lperday``, ...). The answer is ``[[timestamp, value], ...]``: each value
is the mean over the interval that *ends* at its timestamp, or the string
``"nan"`` where the cloud has no data.

Requests use the caller's aiohttp session (Home Assistant's shared one), a
timeout and a bounded body. Errors say what the caller should do:

* :class:`FluksoCloudAuthError` (401/403): the token is wrong or revoked;
* :class:`FluksoCloudConnectionError`: no answer, a timeout or a 5xx: retry
  later;
* :class:`FluksoCloudResponseError`: an answer that is not a JSON array.

Rows are parsed strictly (:func:`parse_rows`): a row of another shape, a
timestamp that is no whole number, a value that is no finite number
(``Infinity``, text other than ``"nan"``) or a negative one is skipped and
counted; ``"nan"`` is a gap, counted apart.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
import json
import math

import aiohttp
from yarl import URL

from ..history.model import BadRows, Record
from ..http import BodyTooLargeError, read_bounded

DEFAULT_API_URL = "https://api.flukso.net"
"""The flukso.net API root."""
REQUEST_TIMEOUT = 30.0
"""Seconds a request may take."""
MAX_BODY = 4 * 1024 * 1024
"""Bytes an answer may have (a month of hours is about 20 kB)."""
NAN = "nan"
"""The value the cloud gives an interval without data."""
RESOLUTIONS: Mapping[str, int] = {
    "minute": 60,
    "15min": 900,
    "hour": 3600,
    "day": 86400,
}
"""Seconds of each resolution the client asks for."""
MAX_TIMESTAMP = 2**32
"""Timestamps beyond this (the year 2106) are bad rows."""


class FluksoCloudError(Exception):
    """A request to the flukso.net API failed."""


class FluksoCloudConnectionError(FluksoCloudError):
    """No answer, a timeout or a server error: try again later."""


class FluksoCloudAuthError(FluksoCloudError):
    """The sensor's token is wrong or was revoked (HTTP 401/403)."""


class FluksoCloudResponseError(FluksoCloudError):
    """The answer is not what the API documents."""


@dataclass(frozen=True, slots=True)
class Query:
    """What to ask of a sensor: a period (unix times), a resolution, a unit."""

    start: int
    end: int
    resolution: str
    unit: str


class FluksoCloud:
    """The flukso.net sensor API; each request carries its sensor's token."""

    def __init__(
        self, session: aiohttp.ClientSession, api_url: str = DEFAULT_API_URL
    ) -> None:
        """Use ``session`` for requests to ``api_url``."""
        self._session = session
        self._root = URL(api_url.rstrip("/"))
        self.requests = 0
        """Requests made (for diagnostics)."""

    async def check_token(self, sensor_id: str, token: str) -> None:
        """Ask for the sensor's last hour: the token is accepted if it answers.

        Raises:
            FluksoCloudError: see the module docstring.
        """
        await self._get(sensor_id, token, {"interval": "hour", "unit": "watt"})

    async def readings(
        self, sensor_id: str, token: str, query: Query, bad: BadRows
    ) -> list[Record]:
        """Return the sensor's intervals in the query's period, in the API's order.

        Each record covers one interval of the resolution (``start`` to
        ``end``); bad and ``"nan"`` rows are counted in ``bad``.

        Raises:
            FluksoCloudError: see the module docstring.
        """
        data = await self._get(
            sensor_id,
            token,
            {
                "start": str(query.start),
                "end": str(query.end),
                "resolution": query.resolution,
                "unit": query.unit,
            },
        )
        return parse_rows(data, RESOLUTIONS[query.resolution], bad)

    async def _get(
        self, sensor_id: str, token: str, params: dict[str, str]
    ) -> list[object]:
        """Return the JSON array a sensor's URL answers.

        Raises:
            FluksoCloudError: see the module docstring.
        """
        url = (self._root / "sensor" / sensor_id).with_query(params)
        headers = {"Accept": "application/json", "X-Version": "1.0", "X-Token": token}
        self.requests += 1
        try:
            async with self._session.get(
                url,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
                allow_redirects=False,
            ) as response:
                status = response.status
                body = await read_bounded(response, MAX_BODY)
        except BodyTooLargeError as err:
            raise FluksoCloudResponseError(str(err)) from err
        except TimeoutError as err:
            raise FluksoCloudConnectionError("timeout") from err
        except aiohttp.ClientError as err:
            raise FluksoCloudConnectionError(f"{type(err).__name__}: {err}") from err
        _check_status(status)
        try:
            data = json.loads(body)
        except ValueError as err:
            raise FluksoCloudResponseError("no JSON") from err
        if not isinstance(data, list):
            raise FluksoCloudResponseError("not a JSON array")
        return data


def _check_status(status: int) -> None:
    """Raise the error an HTTP status stands for.

    Raises:
        FluksoCloudError: unless the status is 2xx.
    """
    if status in {401, 403}:
        raise FluksoCloudAuthError(f"HTTP {status}")
    if status >= 500:  # noqa: PLR2004
        raise FluksoCloudConnectionError(f"HTTP {status}")
    if not 200 <= status < 300:  # noqa: PLR2004
        raise FluksoCloudResponseError(f"HTTP {status}")


def parse_rows(data: list[object], step: int, bad: BadRows) -> list[Record]:
    """Return the ``[timestamp, value]`` rows of an answer as records.

    A record covers ``step`` seconds up to its timestamp; its ``line`` is the
    row's position (from 1). See the module docstring for what is skipped.
    """
    records = []
    for number, row in enumerate(data, start=1):
        if not isinstance(row, list) or len(row) != 2:  # noqa: PLR2004
            bad.add(number, "not a [timestamp, value] pair")
            continue
        stamp, value = row
        if (
            isinstance(stamp, bool)
            or not isinstance(stamp, int)
            or not step <= stamp <= MAX_TIMESTAMP
        ):
            bad.add(number, f"timestamp {stamp!r} is no unix time")
            continue
        if value == NAN:
            bad.empty += 1
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            bad.add(number, f"value {value!r} is no finite number of at least 0")
            continue
        end = datetime.fromtimestamp(stamp, UTC)
        start = datetime.fromtimestamp(stamp - step, UTC)
        records.append(Record(number, start, float(value), end))
    return records
