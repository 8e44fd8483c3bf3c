"""Entities that write their state as their key's write policy says.

Each state change is a recorder row (and, without a unit, an activity-log
entry); :mod:`.lib.write_policy` decides which updates are worth one, per
vocabulary key. Numbers are rounded first (two decimals beyond their display
precision), so float noise (``4568.07516141494``) is neither shown nor taken
for a change.
"""

from datetime import UTC, datetime
from typing import override

from homeassistant.core import CALLBACK_TYPE, callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util

from .lib.vocabulary import state_decimals, write_policy
from .lib.write_policy import WriteGate


class WrittenByPolicy(Entity):
    """An entity whose updates are written as its key's write policy says.

    A change of availability is written at once; the value and attributes
    follow the policy (live power every update, counters once a minute on
    the minute, voltages beyond a deadband, ...). A change held back until
    its slot ends is written then, even if no update follows.
    """

    _gate: WriteGate | None = None
    _cancel_retry: CALLBACK_TYPE | None = None

    def rounded[T](self, value: T) -> T:
        """Return a number without float noise (see ``state_decimals``)."""
        decimals = state_decimals(
            getattr(self.entity_description, "suggested_display_precision", None)
        )
        if decimals is None or not isinstance(value, float):
            return value
        return round(value, decimals)  # type: ignore[return-value]

    def _written_at_once(self) -> tuple[object, ...]:
        """Return what is written as soon as it changes (availability)."""
        return (self.available,)

    def _shown(self) -> tuple[object, ...]:
        """Return what the policy throttles: the state and its attributes."""
        return (self.state, self.state_attributes, self.extra_state_attributes)

    @property
    def _write_gate(self) -> WriteGate:
        """Return the entity's gate, made from its key's policy."""
        if self._gate is None:
            description = self.entity_description
            self._gate = WriteGate(
                write_policy(
                    description.key,
                    getattr(description, "state_class", None),
                    getattr(description, "device_class", None),
                )
            )
        return self._gate

    @override
    async def async_added_to_hass(self) -> None:
        """Start from the state written when the entity was added."""
        await super().async_added_to_hass()
        self._write_gate.prime(
            dt_util.utcnow().timestamp(), self._written_at_once(), self._shown()
        )

    @callback
    def async_write_by_policy(self) -> None:
        """Write the state if the policy says this update is worth a row."""
        decision = self._write_gate.decide(
            dt_util.utcnow().timestamp(), self._written_at_once(), self._shown()
        )
        if decision.write:
            self._cancel()
            self.async_write_ha_state()
        elif decision.retry_at is not None and self._cancel_retry is None:
            self._cancel_retry = async_track_point_in_utc_time(
                self.hass, self._retry, datetime.fromtimestamp(decision.retry_at, UTC)
            )

    @callback
    def _retry(self, _now: datetime) -> None:
        """Write a held-back change when its slot ends."""
        self._cancel_retry = None
        self.async_write_by_policy()

    def _cancel(self) -> None:
        """Drop a scheduled retry."""
        if self._cancel_retry is not None:
            self._cancel_retry()
            self._cancel_retry = None

    @override
    async def async_will_remove_from_hass(self) -> None:
        """Drop a scheduled retry with the entity."""
        self._cancel()
        await super().async_will_remove_from_hass()
