"""Entities that write their state only when what the user sees changed."""

from homeassistant.core import callback
from homeassistant.helpers.entity import Entity


class WrittenOnChange(Entity):
    """An entity that skips writing a state the user has already seen.

    Writing an unchanged state would only refresh ``last_reported``; entities
    whose freshness matters (live measurements) pass ``always``.
    """

    _written: tuple[object, ...] | None = None

    @callback
    def async_write_if_changed(self, *shown: object, always: bool = False) -> None:
        """Write the state if ``shown`` (what the user sees) changed."""
        if always or shown != self._written:
            self._written = shown
            self.async_write_ha_state()
