"""Fixtures every source uses: Home Assistant, the wizard, an HTTP session.

The fixtures of one source (its simulators, its short timeouts) are in
``tests/<source>/conftest.py``.
"""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from unittest.mock import AsyncMock, patch

import aiohttp
import pytest

from custom_components.energy_monitor.lib.write_policy import ON_CHANGE

TESTS = Path(__file__).parent


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """Let Home Assistant load custom_components/energy_monitor.

    Tests in a ``lib`` folder test the HA-free library: they get no Home
    Assistant instance.
    """
    if "lib" not in request.path.relative_to(TESTS).parts:
        request.getfixturevalue("enable_custom_integrations")


@pytest.fixture
def mock_setup_entry() -> Iterator[AsyncMock]:
    """Keep config-flow tests from setting the created entry up."""
    with patch(
        "custom_components.energy_monitor.async_setup_entry", return_value=True
    ) as mock:
        yield mock


@pytest.fixture
def write_every_change() -> Iterator[None]:
    """Write every change of every entity (no write policy).

    The write policy (tested on its own in ``tests/test_write_policy.py``)
    holds counters back to one write a minute; tests that follow a counter
    reading by reading use this.
    """
    with patch(
        "custom_components.energy_monitor.written.write_policy",
        return_value=ON_CHANGE,
    ):
        yield


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """Return an HTTP session."""
    async with aiohttp.ClientSession() as session:
        yield session
