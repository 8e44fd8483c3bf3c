"""Events of a P1 meter: a new text message, a new long power failure.

Both come from what the meter keeps and resends in every telegram (its latest
message, its log of the last long power failures): what a telegram carries
when the entity starts is taken as known, and an event fires for what
appears after.
"""

from abc import abstractmethod
from dataclasses import dataclass
from typing import Any, override

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...entity import EnergyMonitorEntity
from ...lib.p1.model import PowerFailure
from ...lib.vocabulary import Key
from .coordinator import P1Coordinator, P1Data
from .sensor import meter_device_info

MESSAGE = "message"
POWER_FAILURE = "power_failure"


@dataclass(frozen=True, kw_only=True)
class P1EventEntityDescription(EventEntityDescription):
    """An event of the P1 meter, created when ``present`` says it has one."""

    present: Key
    """The value whose presence shows that the meter reports these events."""


TEXT_MESSAGE_EVENT = P1EventEntityDescription(
    key=Key.TEXT_MESSAGE_RECEIVED,
    translation_key=Key.TEXT_MESSAGE_RECEIVED,
    event_types=[MESSAGE],
    entity_registry_enabled_default=False,
    present=Key.TEXT_MESSAGE,
)
POWER_FAILURE_EVENT = P1EventEntityDescription(
    key=Key.POWER_FAILURE,
    translation_key=Key.POWER_FAILURE,
    event_types=[POWER_FAILURE],
    entity_registry_enabled_default=False,
    present=Key.POWER_FAILURES_LONG,
)


class _P1Event(EnergyMonitorEntity[P1Coordinator], EventEntity):
    """An event of the P1 meter, fired for what is new in a telegram."""

    entity_description: P1EventEntityDescription

    def __init__(
        self, coordinator: P1Coordinator, description: P1EventEntityDescription
    ) -> None:
        """Create the event entity on the meter's device."""
        super().__init__(
            coordinator,
            description,
            device_id=coordinator.meter_id,
            device_info=meter_device_info(coordinator),
        )
        self._started = False
        self._was_available: bool | None = None

    @abstractmethod
    def _new(self, data: P1Data) -> list[tuple[str, dict[str, Any]]]:
        """Return the events that ``data`` brings (and remember it)."""

    @callback
    @override
    def _handle_coordinator_update(self) -> None:
        """Fire an event for each new message or failure; nothing at start."""
        available = self.available
        events = self._new(self.coordinator.data) if available else []
        if available and not self._started:
            self._started = True  # what the meter kept before is not new
            events = []
        for event_type, attributes in events:
            self._trigger_event(event_type, attributes)
        if events or available != self._was_available:
            self._was_available = available
            self.async_write_ha_state()


class TextMessageEvent(_P1Event):
    """Fires when the meter's text message changes to a new, non-empty one."""

    _message: str | None = None

    @override
    def _new(self, data: P1Data) -> list[tuple[str, dict[str, Any]]]:
        """Return the new message, if it changed."""
        message = data.values.get(Key.TEXT_MESSAGE)
        if not isinstance(message, str) or message == self._message:
            return []
        self._message = message
        return [(MESSAGE, {"message": message})] if message else []


def _failure_attributes(failure: PowerFailure) -> dict[str, Any]:
    """Return what an event tells of a power failure."""
    end = failure.end
    return {
        "end": None if end is None else end.isoformat(),
        "duration": failure.duration_s,
    }


class PowerFailureEvent(_P1Event):
    """Fires for each long power failure that appears in the meter's log."""

    _seen: frozenset[PowerFailure] = frozenset()

    @override
    def _new(self, data: P1Data) -> list[tuple[str, dict[str, Any]]]:
        """Return the failures not in the log before, oldest first."""
        failures = data.power_failures
        new = [failure for failure in failures if failure not in self._seen]
        self._seen = frozenset(failures)
        return [(POWER_FAILURE, _failure_attributes(f)) for f in reversed(new)]


_EVENTS = (
    (TEXT_MESSAGE_EVENT, TextMessageEvent),
    (POWER_FAILURE_EVENT, PowerFailureEvent),
)


@callback
def async_setup_events(
    coordinator: P1Coordinator, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the events the meter reports now, and later ones as they appear."""
    known: set[str] = set()

    @callback
    def add_new_events() -> None:
        values = coordinator.data.values
        new: list[_P1Event] = []
        for description, entity in _EVENTS:
            if description.key not in known and description.present in values:
                known.add(description.key)
                new.append(entity(coordinator, description))
        if new:
            async_add_entities(new)

    add_new_events()
    coordinator.config_entry.async_on_unload(
        coordinator.async_add_listener(add_new_events)
    )
