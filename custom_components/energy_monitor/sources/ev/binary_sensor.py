"""Whether the controller recommends charging now."""

from typing import Any, override

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ...lib.vocabulary import Key
from .coordinator import EvChargerCoordinator
from .entity import EvChargerEntity

CHARGE_RECOMMENDED = BinarySensorEntityDescription(
    key=Key.CHARGE_RECOMMENDED, translation_key=Key.CHARGE_RECOMMENDED
)


class ChargeRecommended(EvChargerEntity, BinarySensorEntity):
    """On when the controller wants the charger on (also with smart charging off).

    Automations that drive the relay themselves (the shipped blueprints) follow
    this sensor; it has the controller's averaging, hysteresis and timers.
    """

    @property
    @override
    def is_on(self) -> bool | None:
        """Return the recommendation (unknown while waiting for fresh data)."""
        return self.coordinator.data.decision.relay_on

    @property
    @override
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return the reason and the averaged surplus."""
        decision = self.coordinator.data.decision
        surplus = None if decision.surplus is None else round(decision.surplus)
        return {"reason": decision.reason.value, "surplus": surplus}


def async_setup_binary_sensors(
    coordinator: EvChargerCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the charge-recommended binary sensor."""
    async_add_entities([ChargeRecommended(coordinator, CHARGE_RECOMMENDED)])
