"""Library tests run without Home Assistant."""

import pytest


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations() -> None:
    """Override the top-level fixture: no Home Assistant instance is needed."""
