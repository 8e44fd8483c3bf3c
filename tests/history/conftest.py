"""Fixtures of the history import: the recorder, an allowed folder, the action."""

from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest

from custom_components.energy_monitor.const import DOMAIN

from .helpers import ImportHistory

TESTS = Path(__file__).parent


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """Prepare the recorder's database before Home Assistant starts.

    (The recorder's fixtures must come before ``hass``.) Tests in ``lib`` get
    neither.
    """
    if "lib" not in request.path.relative_to(TESTS).parts:
        request.getfixturevalue("async_setup_recorder_instance")
        request.getfixturevalue("enable_custom_integrations")


@pytest.fixture
async def allowed(hass: HomeAssistant, recorder_mock: Any, tmp_path: Path) -> Path:
    """Return a folder the action may read, with Energy Monitor set up."""
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    await hass.config.async_set_time_zone("Europe/Brussels")
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()
    return tmp_path


@pytest.fixture
def import_history(hass: HomeAssistant, allowed: Path) -> ImportHistory:
    """Return a function calling the action, returning its response."""

    async def call(**data: Any) -> dict[str, Any]:
        response = await hass.services.async_call(
            DOMAIN, "import_history", data, blocking=True, return_response=True
        )
        assert response is not None
        return dict(response)

    return call
