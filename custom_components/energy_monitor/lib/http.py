"""What every HTTP API client of the library shares: a bounded response body."""

import aiohttp

READ_CHUNK = 64 * 1024
"""Bytes read from the socket at a time."""


class BodyTooLargeError(ValueError):
    """An answer is larger than the caller allows."""


async def read_bounded(response: aiohttp.ClientResponse, limit: int) -> bytes:
    """Return a response's body, refusing one over ``limit`` bytes.

    Raises:
        BodyTooLargeError: when the body is larger.
    """
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(READ_CHUNK):
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError(f"answer over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
