"""An HTTP session for PyFronius whose answers are bounded in size.

PyFronius reads a whole answer into memory (``response.json()``); a device or
a proxy that streams megabytes would be held in full. :class:`BoundedSession`
offers the one call PyFronius makes, ``session.get(url)`` used as an async
context manager whose response has ``json()``, and reads at most
:data:`MAX_ANSWER_BYTES`: a larger answer is not JSON of the Solar API.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import json
from typing import Any, Final

import aiohttp

MAX_ANSWER_BYTES: Final = 1 << 20
"""The largest answer read (1 MiB): a Solar API answer is a few kB."""


class AnswerTooLargeError(json.JSONDecodeError):
    """An answer longer than the limit (PyFronius reports it as not JSON)."""


class BoundedResponse:
    """A response whose body is read up to a limit."""

    def __init__(self, response: aiohttp.ClientResponse, limit: int) -> None:
        """Wrap ``response``; read at most ``limit`` bytes of it."""
        self._response = response
        self._limit = limit

    async def json(self, content_type: str | None = None) -> Any:
        """Return the body as JSON (any content type, as PyFronius asks).

        Raises:
            json.JSONDecodeError: when the body is too long or not JSON.
        """
        body = bytearray()
        async for chunk in self._response.content.iter_any():
            body += chunk
            if len(body) > self._limit:
                raise AnswerTooLargeError(
                    f"answer longer than {self._limit} bytes", "", 0
                )
        try:
            return json.loads(bytes(body))
        except UnicodeDecodeError as err:
            raise json.JSONDecodeError(str(err), "", 0) from err


class BoundedSession:
    """The part of an aiohttp session that PyFronius uses, bounded."""

    def __init__(
        self, session: aiohttp.ClientSession, limit: int = MAX_ANSWER_BYTES
    ) -> None:
        """Send requests with ``session``; read at most ``limit`` bytes each."""
        self._session = session
        self._limit = limit

    @asynccontextmanager
    async def get(self, url: str) -> AsyncIterator[BoundedResponse]:
        """Send a GET request; the response reads a bounded body."""
        async with self._session.get(url) as response:
            yield BoundedResponse(response, self._limit)
