"""Event platform: each source adds its own entities."""

from homeassistant.const import Platform

from .coordinator import platform_setup

PARALLEL_UPDATES = 0

async_setup_entry = platform_setup(Platform.EVENT)
