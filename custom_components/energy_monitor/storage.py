"""Persistent storage that keeps up with data that changes all the time."""

from collections.abc import Callable
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store


class PeriodicStore[DataT: dict[str, Any]](Store[DataT]):
    """A Store written at most every ``interval`` seconds while data changes.

    ``Store.async_delay_save`` postpones its write on every call, so data that
    changes every few seconds would only be written at shutdown and lost in a
    power cut. :meth:`async_schedule_save` writes the latest data every
    ``interval`` seconds instead (and Home Assistant's final write still
    happens at shutdown).
    """

    def __init__(
        self, hass: HomeAssistant, version: int, key: str, interval: float
    ) -> None:
        """Create the store."""
        super().__init__(hass, version, key)
        self._interval = interval
        self._due: float | None = None

    @callback
    def async_schedule_save(self, data_func: Callable[[], DataT]) -> None:
        """Write ``data_func()`` within ``interval`` seconds."""
        now = self.hass.loop.time()
        if self._due is not None and now < self._due:
            return
        self._due = now + self._interval
        self.async_delay_save(data_func, self._interval)
